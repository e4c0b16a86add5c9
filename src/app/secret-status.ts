/**
 * The state of an environment's secrets by name, for front ends that must not see values
 * (the MCP server's list and check tools, a web UI): declared or stored, required, set or
 * missing, expiry and rotation. Never a value, a length or a hash.
 */
import { expiryTime, parseDuration } from '../shared/duration.js';
import type { ProjectRecord } from '../vault/vault.js';
import type { ProjectContext } from './context.js';
import { secretsToInject, unusableRequired } from './secrets-for-run.js';

/** One secret of an environment, by name only. */
export interface SecretStatus {
  name: string;
  required: boolean;
  /** Stored in the vault (an empty value counts as set). */
  set: boolean;
  /** When it expires (ISO date), or null. */
  expires: string | null;
  expired: boolean;
  /** Its rotation period (`rotate_every` or `--rotate-every`) has passed since it was last set. */
  rotationDue: boolean;
  /** `latch leaked` marked it: rotate it at the provider. */
  rotationNeeded: boolean;
  description: string | null;
  /** Who to ask about it (`owner` in latch.yaml or `--owner`), or null. */
  owner: string | null;
  /** Its rotation period, or null. */
  rotateEvery: string | null;
  /** When its current value was set (ISO time), or null when it is not set. */
  updated: string | null;
}

/** What `latch check` reports, by name. */
export interface EnvironmentCheck {
  project: string;
  environment: string;
  /** `latch run` would start: every required secret has a value an environment can carry. */
  ok: boolean;
  missing: string[];
  /** Required, with a value no environment variable can carry (not text, or too long). */
  binary: string[];
  tooLong: string[];
  expired: string[];
  rotationDue: string[];
  rotationNeeded: string[];
  /** Why `run` would refuse, in `run`'s own words; null when ok. */
  problem: string | null;
  /** How many secrets the environment has (declared, or stored without a manifest). */
  count: number;
}

/**
 * The environment's secrets (the manifest's declarations, else what is stored) with their
 * state at `now` (milliseconds).
 */
export function secretStatuses(
  context: ProjectContext,
  record: ProjectRecord | undefined,
  now: number,
): SecretStatus[] {
  const stored = record?.environments[context.environment]?.secrets ?? {};
  // By name, once: a find per secret made a manifest of n secrets cost n² comparisons.
  const declarations = new Map(context.manifest?.secrets.map((declared) => [declared.name, declared]));
  return secretsToInject(context, record).map((secret) => {
    const entry = Object.hasOwn(stored, secret.name) ? stored[secret.name] : undefined;
    const declaration = declarations.get(secret.name);
    const period = entry?.rotateEvery ?? declaration?.rotateEvery;
    return {
      name: secret.name,
      required: secret.required,
      set: entry !== undefined,
      expires: entry?.expires ?? null,
      expired: entry?.expires !== undefined && expiryTime(entry.expires) <= now,
      rotationDue:
        entry !== undefined &&
        period !== undefined &&
        Date.parse(entry.updated) + parseDuration(period) <= now,
      rotationNeeded: entry?.rotationNeeded !== undefined,
      description: entry?.description ?? declaration?.description ?? null,
      owner: entry?.owner ?? declaration?.owner ?? null,
      rotateEvery: period ?? null,
      updated: entry?.updated ?? null,
    };
  });
}

/**
 * Missing or unusable required secrets, expired ones and those due for rotation, by name: what
 * `latch check` and the MCP check tool report. `ok` is false exactly when `run` would refuse to
 * start (app/run.ts reads the same unusableRequired), so check and run always agree.
 */
export function checkEnvironment(
  context: ProjectContext,
  record: ProjectRecord | undefined,
  now: number,
): EnvironmentCheck {
  const statuses = secretStatuses(context, record, now);
  const names = (keep: (status: SecretStatus) => boolean) =>
    statuses.filter(keep).map((status) => status.name);
  const unusable = unusableRequired(
    secretsToInject(context, record),
    `${context.project}/${context.environment}`,
    context.environment,
  );
  return {
    project: context.project,
    environment: context.environment,
    ok: unusable === null,
    missing: unusable?.missing ?? [],
    binary: unusable?.binary ?? [],
    tooLong: unusable?.tooLong ?? [],
    expired: names((status) => status.expired),
    rotationDue: names((status) => status.rotationDue),
    rotationNeeded: names((status) => status.rotationNeeded),
    problem: unusable?.message ?? null,
    count: statuses.length,
  };
}
