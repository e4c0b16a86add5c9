/**
 * Wrong-passphrase counts in LATCH_HOME (`lockout.json`), shared by every latch process of
 * the user and updated under a lock, crash-safely. Policy lives in lockout.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { withLock, writeFileAtomic } from '../shared/files.js';
import {
  checkAttempt,
  cleanLockoutState,
  decodeLockoutState,
  describeWait,
  type LockoutState,
  maxFailures,
  recordFailure,
} from './lockout.js';
import type { PassphraseAttempts } from './store.js';

function paths(home: string) {
  return { state: join(home, 'lockout.json'), lock: join(home, 'lockout.lock') };
}

/** The current state; a missing or unreadable file is a clean slate. */
export function readLockoutState(home: string): LockoutState {
  try {
    return decodeLockoutState(readFileSync(paths(home).state, 'utf8'));
  } catch {
    return cleanLockoutState;
  }
}

function writeState(home: string, state: LockoutState): void {
  writeFileAtomic(paths(home).state, new TextEncoder().encode(JSON.stringify(state)));
}

/**
 * Lockout hooks for `unlockVault`: a short delay after a failure is waited out (as `sudo`
 * and login do), the five-minute lock is refused with the time left. `now` and `sleep` are
 * injected so tests need not wait.
 */
export function lockoutAttempts(
  home: string,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): PassphraseAttempts {
  const update = (change: (state: LockoutState) => LockoutState | null) =>
    withLock(paths(home).lock, () => {
      const next = change(readLockoutState(home));
      if (next) writeState(home, next);
    });
  return {
    async before() {
      const verdict = checkAttempt(readLockoutState(home), now());
      if (verdict.allowed) return;
      if (!verdict.lockedOut) return sleep(verdict.waitMs);
      throw new LatchError(
        'E_LOCKED',
        `locked after ${maxFailures} wrong passphrases; try again in ${describeWait(verdict.waitMs)}`,
      );
    },
    async failed() {
      await update((state) => recordFailure(state, now()));
    },
    async succeeded() {
      // The common case, no failures on record, needs neither the lock nor a write.
      if (readLockoutState(home).failures === 0) return;
      try {
        await update((state) => (state.failures === 0 ? null : cleanLockoutState));
      } catch {
        // A read-only LATCH_HOME: the right passphrase still opens the vault, and the count
        // left standing only delays the next wrong one.
      }
    },
  };
}
