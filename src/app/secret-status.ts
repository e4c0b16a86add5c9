/**
 * The state of an environment's secrets by name, for front ends that must not see values
 * (the MCP server's list and check tools, a web UI): declared or stored, required, set or
 * missing, expiry and rotation. Never a value, a length or a hash.
 */
import { expiryTime, parseDuration } from '../shared/duration.js';
import type { ProjectRecord } from '../vault/vault.js';
import type { ProjectContext } from './context.js';
import { secretsToInject } from './secrets-for-run.js';

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
}

/** What `latch check` reports, by name. */
export interface EnvironmentCheck {
  project: string;
  environment: string;
  ok: boolean;
  missing: string[];
  expired: string[];
  rotationDue: string[];
  rotationNeeded: string[];
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
  return secretsToInject(context, record).map((secret) => {
    const entry = Object.hasOwn(stored, secret.name) ? stored[secret.name] : undefined;
    const declaration = context.manifest?.secrets.find((declared) => declared.name === secret.name);
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
    };
  });
}

/** Missing required secrets, expired ones and those due for rotation, by name. */
export function checkEnvironment(context: ProjectContext, statuses: SecretStatus[]): EnvironmentCheck {
  const names = (keep: (status: SecretStatus) => boolean) =>
    statuses.filter(keep).map((status) => status.name);
  const missing = names((status) => status.required && !status.set);
  return {
    project: context.project,
    environment: context.environment,
    ok: missing.length === 0,
    missing,
    expired: names((status) => status.expired),
    rotationDue: names((status) => status.rotationDue),
    rotationNeeded: names((status) => status.rotationNeeded),
  };
}
