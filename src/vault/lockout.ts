/**
 * Lockout after wrong passphrases (issue 3): after each failure the next try is accepted
 * only after an exponentially growing delay; after five consecutive failures, every try,
 * the right passphrase included, is refused for five minutes; a success resets the count.
 * This throttles guessing through latch only: the real defence against a stolen vault file
 * is Argon2id's cost, which deleting this state does not lower (docs/threat-model.md).
 */

export interface LockoutState {
  /** Consecutive wrong passphrases. */
  failures: number;
  /** When the last one happened, in ms since the epoch. */
  lastFailureAt: number;
}

export const cleanLockoutState: LockoutState = { failures: 0, lastFailureAt: 0 };

/** Failures after which the vault is locked for `lockoutMs`. */
export const maxFailures = 5;
export const lockoutMs = 5 * 60_000;

/** The wait after `failures` consecutive failures: 1 s, 2 s, 4 s, 8 s, then the lockout. */
export function delayAfter(failures: number): number {
  if (failures <= 0) return 0;
  if (failures >= maxFailures) return lockoutMs;
  return 1000 * 2 ** (failures - 1);
}

export type AttemptVerdict = { allowed: true } | { allowed: false; waitMs: number; lockedOut: boolean };

/** Whether a passphrase may be tried at `now`, and if not, for how long to wait. */
export function checkAttempt(state: LockoutState, now: number): AttemptVerdict {
  const readyAt = state.lastFailureAt + delayAfter(state.failures);
  if (state.failures === 0 || now >= readyAt) return { allowed: true };
  return { allowed: false, waitMs: readyAt - now, lockedOut: state.failures >= maxFailures };
}

/** The state after a wrong passphrase at `now`. A lockout that has run out starts a new count. */
export function recordFailure(state: LockoutState, now: number): LockoutState {
  const expired = state.failures >= maxFailures && now >= state.lastFailureAt + lockoutMs;
  return { failures: (expired ? 0 : state.failures) + 1, lastFailureAt: now };
}

/** Parses stored state; anything unreadable counts as clean (the file is advisory). */
export function decodeLockoutState(text: string): LockoutState {
  try {
    const parsed = JSON.parse(text) as Partial<LockoutState>;
    const failures = Number(parsed.failures);
    const lastFailureAt = Number(parsed.lastFailureAt);
    if (Number.isInteger(failures) && failures >= 0 && Number.isFinite(lastFailureAt))
      return { failures, lastFailureAt };
  } catch {}
  return cleanLockoutState;
}

/** A wait as people say it: `4s`, `4m 30s`, `7h 59m`. */
export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const [big, small, bigUnit, smallUnit] =
    seconds < 3600
      ? [Math.floor(seconds / 60), seconds % 60, 'm', 's']
      : [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), 'h', 'm'];
  return small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
}
