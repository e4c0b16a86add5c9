/**
 * The executable's body: builds the real io and exits with what the command returns. The
 * only place that reads process.argv or calls process.exit. Run by dist/cli/latch.cjs (the
 * `latch` command, src/cli/latch.cjs) and by dist/cli/bin.js (src/cli/bin.ts).
 */
import { readFileSync } from 'node:fs';
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

  const argv = process.argv.slice(2);
  runMain(argv, {
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
    argvBytes: argvBytesOf(argv),
  }).then((code) => {
    // Let pending stdout writes drain (a pipe may be slow) before exiting.
    process.exitCode = code;
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  });
}

/**
 * Node decodes argv as UTF-8, with U+FFFD for bytes that are not: when a word holds U+FFFD,
 * the words as bytes from /proc/self/cmdline (Linux; its last words are `argv`'s), kept only
 * when they decode to exactly `argv`. Elsewhere, and for a command line of UTF-8 words (read
 * nothing then: `run` is a hot path), undefined.
 */
function argvBytesOf(argv: readonly string[]): Uint8Array[] | undefined {
  if (process.platform !== 'linux' || !argv.some((word) => word.includes('\uFFFD'))) return undefined;
  try {
    const line = readFileSync('/proc/self/cmdline');
    const words: Uint8Array[] = [];
    for (let start = 0; start < line.length; ) {
      const end = line.indexOf(0, start);
      words.push(line.subarray(start, end === -1 ? line.length : end));
      start = end === -1 ? line.length : end + 1;
    }
    const tail = words.slice(words.length - argv.length);
    const same =
      tail.length === argv.length &&
      tail.every((word, index) => Buffer.from(word).toString() === argv[index]);
    return same ? tail : undefined;
  } catch {
    return undefined;
  }
}
