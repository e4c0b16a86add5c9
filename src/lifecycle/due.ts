/**
 * What is due for rotation across the vault, as data: secrets marked leaked and not rotated,
 * expired ones, and ones whose rotation period has passed. The period is the one `set
 * --rotate-every` stored, else the manifest's `rotate_every`; a secret with neither has no
 * period (no silent policy).
 */
import { expiryTime, parseDuration } from '../shared/duration.js';
import type { SecretRecord } from '../vault/vault.js';

/** Why a secret is due, most urgent first. */
export type DueReason = 'leaked' | 'expired' | 'rotation-due';

export interface DueSecret {
  project: string;
  environment: string;
  name: string;
  reason: DueReason;
  /** When it became due (leaked mark, expiry, or last update plus the period). */
  since: string;
  /** Whole days since it became due. */
  overdueDays: number;
}

const urgency: Record<DueReason, number> = { leaked: 0, expired: 1, 'rotation-due': 2 };
const day = 24 * 60 * 60 * 1000;

/** One secret's most urgent reason to rotate at `now`, or null. */
export function dueReason(
  secret: SecretRecord,
  declaredPeriod: string | undefined,
  now: number,
): { reason: DueReason; since: number } | null {
  if (secret.rotationNeeded) return { reason: 'leaked', since: Date.parse(secret.rotationNeeded) };
  if (secret.expires !== undefined && expiryTime(secret.expires) <= now)
    return { reason: 'expired', since: expiryTime(secret.expires) };
  const period = secret.rotateEvery ?? declaredPeriod;
  if (period === undefined) return null;
  let length: number;
  try {
    length = parseDuration(period);
  } catch {
    return null;
  }
  const due = Date.parse(secret.updated) + length;
  return due <= now ? { reason: 'rotation-due', since: due } : null;
}

/** A secret as `dueSecrets` reads it: where it lives, and its manifest's period if known. */
export interface StoredSecretEntry {
  project: string;
  environment: string;
  name: string;
  secret: SecretRecord;
  declaredPeriod?: string;
}

/** The due ones among `entries`, sorted by urgency (reason, then longest overdue, then name). */
export function dueSecrets(entries: Iterable<StoredSecretEntry>, now: number): DueSecret[] {
  const due: DueSecret[] = [];
  for (const entry of entries) {
    const found = dueReason(entry.secret, entry.declaredPeriod, now);
    if (!found) continue;
    due.push({
      project: entry.project,
      environment: entry.environment,
      name: entry.name,
      reason: found.reason,
      since: new Date(found.since).toISOString(),
      overdueDays: Math.max(0, Math.floor((now - found.since) / day)),
    });
  }
  return due.sort(
    (left, right) =>
      urgency[left.reason] - urgency[right.reason] ||
      Date.parse(left.since) - Date.parse(right.since) ||
      `${left.project}/${left.environment}/${left.name}`.localeCompare(
        `${right.project}/${right.environment}/${right.name}`,
      ),
  );
}
