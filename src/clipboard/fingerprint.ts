/**
 * What the clearing process knows of the value: a salted SHA-256, so it can tell whether
 * the clipboard still holds what latch put there without ever holding the value itself (it
 * lives in that process's environment, which `ps e` can show to the same user).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Fingerprint {
  /** 16 random bytes, hex: a precomputed table of common values does not apply. */
  salt: string;
  /** SHA-256 of salt and value, hex. */
  hash: string;
}

/** Fingerprints `value` with a fresh salt (or `salt`, to compare). */
export function fingerprint(value: Uint8Array, salt = randomBytes(16).toString('hex')): Fingerprint {
  const hash = createHash('sha256').update(Buffer.from(salt, 'hex')).update(value).digest('hex');
  return { salt, hash };
}

/** True when `value` has the fingerprint `expected` (compared in constant time). */
export function matchesFingerprint(value: Uint8Array, expected: Fingerprint): boolean {
  const actual = Buffer.from(fingerprint(value, expected.salt).hash, 'hex');
  const wanted = Buffer.from(expected.hash, 'hex');
  return actual.length === wanted.length && timingSafeEqual(actual, wanted);
}
