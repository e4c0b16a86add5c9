#!/usr/bin/env node
/**
 * The executable: builds the real io and exits with what the command returns. The only
 * place that reads process.argv or calls process.exit.
 */
import { openTerminal } from '../platform/terminal.js';
import { runMain } from './main.js';

// A reader that goes away (`latch ls | head -1`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const code = await runMain(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  terminal: openTerminal(process.stdin, process.stderr),
  now: () => new Date(),
});
// Let pending stdout writes drain (a pipe may be slow) before exiting.
process.exitCode = code;
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
