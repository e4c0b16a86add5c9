/**
 * Executes a run plan: spawns the child, forwards signals to it, masks its output when the
 * plan says so, and resolves with its exit code (128+N when it died of signal N), only after
 * it has exited and its output has been written.
 *
 * Three ways to run, decided by the caller (`run`):
 * - inherited stdio, when nothing is masked (`--no-mask`, or no value long enough);
 * - pipes: the child's stdout and stderr each go through their own redactor stream (one pipe
 *   for both when latch's stdout and stderr are one file, `2>&1`);
 * - a pty (through `script`, see pty.ts) when latch's stdin and stdout are terminals: the child
 *   sees a terminal, and the pty's one output stream is masked into latch's stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fstatSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { type MaskedPipe, type MaskTarget, pipeMasked } from '../mask/masked-output.js';
import type { Redactor } from '../mask/redactor.js';
import { closeOsPipes, closeWriteEnds, createOsPipes, type OsPipe } from './os-pipe.js';
import type { RunPlan } from './plan.js';
import { execLine, type PtySpawn, ptyChildPid } from './pty.js';
import { spawnFailure } from './spawn-failure.js';

/** Signals latch passes on to the child (issue 2; SIGWINCH for terminal programs). */
export const forwardedSignals: NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
];

/**
 * On a pty (Linux), `script` keeps the terminal in raw mode, so Ctrl-C and Ctrl-\ reach the
 * child as bytes through the pty, never as signals to latch, and the terminal sends SIGWINCH
 * to `script` itself. A signal latch does receive was sent by another process: it goes to the
 * program on the pty (not to `script`, which would turn it into a SIGTERM and exit 0).
 * Elsewhere (BSD `script`) only SIGTERM and SIGHUP go on, to `script`.
 */
const forwardedOnPty: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const forwardedOnBsdPty: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
const absorbedOnBsdPty: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/** How the child's output is masked, when it is. */
export interface Masking {
  redactor: Redactor;
  stdout: MaskTarget;
  stderr: MaskTarget;
  /** Run through `script` on a pty instead of the plan's command on pipes. */
  pty: PtySpawn | null;
  /** Pipes made ahead (`startOsPipes`); else they are made just before the spawn. */
  osPipes?: Promise<OsPipe[] | null>;
}

/** After the child exits, how long its output may stay quiet before latch stops waiting. */
const quietAfterExitMs = 200;

/**
 * On pipes, how long the child must run before latch starts its watchdog: `latch run -- true`
 * is done before then and pays nothing (a spawn costs latch a few milliseconds).
 */
const watchdogDelayMs = 100;

/**
 * The watchdog's program (POSIX sh): latch writes a line once the child exited. End of input
 * without one means latch died without waiting (SIGKILL, a crash, out of memory): then each
 * target's own children (their process groups too: the program on a pty leads its own) and
 * the target itself get SIGKILL, so no program keeps running with the secrets and nobody
 * reading its output.
 */
const watchdogProgram = `read -r _ && exit 0
for pid in "$@"; do
  kids=
  read -r kids < "/proc/$pid/task/$pid/children"
  for kid in $kids; do kill -KILL "-$kid" "$kid" 2>/dev/null; done
  kill -KILL "$pid" 2>/dev/null
done
exit 0`;

/**
 * Starts a process that kills `pid` (and its children) if latch dies before it calls the
 * returned function, which it does once the child has exited. Node cannot set
 * PR_SET_PDEATHSIG on a child, and the child stays in latch's process group (a Ctrl-C typed
 * on the terminal must reach it), so a watchdog it is: `sh` in a session of its own (no key
 * typed on the terminal stops it), with an empty environment, waiting on a pipe that only
 * latch holds. Not on Windows.
 */
