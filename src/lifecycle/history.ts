/**
 * A secret's history and its rollback, as pure functions over `SecretRecord`. Versions are
 * numbered from 1 (the oldest) to the current value; a rollback appends, so a number once
 * shown always names the same value and nothing is ever lost.
 */
import { LatchError } from '../shared/errors.js';
import { retireCurrentValue } from '../vault/secrets.js';
import type { SecretRecord, ValueSource } from '../vault/vault.js';

/** One value of a secret as `history` shows it: when and how it came and went, never the value. */
export interface HistoryEntry {
  version: number;
  current: boolean;
  /** When it became current. */
  set: string;
  /** When it stopped being current; null for the current value. */
  replaced: string | null;
  /** The event that made it current; null for values stored before latch recorded it. */
  setBy: ValueSource | null;
  /** The event that replaced it; null for the current value (or when unknown). */
  replacedBy: ValueSource | null;
  /** For a value made current by `rollback`: the version it copied. */
  rolledBackFrom: number | null;
  /** When `latch leaked` marked it, if it was. */
  leaked: string | null;
  bytes: number;
}

/** Every value of `secret`, oldest first, the current one last. */
export function secretHistory(secret: SecretRecord): HistoryEntry[] {
  const values = [
    ...secret.versions.map((version) => ({ ...version, current: false })),
    {
      value: secret.value,
      created: secret.updated,
      replaced: null,
      setBy: secret.setBy,
      rotationNeeded: secret.rotationNeeded,
      rolledBackFrom: secret.rolledBackFrom,
      current: true,
    },
  ];
  return values.map((entry, index) => ({
    version: index + 1,
    current: entry.current,
    set: entry.created,
    replaced: entry.replaced,
    setBy: entry.setBy ?? null,
    replacedBy: values[index + 1]?.setBy ?? null,
    rolledBackFrom: entry.rolledBackFrom ?? null,
    leaked: entry.rotationNeeded ?? null,
    bytes: entry.value.length,
  }));
}

/** What a rollback did: the version that was current, the one copied, and the new current one. */
export interface Rollback {
  from: number;
  to: number;
  current: number;
  /** The restored value's `leaked` mark, kept. */
  leaked: string | null;
}

/**
 * Makes version `to` (default: the one before the current) current again: the current value
 * becomes a version, and a copy of version `to`, with its `leaked` mark, becomes current.
 * Throws E_NOT_FOUND for a version that does not exist, E_USAGE for the current one.
 */
export function rollbackSecret(
  secret: SecretRecord,
  name: string,
  to: number | undefined,
  now: string,
): Rollback {
  const current = secret.versions.length + 1;
  if (secret.versions.length === 0)
    throw new LatchError(
      'E_NOT_FOUND',
      `${name} has no earlier value to roll back to; see \`latch history ${name}\``,
    );
  const target = to ?? current - 1;
  if (!Number.isSafeInteger(target) || target < 1 || target > current)
    throw new LatchError(
      'E_NOT_FOUND',
      `${name} has no version ${to}; versions are 1 to ${current} (see \`latch history ${name}\`)`,
    );
  if (target === current)
    throw new LatchError('E_USAGE', `version ${target} of ${name} is already current; nothing was changed`);
  const restored = secret.versions[target - 1]!;
  retireCurrentValue(secret, now);
  secret.value = restored.value;
  secret.updated = now;
  secret.setBy = 'rollback';
  secret.rolledBackFrom = target;
  if (restored.rotationNeeded !== undefined) secret.rotationNeeded = restored.rotationNeeded;
  else delete secret.rotationNeeded;
  return { from: current, to: target, current: current + 1, leaked: restored.rotationNeeded ?? null };
}
