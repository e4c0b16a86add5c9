/**
 * Wrong-password counts for bundles, one state file per bundle in
 * `LATCH_HOME/bundle-attempts/<sha256 of the bundle file>.json`, shared by every latch
 * process of the user and updated under a lock, crash-safely. The policy is the vault's
 * (vault/lockout.ts): a growing delay after each failure, five minutes locked after five.
 * It throttles guesses made through latch only; a copied file is attacked offline.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { ensurePrivateDirectory, withLock, writeFileAtomic } from '../shared/files.js';
import {
  checkAttempt,
  cleanLockoutState,
  decodeLockoutState,
  describeWait,
  type LockoutState,
  maxFailures,
  recordFailure,
} from '../vault/lockout.js';

/** The key of a bundle's state: the SHA-256 of its bytes, so a renamed copy shares it. */
export function bundleKey(file: Uint8Array): string {
  return createHash('sha256').update(file).digest('hex');
}

function paths(home: string, key: string) {
  const directory = join(home, 'bundle-attempts');
  return { directory, state: join(directory, `${key}.json`), lock: join(directory, `${key}.lock`) };
}

/** The bundle's current state; a missing or unreadable file is a clean slate. */
export function readBundleAttempts(home: string, key: string): LockoutState {
  try {
    return decodeLockoutState(readFileSync(paths(home, key).state, 'utf8'));
  } catch {
    return cleanLockoutState;
  }
}

/** Hooks around one password try of the bundle `key`; `now` and `sleep` are injected for tests. */
export interface BundleAttempts {
  /** Waits out a short delay; throws E_LOCKED (exit 3, with the time left) during the lockout. */
  before(): Promise<void>;
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

export function bundleAttempts(
  home: string,
  key: string,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): BundleAttempts {
  const where = paths(home, key);
  const update = (change: (state: LockoutState) => LockoutState | null) => {
    ensurePrivateDirectory(where.directory);
    return withLock(where.lock, () => {
      const next = change(readBundleAttempts(home, key));
      if (next) writeFileAtomic(where.state, new TextEncoder().encode(JSON.stringify(next)));
    });
  };
  return {
    async before() {
      const verdict = checkAttempt(readBundleAttempts(home, key), now());
      if (verdict.allowed) return;
      if (!verdict.lockedOut) return sleep(verdict.waitMs);
      throw new LatchError(
        'E_LOCKED',
        `this bundle is locked after ${maxFailures} wrong passwords; try again in ${describeWait(verdict.waitMs)}`,
      );
    },
    async failed() {
      await update((state) => recordFailure(state, now()));
    },
    async succeeded() {
      if (readBundleAttempts(home, key).failures === 0) return;
      await update((state) => (state.failures === 0 ? null : cleanLockoutState));
    },
  };
}
