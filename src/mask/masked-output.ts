/**
 * One of a child's output streams, through a redactor stream, into latch's own stdout or
 * stderr. Bounded memory: when the target is full the source is paused (the child then
 * blocks on its own write, as it would on a slow terminal). What the redactor holds back may
 * begin a value, so it stays held until later bytes decide it or the source ends, however long
 * the child pauses: a child that writes a value a character at a time, 30 ms apart, used to
 * show all of it but the last character when the held tail was shown after a few quiet
 * milliseconds. A prompt or a progress bar still shows at once, as the redactor holds nothing
 * that cannot begin a value (at worst its last characters wait for the next write). A target that goes away (EPIPE: `latch run -- cmd | head -1`)
 * stops the copy quietly; the caller sends the child SIGPIPE, which the kernel would have sent
 * it without latch (the child's end is a socket, whose close gives ECONNRESET rather than
 * SIGPIPE), and the child's end is closed.
 *
 * Speed: Node's stream machinery costs more per 64 KiB chunk (a pipe's capacity) than masking
 * it, so when it can, the copy goes around it. With the source's descriptor (a FIFO from
 * os-pipe.ts, non-blocking) each 'data' event is followed by direct reads into one reused
 * buffer until the pipe is empty, a few per turn of the event loop so that signals, timers and
 * the other stream still get their turn; and when the target is a pipe or a file, bytes go to
 * its descriptor with a direct write. A direct write that would block (EAGAIN: Node made a
 * pipe target non-blocking) hands the rest to the target stream, which queues it and says
 * 'drain'; until then the source is paused and every write goes through the stream, in order.
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import type { RedactorStream } from './redactor.js';

/** Where masked bytes go: process.stdout or process.stderr, or anything that writes. */
export interface MaskTarget {
  write(chunk: Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  off?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  /** Its descriptor (process.stdout's is 1): written directly when it is a pipe or a file. */
  readonly fd?: number;
  /** Bytes the stream has queued and not yet written. */
  readonly writableLength?: number;
}

export interface MaskedPipe {
  /** Resolves once the source has ended (or the target broke) and everything was written. */
  readonly done: Promise<void>;
  /**
   * After the child exited: resolves when the source ends, or once it has been quiet for
   * `quietMs` (a background process the child left behind may hold the pipe open forever);
   * then a held tail, which may begin a value that process has yet to finish, is not shown.
   */
  finish(quietMs: number): Promise<void>;
}

/** A pipe's capacity on Linux: one read never returns more. */
const readSize = 64 * 1024;
/** Direct reads per turn of the event loop (1 MiB): long enough to be cheap, short enough to share. */
const readsPerTurn = 16;

/** The target's descriptor when direct writes to it are safe: a pipe, a file, a device but a terminal. */
function directTargetFd(target: MaskTarget): number | null {
  const fd = target.fd;
  if (typeof fd !== 'number' || process.platform === 'win32') return null;
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isFile() || (stat.isCharacterDevice() && !isatty(fd))) return fd;
  } catch {}
  return null;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Copies `source` through `masking` into `target` until the source ends. `sourceFd`, when
 * given, is the source's own non-blocking descriptor, read directly as well (see above).
 * `masking` may reuse its output buffer (`reuseOutput`): what it returns is written or copied
 * at once.
 */
export function pipeMasked(
  source: Readable,
  target: MaskTarget,
  masking: RedactorStream,
  onBrokenTarget: () => void = () => {},
  sourceFd: number | null = null,
): MaskedPipe {
  let pushes = 0;
  let broken = false;
  let waitingForDrain = false;
  let ended = false;
  let targetFd = directTargetFd(target);
  const readBuffer = sourceFd === null ? null : Buffer.allocUnsafe(readSize);
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  /** Writes what it can to the target's descriptor; returns how many bytes, or -1 when it broke. */
  const writeDirect = (fd: number, bytes: Uint8Array): number => {
    let written = 0;
    const stackLimit = Error.stackTraceLimit;
    // EAGAIN is thrown, often: an error without a stack costs a fraction of one with.
    Error.stackTraceLimit = 0;
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch (error) {
      Error.stackTraceLimit = stackLimit;
      const code = errorCode(error);
      if (code === 'EPIPE') {
        breakTarget();
        return -1;
      }
      // Anything else is the stream's to report, as it would without the direct path.
      if (code !== 'EAGAIN') targetFd = null;
    }
    Error.stackTraceLimit = stackLimit;
    return written;
  };
  const write = (bytes: Uint8Array) => {
    if (bytes.length === 0 || broken) return;
    let rest = bytes;
    if (targetFd !== null && !waitingForDrain && !target.writableLength) {
      const written = writeDirect(targetFd, bytes);
      if (written < 0 || written === bytes.length) return;
      rest = bytes.subarray(written);
    }
    // The stream may keep the bytes until later, and `rest` may be a view of the read buffer
    // or of the masking stream's own (reuseOutput).
    if (target.write(Uint8Array.prototype.slice.call(rest)) !== false) return;
    if (!target.once || waitingForDrain) return;
    waitingForDrain = true;
    source.pause();
    target.once('drain', () => {
      waitingForDrain = false;
      if (!ended) source.resume();
    });
  };
  /** `undecided`: the source did not end, latch stops reading it: a held tail stays unshown. */
  const end = (undecided = false) => {
    if (ended) return;
    ended = true;
    if (!undecided) write(masking.flush());
    target.off?.('error', onTargetError);
    resolveDone();
  };
  const breakTarget = () => {
    if (broken) return;
    broken = true;
    onBrokenTarget();
    source.destroy();
    end();
  };
  const onTargetError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') breakTarget();
  };
  const take = (chunk: Uint8Array) => {
    pushes++;
    write(masking.push(chunk));
  };
  /** Reads the source's descriptor until it is empty, for a few reads at most. */
  const readDirect = (fd: number, buffer: Buffer) => {
    for (let reads = 0; reads < readsPerTurn && !waitingForDrain && !ended; reads++) {
      let got: number;
      const stackLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        got = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        // EAGAIN: empty for now, the next 'data' event resumes. Anything else: the stream's.
        return;
      } finally {
        Error.stackTraceLimit = stackLimit;
      }
      if (got === 0) {
        source.destroy();
        end();
        return;
      }
      take(buffer.subarray(0, got));
    }
  };

  target.on?.('error', onTargetError);
  source.on('data', (chunk: Buffer) => {
    take(chunk);
    // Only once the stream has handed over every chunk it read itself: bytes stay in order.
    if (sourceFd !== null && readBuffer && source.readableLength === 0) readDirect(sourceFd, readBuffer);
  });
  source.once('end', () => end());
  source.once('close', () => end());
  source.once('error', () => end());

  const finish = (quietMs: number) => {
    if (ended) return done;
    let seen = -1;
    const check = () => {
      if (ended) return;
      if (pushes === seen && !waitingForDrain) {
        source.destroy();
        // What is held may still begin a value that the leftover process has yet to finish.
        end(true);
        return;
      }
      seen = pushes;
      setTimeout(check, quietMs).unref();
    };
    check();
    return done;
  };
  return { done, finish };
}
