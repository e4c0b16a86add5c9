/**
 * Executes a run plan: spawns the child with inherited stdio, forwards signals to it, and
 * resolves with its exit code (128+N when it died of signal N), only after it has exited.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { LatchError } from '../core/errors.js';
import type { RunPlan } from '../core/run-plan.js';

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

/** Spawns the plan and resolves with the exit code latch should exit with. */
export function executePlan(plan: RunPlan): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(plan.command, plan.args, { env: plan.env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = forwardedSignals
      .filter((signal) => process.platform !== 'win32' || signal === 'SIGINT' || signal === 'SIGTERM')
      .map((signal) => {
        const handler = () => forward(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
    const cleanup = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      // The shells' conventions: 127 for a command that is not there, 126 for one that cannot run.
      if (error.code === 'ENOENT')
        reject(new LatchError('E_NOT_FOUND', `command not found: ${plan.command}`, { exitCode: 127 }));
      else if (error.code === 'EACCES')
        reject(new LatchError('E_IO', `permission denied: ${plan.command}`, { exitCode: 126 }));
      else reject(error);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
    });
  });
}
