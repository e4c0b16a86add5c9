/**
 * One of a child's output streams, through a redactor stream, into latch's own stdout or
 * stderr. Bounded memory: when the target is full the source is paused (the child then
 * blocks on its own write, as it would on a slow terminal). A partial match held back by the
 * redactor is flushed after a few quiet milliseconds, so a prompt or a progress bar shows at
 * once; a held tail of 4 bytes or more (the start of a value, more likely a value written in
 * pieces than the end of a prompt) waits for a longer quiet spell before it is shown. A target that goes away (EPIPE: `latch run -- cmd | head -1`) stops the copy quietly;
 * the caller sends the child SIGPIPE, which the kernel would have sent it without latch (the
 * child's end is a socket, whose close gives ECONNRESET rather than SIGPIPE), and the child's
 * end is closed.
 */
import type { Readable } from 'node:stream';
import type { RedactorStream } from '../core/redactor.js';

/** Where masked bytes go: process.stdout or process.stderr, or anything that writes. */
export interface MaskTarget {
  write(chunk: Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  off?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export interface MaskedPipe {
  /** Resolves once the source has ended (or the target broke) and everything was written. */
  readonly done: Promise<void>;
  /**
   * After the child exited: resolves when the source ends, or once it has been quiet for
   * `quietMs` (a background process the child left behind may hold the pipe open forever).
   */
  finish(quietMs: number): Promise<void>;
}

/** How long the source must be quiet before a held-back partial match is shown. */
export const idleFlushMs = 8;
/** How long for a held tail of `longTail` bytes or more. */
export const longTailFlushMs = 1000;
const longTail = 4;

/** Copies `source` through `masking` into `target` until the source ends. */
export function pipeMasked(
  source: Readable,
  target: MaskTarget,
  masking: RedactorStream,
  onBrokenTarget: () => void = () => {},
): MaskedPipe {
  let pushes = 0;
  let timer: NodeJS.Timeout | null = null;
  let armedAt = 0;
  let quietTicks = 0;
  let broken = false;
  let waitingForDrain = false;
  let ended = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const write = (bytes: Uint8Array) => {
    if (bytes.length === 0 || broken) return;
    if (target.write(bytes) !== false || !target.once || waitingForDrain) return;
    waitingForDrain = true;
    source.pause();
    target.once('drain', () => {
      waitingForDrain = false;
      if (!ended) source.resume();
    });
  };
  const onIdle = () => {
    timer = null;
    if (ended || masking.pendingLength === 0) return;
    // Data came in since the timer was set: not quiet yet, look again later.
    quietTicks = pushes === armedAt ? quietTicks + 1 : 0;
    const needed = masking.pendingLength < longTail ? 1 : longTailFlushMs / idleFlushMs;
    if (quietTicks < needed) return arm();
    quietTicks = 0;
    write(masking.flush());
  };
  const arm = () => {
    armedAt = pushes;
    timer = setTimeout(onIdle, idleFlushMs);
    timer.unref();
  };
  const end = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    write(masking.flush());
    target.off?.('error', onTargetError);
    resolveDone();
  };
  const onTargetError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return;
    broken = true;
    onBrokenTarget();
    source.destroy();
    end();
  };

  target.on?.('error', onTargetError);
  source.on('data', (chunk: Buffer) => {
    pushes++;
    write(masking.push(chunk));
    if (timer === null && masking.pendingLength > 0 && !ended) {
      quietTicks = 0;
      arm();
    }
  });
  source.once('end', end);
  source.once('close', end);
  source.once('error', end);

  const finish = (quietMs: number) => {
    if (ended) return done;
    let seen = -1;
    const check = () => {
      if (ended) return;
      if (pushes === seen && !waitingForDrain) {
        source.destroy();
        end();
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
