/**
 * What is due for rotation across the vault, as data: secrets marked leaked and not rotated,
 * expired ones, and ones whose rotation period has passed. The period is the one `set
 * --rotate-every` stored, else the manifest's `rotate_every`; a secret with neither has no
 * period (no silent policy). Also what falls due within the next days (`upcoming`), for a
 * calendar.
 */
import type { Manifest } from '../manifest/model.js';
import { expiryTime, parseDuration } from '../shared/duration.js';
import type { SecretRecord, VaultContents } from '../vault/vault.js';

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

/**
 * When `secret`'s rotation period (its own, else `declaredPeriod`) runs out: its last update
 * plus the period, in milliseconds; null without a period or with one that does not parse.
 */
export function rotationDueTime(secret: SecretRecord, declaredPeriod: string | undefined): number | null {
  const period = secret.rotateEvery ?? declaredPeriod;
  if (period === undefined) return null;
  try {
    return Date.parse(secret.updated) + parseDuration(period);
  } catch {
    return null;
  }
}

/** One secret's most urgent reason to rotate at `now`, or null. */
export function dueReason(
  secret: SecretRecord,
  declaredPeriod: string | undefined,
  now: number,
): { reason: DueReason; since: number } | null {
  if (secret.rotationNeeded) return { reason: 'leaked', since: Date.parse(secret.rotationNeeded) };
  if (secret.expires !== undefined && expiryTime(secret.expires) <= now)
    return { reason: 'expired', since: expiryTime(secret.expires) };
  const due = rotationDueTime(secret, declaredPeriod);
  return due !== null && due <= now ? { reason: 'rotation-due', since: due } : null;
}

/** A secret as `dueSecrets` reads it: where it lives, and its manifest's period if known. */
export interface StoredSecretEntry {
  project: string;
  environment: string;
  name: string;
  secret: SecretRecord;
  declaredPeriod?: string;
}

/**
 * Every secret stored in the vault, in every project and environment, with its period from
 * `here`'s manifest when the secret is declared there: a manifest's periods apply to its own
 * project only.
 */
export function storedSecretEntries(
  contents: VaultContents,
  here: { project: string; manifest: Manifest | null } | null,
): StoredSecretEntry[] {
  const entries: StoredSecretEntry[] = [];
  for (const project of contents.projectNames()) {
    const record = contents.getProject(project)!;
    const manifest = here?.manifest && here.project === project ? here.manifest : null;
    for (const [environment, env] of Object.entries(record.environments)) {
      for (const name of Object.keys(env.secrets)) {
        const declaredPeriod = manifest?.secrets.find((secret) => secret.name === name)?.rotateEvery;
        entries.push({
          project,
          environment,
          name,
          secret: env.secrets[name]!,
          ...(declaredPeriod === undefined ? {} : { declaredPeriod }),
        });
      }
    }
  }
  return entries;
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

/** What falls due: a leaked mark (due at once), an expiry, or the end of a rotation period. */
export type UpcomingKind = 'leaked' | 'expires' | 'rotation';

/** One date in a calendar of what falls due. */
export interface UpcomingEvent {
  project: string;
  environment: string;
  name: string;
  kind: UpcomingKind;
  /** The moment it falls due (ISO time): the leaked mark, the expiry, updated plus the period. */
  due: string;
  /**
   * The day it falls on (YYYY-MM-DD, UTC): for an expiry given as a date, that date (a
   * secret expires at the end of its day).
   */
  day: string;
  /** Already due at `now`. */
  overdue: boolean;
  /** Days from `now`'s day to `day` (UTC): 0 today, 1 tomorrow, -1 yesterday. */
  days: number;
}

const kindOrder: Record<UpcomingKind, number> = { leaked: 0, expires: 1, rotation: 2 };

/**
 * Everything among `entries` that falls due before `now` plus `days` days (milliseconds), the
 * overdue included (a secret marked leaked is due from its mark until it is rotated), sorted
 * by when it falls due, then by kind and name. A secret can appear twice: its expiry and the
 * end of its rotation period.
 */
export function upcoming(entries: Iterable<StoredSecretEntry>, now: number, days: number): UpcomingEvent[] {
  const until = now + days * day;
  const today = Math.floor(now / day) * day;
  const events: UpcomingEvent[] = [];
  for (const entry of entries) {
    const { secret } = entry;
    const found: Array<[UpcomingKind, number, string | null]> = [];
    if (secret.rotationNeeded) found.push(['leaked', Date.parse(secret.rotationNeeded), null]);
    if (secret.expires !== undefined) {
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(secret.expires);
      found.push(['expires', expiryTime(secret.expires), dateOnly ? secret.expires : null]);
    }
    const rotation = rotationDueTime(secret, entry.declaredPeriod);
    if (rotation !== null) found.push(['rotation', rotation, null]);
    for (const [kind, at, givenDay] of found) {
      if (Number.isNaN(at) || at > until) continue;
      const due = new Date(at).toISOString();
      const onDay = givenDay ?? due.slice(0, 10);
      events.push({
        project: entry.project,
        environment: entry.environment,
        name: entry.name,
        kind,
        due,
        day: onDay,
        overdue: at <= now,
        days: Math.round((Date.parse(`${onDay}T00:00:00Z`) - today) / day),
      });
    }
  }
  return events.sort(
    (left, right) =>
      Date.parse(left.due) - Date.parse(right.due) ||
      kindOrder[left.kind] - kindOrder[right.kind] ||
      `${left.project}/${left.environment}/${left.name}`.localeCompare(
        `${right.project}/${right.environment}/${right.name}`,
      ),
  );
}
