/**
 * Durations (`90d`, `8h`, `30m`) and expiry dates as the CLI accepts them.
 */
import { LatchError } from './errors.js';

const unitMs: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** True for `<digits><unit>` with unit one of s, m, h, d, w, y. */
export function isDuration(text: string): boolean {
  return /^[1-9]\d{0,5}[smhdwy]$/.test(text);
}

/** Milliseconds in a duration such as `90d`; throws E_USAGE when malformed. */
export function parseDuration(text: string): number {
  if (!isDuration(text)) {
    throw new LatchError(
      'E_USAGE',
      `"${text}" is not a duration: use 1 to 6 digits (not starting with 0) and a unit (s, m, h, d, w, y), like 90d`,
    );
  }
  return Number(text.slice(0, -1)) * unitMs[text.slice(-1)]!;
}

/**
 * Normalises an expiry: `YYYY-MM-DD` stays a date (the secret expires at the end of that
 * day, UTC), an ISO date-time is kept, and a duration counts from `now`. Throws E_USAGE.
 */
export function parseExpiry(text: string, now: Date): string {
  if (isDuration(text)) return new Date(now.getTime() + parseDuration(text)).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) return text;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)))
    return new Date(text).toISOString();
  throw new LatchError(
    'E_USAGE',
    `"${text}" is not an expiry: use a date (2027-01-31), a date-time, or a duration (90d)`,
  );
}

/** The moment an expiry takes effect, in ms since the epoch. */
export function expiryTime(expires: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires)
    ? Date.parse(`${expires}T00:00:00Z`) + unitMs.d!
    : Date.parse(expires);
}

/**
 * A moment for `--since` and `--until`: a duration counts back from `now` (`2h`, `7d`), a
 * date is its start (UTC), a date-time is taken as given. Returns ms since the epoch; throws
 * E_USAGE.
 */
export function parseMoment(text: string, now: Date): number {
  if (isDuration(text)) return now.getTime() - parseDuration(text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    return Date.parse(`${text}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) return Date.parse(text);
  throw new LatchError(
    'E_USAGE',
    `"${text}" is not a time: use a duration back from now (2h, 7d), a date (2026-06-01) or a date-time`,
  );
}
