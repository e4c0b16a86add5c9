/**
 * Executes a run plan for a front end that returns the output rather than showing it (the
 * MCP server's latch_run): the child's stdout and stderr are each masked by their own
 * redactor stream, the same streams `latch run` uses, then kept up to a cap. The child runs in
 * a process group of its own, so that a timeout or a cancellation stops everything it
 * started: SIGTERM to the group, then SIGKILL after a grace period.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Redactor, RedactorStream } from '../mask/redactor.js';
import { LatchError } from '../shared/errors.js';
import type { RunPlan } from './plan.js';
import { spawnFailure } from './spawn-failure.js';

export interface CapturedRunOptions {
  redactor: Redactor;
  /** The working directory of the child. */
  cwd: string;
  timeoutMs: number;
  /** Masked bytes kept per stream; more is counted and dropped. */
  outputCapBytes: number;
  /** Aborting stops the child's process group (a client that went away, a cancelled call). */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/** One output stream after masking. */
export interface CapturedOutput {
  text: string;
  /** Masked bytes dropped beyond the cap. */
  droppedBytes: number;
}

export interface CapturedRun {
  /** The exit code; 128+N when the child died of signal N. */
  exitCode: number;
  /** The signal that ended it, if one did. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
}

/** After the child exits, how long its pipes may stay open (a background process left behind). */
const quietAfterExitMs = 200;
const defaultGraceMs = 2000;

/** Collects one stream's masked bytes up to the cap. */
class Collector {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  dropped = 0;

  constructor(
    private readonly masking: RedactorStream,
    private readonly cap: number,
  ) {}

  push(chunk: Uint8Array): void {
    // Past the cap nothing more is masked or kept; the bytes are counted as they come.
    if (this.kept >= this.cap) {
      this.dropped += chunk.length;
      return;
    }
    this.keep(this.masking.push(chunk));
  }

  finish(): CapturedOutput {
    if (this.kept < this.cap) this.keep(this.masking.flush());
    // A cut at the cap may split a UTF-8 sequence or a <latch:NAME> marker, never a value:
    // the bytes kept were masked first.
    return { text: Buffer.concat(this.parts).toString('utf8'), droppedBytes: this.dropped };
  }

  private keep(masked: Uint8Array): void {
    const room = this.cap - this.kept;
    const taken = masked.length > room ? masked.subarray(0, room) : masked;
    this.parts.push(Buffer.from(taken));
    this.kept += taken.length;
    this.dropped += masked.length - taken.length;
  }
}

/** Sends `signal` to the child's whole process group (it leads one: spawned detached). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
  } catch {}
}

/**
 * Spawns the plan, waits for it to exit (or stops it), and resolves with its masked output.
 * Rejects with E_NOT_FOUND (127) for a program that does not exist, E_IO (126) for one that
 * cannot run.
 */
export function runCaptured(plan: RunPlan, options: CapturedRunOptions): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new LatchError('E_USAGE', 'the call was cancelled before the program started'));
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(plan.command, plan.args, {
        cwd: options.cwd,
        env: plan.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
    } catch (error) {
      reject(spawnFailure(error as NodeJS.ErrnoException, plan.command));
      return;
    }
    const stdout = new Collector(options.redactor.stream(), options.outputCapBytes);
    const stderr = new Collector(options.redactor.stream(), options.outputCapBytes);
    let lastOutputAt = Date.now();
    child.stdout!.on('data', (chunk: Buffer) => {
      lastOutputAt = Date.now();
      stdout.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      lastOutputAt = Date.now();
      stderr.push(chunk);
    });
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | null = null;
    const stop = () => {
      signalGroup(child, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child, 'SIGKILL'), options.graceMs ?? defaultGraceMs);
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(spawnFailure(error, plan.command));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      // A group being stopped is stopped whole: what the child left behind gets SIGKILL too.
      if (killTimer) {
        clearTimeout(killTimer);
        signalGroup(child, 'SIGKILL');
      }
      const streams = [child.stdout!, child.stderr!];
      const open = () => streams.some((stream) => !stream.readableEnded && !stream.destroyed);
      // Until both pipes end, or they have been quiet for a while (a background process the
      // child left behind may hold them open forever).
      const settled = new Promise<void>((done) => {
        const check = () => {
          if (!open()) done();
          else if (Date.now() - lastOutputAt > quietAfterExitMs) done();
          else setTimeout(check, quietAfterExitMs / 4);
        };
        for (const stream of streams) stream.once('close', () => !open() && done());
        check();
      });
      settled.then(() => {
        for (const stream of streams) stream.destroy();
        resolve({
          exitCode: signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1),
          signal,
          timedOut,
          cancelled,
          stdout: stdout.finish(),
          stderr: stderr.finish(),
        });
      });
    });
  });
}
