/**
 * Real pipes for a child's stdout and stderr. Node's `stdio: 'pipe'` gives a child a Unix
 * socket, and on Linux a socket cannot be opened by path: `echo x > /dev/stderr`, which many
 * scripts do, fails with ENXIO. A FIFO is a pipe, so latch makes one per stream with
 * `mkfifo` in a private temporary directory, opens both ends, and removes the names at once.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One pipe: latch reads `reader`, whose descriptor `readFd` (non-blocking) it may also read
 * directly; the child gets `writeFd` (blocking, as a pipe from a shell).
 */
export interface OsPipe {
  reader: Socket;
  readFd: number;
  writeFd: number;
}

/**
 * `count` new pipes, or null where they cannot be made (Windows, no `mkfifo`): the caller
 * then uses Node's own pipes. Never throws.
 */
export function createOsPipes(count: number): OsPipe[] | null {
  if (process.platform === 'win32') return null;
  let directory: string | null = null;
  const opened: number[] = [];
  try {
    // mkdtemp makes the directory 0700: nobody else can reach the FIFOs while they have names.
    directory = mkdtempSync(join(tmpdir(), 'latch-pipe-'));
    const paths = Array.from({ length: count }, (_, index) => join(directory!, `p${index}`));
    const made = spawnSync('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' });
    if (made.status !== 0) return null;
    const pipes: OsPipe[] = [];
    for (const path of paths) {
      // The read end first, non-blocking (it does not wait for a writer); then the write end,
      // blocking, which opens at once because a reader exists. The child must get a blocking
      // pipe: flags belong to the open file, and few programs expect EAGAIN on stdout.
      const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      opened.push(readFd);
      const writeFd = openSync(path, constants.O_WRONLY);
      opened.push(writeFd);
      pipes.push({ reader: new Socket({ fd: readFd, readable: true, writable: false }), readFd, writeFd });
    }
    return pipes;
  } catch {
    for (const fd of opened) {
      try {
        closeSync(fd);
      } catch {}
    }
    return null;
  } finally {
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

/** Closes latch's copies of the write ends once the child has its own. */
export function closeWriteEnds(pipes: readonly OsPipe[]): void {
  for (const pipe of pipes) {
    try {
      closeSync(pipe.writeFd);
    } catch {}
  }
}
