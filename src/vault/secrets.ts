/**
 * Changes to a project's secrets. Pure functions over `ProjectRecord`: every overwrite keeps
 * the earlier value as a version, so no `set` ever loses data.
 */

import { nameToShow } from '../manifest/names.js';
import { LatchError } from '../shared/errors.js';
import {
  type EnvironmentRecord,
  nameMap,
  type ProjectRecord,
  type SecretMetadata,
  type SecretRecord,
  type SecretVersion,
  type ValueSource,
} from './vault.js';

/** The largest value latch stores (values arrive from files, so keep a generous cap). */
export const maxValueBytes = 4 * 1024 * 1024;

/** Returns the environment, creating it (unprotected unless told) when the project lacks it. */
export function ensureEnvironment(
  project: ProjectRecord,
  name: string,
  isProtected = false,
): EnvironmentRecord {
  project.environments[name] ??= { protected: isProtected, secrets: nameMap() };
  return project.environments[name];
}

/** Returns the environment; throws E_NOT_FOUND naming the known ones when it is missing. */
export function requireEnvironment(
  project: ProjectRecord,
  projectName: string,
  name: string,
): EnvironmentRecord {
  const env = project.environments[name];
  if (!env) {
    const known = Object.keys(project.environments).join(', ') || 'none';
    throw new LatchError(
      'E_NOT_FOUND',
      `project ${projectName} has no environment "${name}" (known: ${known}); add it with \`latch env add ${name}\``,
    );
  }
  return env;
}

/** True when two values are the same bytes (storing one over the other changes nothing). */
export function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/**
 * Stores `value` under `name`. A changed value pushes the old one onto `versions`; metadata
 * fields given replace the stored ones. Returns what happened.
 */
export function putSecret(
  env: EnvironmentRecord,
  name: string,
  value: Uint8Array,
  metadata: SecretMetadata,
  now: string,
  source: ValueSource = 'set',
): 'created' | 'updated' | 'unchanged' {
  if (value.length > maxValueBytes) {
    throw new LatchError(
      'E_TOO_LARGE',
      `the value of ${name} is ${value.length} bytes; latch stores at most ${maxValueBytes}`,
    );
  }
  const existing = env.secrets[name];
  if (!existing) {
    env.secrets[name] = { value, created: now, updated: now, versions: [], ...metadata, setBy: source };
    return 'created';
  }
  Object.assign(existing, metadata);
  if (sameBytes(existing.value, value)) return 'unchanged';
  retireCurrentValue(existing, now);
  // A new value is the rotation `latch leaked` asked for.
  delete existing.rotationNeeded;
  existing.value = value;
  existing.updated = now;
  existing.setBy = source;
  return 'updated';
}

/**
 * Pushes the current value onto `versions` with how it was set and its `leaked` mark, so
 * history can say where it came from and a rollback to it keeps the mark. The caller then
 * replaces the current value.
 */
export function retireCurrentValue(secret: SecretRecord, now: string): void {
  const version: SecretVersion = { value: secret.value, created: secret.updated, replaced: now };
  if (secret.setBy !== undefined) version.setBy = secret.setBy;
  if (secret.rotationNeeded !== undefined) version.rotationNeeded = secret.rotationNeeded;
  if (secret.rolledBackFrom !== undefined) version.rolledBackFrom = secret.rolledBackFrom;
  secret.versions.push(version);
  delete secret.rolledBackFrom;
}

/**
 * Returns the secret; throws E_NOT_FOUND when it is not stored. `next` is what the message
 * suggests: storing it (`get`), or, where storing makes no sense (`rm`, `leaked`), listing.
 */
export function requireSecret(
  env: EnvironmentRecord,
  name: string,
  where: string,
  next: 'store' | 'list' = 'store',
): SecretRecord {
  const secret = env.secrets[name];
  const shown = nameToShow(name);
  if (!secret)
    throw new LatchError(
      'E_NOT_FOUND',
      next === 'store'
        ? `no secret ${shown} in ${where}; store it with \`latch set ${shown === name ? name : 'NAME'}\``
        : `no secret ${shown} in ${where}; \`latch ls\` lists the stored ones`,
    );
  return secret;
}