function startWatchdog(pid: number): () => void {
  if (process.platform === 'win32') return () => {};
  let watchdog: ChildProcess;
  try {
    watchdog = spawn('/bin/sh', ['-c', watchdogProgram, 'latch-watchdog', String(pid)], {
      detached: true,
      env: {},
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    return () => {};
  }
  watchdog.on('error', () => {});
  watchdog.stdin?.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return () => watchdog.stdin?.end('exited\n');
}

/** Spawns the plan and resolves with the exit code latch should exit with. */
export async function executePlan(plan: RunPlan, masking: Masking | null = null): Promise<number> {
  const made = await masking?.osPipes;
  if (masking?.pty) closeOsPipes(made ?? null);
  let osPipes = masking && !masking.pty ? (made !== undefined ? made : createOsPipes(2)) : null;
  // `2>&1`: one pipe for both, so that the child's stdout and stderr keep their order.
  if (osPipes && masking && sameDestination(masking.stdout, masking.stderr)) {
    closeOsPipes(osPipes.slice(1));
    osPipes = osPipes.slice(0, 1);
  }
  return new Promise((resolve, reject) => {
    const target = masking?.pty ?? directSpawn(plan);
    let child: ChildProcess;
    try {
      child = spawn(target.command, target.args, {
        env: target.env,
        stdio:
          masking === null
            ? 'inherit'
            : masking.pty
              ? ['inherit', 'pipe', 'inherit']
              : osPipes
                ? ['inherit', osPipes[0]!.writeFd, (osPipes[1] ?? osPipes[0]!).writeFd]
                : ['inherit', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Node throws some failures (E2BIG) at once and reports others (ENOENT) as 'error'.
      throw spawnFailure(error as NodeJS.ErrnoException, plan.command);
    } finally {
      if (osPipes) closeWriteEnds(osPipes);
    }
    const pipes: MaskedPipe[] = [];
    if (masking) {
      // On a real pipe the kernel gives the child SIGPIPE once latch closes its end; on Node's
      // socket pipes the child would see ECONNRESET instead, so latch sends SIGPIPE itself.
      const brokenPipe = () => {
        if (!osPipes && child.exitCode === null && child.signalCode === null) child.kill('SIGPIPE');
      };
      const sources = osPipes ? osPipes.map((pipe) => pipe.reader) : [child.stdout, child.stderr];
      for (const [index, output] of [masking.stdout, masking.stderr].entries()) {
        const source = sources[index];
        const sourceFd = osPipes?.[index]?.readFd ?? null;
        const stream = masking.redactor.stream({ reuseOutput: true });
        if (source) pipes.push(pipeMasked(source, output, stream, brokenPipe, sourceFd));
      }
    }
    const cleanup = handleSignals(child, masking?.pty ? 'pty' : 'direct');
    // A run on a terminal is a person's: its watchdog starts at once (`script` and the program).
    let releaseWatchdog = () => {};
    const watchdogTimer = setTimeout(
      () => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
          releaseWatchdog = startWatchdog(child.pid);
      },
      masking?.pty ? 0 : watchdogDelayMs,
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      clearTimeout(watchdogTimer);
      reject(spawnFailure(error, plan.command));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      clearTimeout(watchdogTimer);
      releaseWatchdog();
      const exitCode = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
      // Everything the child wrote is shown before latch exits with its code.
      Promise.all(pipes.map((pipe) => pipe.finish(quietAfterExitMs))).then(() => resolve(exitCode));
    });
  });
}

/**
 * What to spawn for the plan off a pty: the command itself, or, when a word is not UTF-8
 * (`plan.wordBytes`), `/bin/sh` rebuilding the words' bytes and `exec`ing them (the same pid;
 * a missing command is then the shell's "not found", still exit 127). The shell would add
 * PWD to an environment without it: the line unsets it again.
 */
function directSpawn(plan: RunPlan): PtySpawn {
  if (!plan.wordBytes) return { command: plan.command, args: plan.args, env: plan.env };
  const line = execLine([plan.command, ...plan.args], plan.wordBytes);
  return {
    command: '/bin/sh',
    args: ['-c', plan.env.PWD === undefined ? `unset PWD; ${line}` : line],
    env: plan.env,
  };
}

/**
 * Whether latch's stdout and stderr are one file, pipe or terminal (`2>&1`, a CI log): the
 * child then writes both to one pipe, as it would without latch. Two pipes read in turn
 * would put a line written to stderr after stdout lines written later.
 */
function sameDestination(stdout: MaskTarget, stderr: MaskTarget): boolean {
  if (typeof stdout.fd !== 'number' || typeof stderr.fd !== 'number') return false;
  try {
    const [out, err] = [fstatSync(stdout.fd), fstatSync(stderr.fd)];
    return out.dev === err.dev && out.ino === err.ino && out.rdev === err.rdev;
  } catch {
    return false;
  }
}

/** Signals a terminal sends to its whole foreground process group when a key is typed. */
const keyboardSignals: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/**
 * Whether latch's process group is the foreground group of its controlling terminal (Linux:
 * /proc/self/stat). Then a SIGINT or SIGQUIT most likely came from a key (a shell forwards
 * none to its foreground job either); elsewhere, and without a terminal, false.
 */
function inTerminalForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // After the command name in parentheses: state ppid pgrp session tty_nr tpgid.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [processGroup, foregroundGroup] = [Number(fields[2]), Number(fields[5])];
    return foregroundGroup > 0 && processGroup === foregroundGroup;
  } catch {
    return false;
  }
}

function handleSignals(child: ChildProcess, mode: 'pty' | 'direct'): () => void {
  const linuxPty = mode === 'pty' && process.platform === 'linux';
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Typed on the terminal: it already reached the child, which shares latch's process
    // group; a second SIGINT means "stop now, skip the cleanup" to many programs.
    if (mode === 'direct' && keyboardSignals.includes(signal) && inTerminalForeground()) return;
    const programPid = linuxPty && child.pid !== undefined ? ptyChildPid(child.pid) : null;
    if (programPid === null) child.kill(signal);
    else {
      try {
        process.kill(programPid, signal);
      } catch {}
    }
  };
  const forwarded = mode === 'direct' ? forwardedSignals : linuxPty ? forwardedOnPty : forwardedOnBsdPty;
  const handlers = forwarded
    .filter((signal) => process.platform !== 'win32' || signal === 'SIGINT' || signal === 'SIGTERM')
    .map((signal) => [signal, () => forward(signal)] as const);
  // Still listened for, so that a stray one does not kill latch and leave the terminal raw.
  if (mode === 'pty' && !linuxPty)
    for (const signal of absorbedOnBsdPty) handlers.push([signal, () => {}] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
