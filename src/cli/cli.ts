/**
 * The executable's body: builds the real io and exits with what the command returns. The
 * only place that reads process.argv or calls process.exit. Run by dist/cli/latch.cjs (the
 * `latch` command, src/cli/latch.cjs) and by dist/cli/bin.js (src/cli/bin.ts).
 */
import { isatty } from 'node:tty';
import { openTerminal } from '../shared/terminal.js';
import { runMain } from './main.js';

export { runMain } from './main.js';

/** Runs latch with this process's argv and stdio, then exits with the command's code. */
export function main(): void {
  // A reader that goes away (`latch ls | head -1`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // `run` listens too while it copies a child's masked output: it closes the child's end
      // and exits with the child's code once the child has seen the broken pipe.
      if (error.code === 'EPIPE' && stream.listenerCount('error') > 1) return;
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  runMain(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    // Created on first use: process.stdin builds a stream (1-2 ms) that `run` never reads.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    terminal: isatty(0) ? openTerminal(process.stdin, process.stderr) : null,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }).then((code) => {
    // Let pending stdout writes drain (a pipe may be slow) before exiting.
    process.exitCode = code;
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  });
}
