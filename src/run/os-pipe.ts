/**
 * Real pipes for a child's stdout and stderr. Node's `stdio: 'pipe'` gives a child a Unix
 * socket, and on Linux a socket cannot be opened by path: `echo x > /dev/stderr`, which many
 * scripts do, fails with ENXIO. A FIFO is a pipe, so latch makes one per stream with
 * `mkfifo` in a private temporary directory, opens both ends, and removes the names at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One pipe: latch reads `reader`, whose descriptor `readFd` (non-blocking) it may also read
 * directly; the child gets `writeFd` (blocking, as a pipe from a shell).
 */
export interface OsPipe {
  readonly reader: Socket;
  readonly readFd: number;
  readonly writeFd: number;
  /** Closes latch's read end (destroying `reader` if it was made). */
  closeRead(): void;
}

/**
 * The `reader` stream is made on first use, after the child is spawned: a fresh process
 * takes a millisecond or so for each, which then overlaps the child's own start.
 */
class FifoPipe implements OsPipe {
  private stream: Socket | null = null;

  constructor(
    readonly readFd: number,
    readonly writeFd: number,
  ) {}

  get reader(): Socket {
    this.stream ??= new Socket({ fd: this.readFd, readable: true, writable: false });
    return this.stream;
  }

  closeRead(): void {
    if (this.stream) this.stream.destroy();
    else closeQuietly(this.readFd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

/** Opens both ends of each FIFO (the names are removed by the caller); closes all on failure. */
function openFifos(paths: readonly string[]): OsPipe[] | null {
  const opened: number[] = [];
  try {
    const pipes: OsPipe[] = [];
    for (const path of paths) {
      // The read end first, non-blocking (it does not wait for a writer); then the write end,
      // blocking, which opens at once because a reader exists. The child must get a blocking
      // pipe: flags belong to the open file, and few programs expect EAGAIN on stdout.
      const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      opened.push(readFd);
      // Only a FIFO: never hand the child a file or device that happens to have the name.
      if (!fstatSync(readFd).isFIFO()) throw new Error(`${path} is not a FIFO`);
      const writeFd = openSync(path, constants.O_WRONLY);
      opened.push(writeFd);
      pipes.push(new FifoPipe(readFd, writeFd));
    }
    return pipes;
  } catch {
    for (const fd of opened) {
      try {
        closeSync(fd);
      } catch {}
    }
    return null;
  }
}

/**
 * Removes a directory of FIFOs: each name, then the directory (a few system calls, where
 * rmSync's recursive walk costs a fresh process a millisecond or two). Never throws.
 */
function removeFifoDirectory(directory: string): void {
  try {
    for (const name of readdirSync(directory)) unlinkSync(join(directory, name));
    rmdirSync(directory);
  } catch {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A private directory for `count` FIFOs and their paths. mkdtemp makes it 0700. */
function fifoPaths(count: number): { directory: string; paths: string[] } {
  const directory = mkdtempSync(join(tmpdir(), 'latch-pipe-'));
  return { directory, paths: Array.from({ length: count }, (_, index) => join(directory, `p${index}`)) };
}

/**
 * `count` new pipes, or null where they cannot be made (Windows, no `mkfifo`): the caller
 * then uses Node's own pipes. Never throws.
 */
export function createOsPipes(count: number): OsPipe[] | null {
  if (process.platform === 'win32') return null;
  let directory: string | null = null;
  try {
    const fifos = fifoPaths(count);
    directory = fifos.directory;
    const made = spawnSync('mkfifo', ['-m', '600', ...fifos.paths], { stdio: 'ignore' });
    return made.status === 0 ? openFifos(fifos.paths) : null;
  } catch {
    return null;
  } finally {
    if (directory) removeFifoDirectory(directory);
  }
}

/**
 * As `createOsPipes`, without blocking: `mkfifo` runs while the caller goes on (`run` starts
 * it first and unlocks the vault meanwhile, instead of waiting for it just before the spawn).
 * Resolves null where pipes cannot be made; never rejects. Whoever starts it must take the
 * pipes (or `closeOsPipes` them), even on an error path: the names are removed only then.
 */
export function startOsPipes(count: number): Promise<OsPipe[] | null> {
  if (process.platform === 'win32') return Promise.resolve(null);
  let fifos: { directory: string; paths: string[] };
  try {
    fifos = fifoPaths(count);
  } catch {
    return Promise.resolve(null);
  }
  return makeFifos(fifos.paths).then((made) => {
    const pipes = made ? openFifos(fifos.paths) : null;
    removeFifoDirectory(fifos.directory);
    return pipes;
  });
}

/** Makes FIFOs (0600) at `paths` with a `mkfifo` process; resolves whether it worked. */
export function makeFifos(paths: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const maker = spawn('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' });
    // 'error' (no mkfifo) and 'exit' may both come; a promise settles once.
    maker.once('error', () => resolve(false));
    maker.once('exit', (code) => resolve(code === 0));
  });
}

/**
 * Pipes from a stock of ready-made FIFO pairs (the session agent keeps one in
 * `directory`, src/session/agent-socket.ts), without starting `mkfifo`: a pair is claimed
 * by renaming its directory (only one process can), then opened and its names removed.
 * Null when no pair is ready; the caller makes its own. Never throws.
 */
export function claimReadyPipes(directory: string): OsPipe[] | null {
  if (process.platform === 'win32') return null;
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.startsWith('ready-'));
  } catch {
    return null;
  }
  for (const name of names) {
    const claimed = join(directory, `claimed-${process.pid}-${name.slice('ready-'.length)}`);
    try {
      renameSync(join(directory, name), claimed);
    } catch {
      continue; // another process took it first
    }
    try {
      return openFifos([join(claimed, 'out'), join(claimed, 'err')]);
    } finally {
      removeFifoDirectory(claimed);
    }
  }
  return null;
}

/** Closes both ends of pipes that were made but never given to a child. */
export function closeOsPipes(pipes: readonly OsPipe[] | null): void {
  if (!pipes) return;
  closeWriteEnds(pipes);
  for (const pipe of pipes) pipe.closeRead();
}

/** Closes latch's copies of the write ends once the child has its own. */
export function closeWriteEnds(pipes: readonly OsPipe[]): void {
  for (const pipe of pipes) {
    try {
      closeSync(pipe.writeFd);
    } catch {}
  }
}
