/**
 * Changing and revealing a secret from a front end that is not a terminal (`latch ui`): the
 * value or the change arrives with the request, is handled as the CLI command handles it, and
 * is recorded in the audit log with the front end as the agent (`Io.client`). Where the CLI
 * asks a person to type a confirmation (a protected environment, an agent's reveal), the page
 * asks the same question and sends the answers along: `pageTerminal` answers with them.
 */
import { assertNotValueAsName, assertSecretName } from '../manifest/names.js';
import { expiryTime, parseDuration, parseExpiry } from '../shared/duration.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import type { Terminal } from '../shared/terminal.js';
import { ensureEnvironment, putSecret, requireEnvironment, requireSecret } from '../vault/secrets.js';
import type { UnlockedVault } from '../vault/store.js';
import type { SecretMetadata } from '../vault/vault.js';
import { confirmProtected, confirmReplacing, confirmReveal } from './access.js';
import { recordEvent, updateRecorded } from './audit.js';
import { type ProjectContext, projectRecordFor } from './context.js';

/**
 * A terminal whose person already typed `answers`, one per question in the order asked (the
 * page asks them before it sends the request). A question beyond them is answered with
 * nothing, so it is refused (E_CONFIRMATION_REQUIRED); a hidden prompt is refused outright.
 */
export function pageTerminal(answers: readonly string[]): Terminal {
  const left = [...answers];
  return {
    readLine: async () => left.shift() ?? '',
    readHidden: async () => {
      throw new LatchError('E_CONFIRMATION_REQUIRED', 'this needs a terminal; use the latch command');
    },
  };
}

/** What storing did: `created`, `updated` or `unchanged`, as `latch set` says it. */
export interface StoredValue {
  outcome: string;
}

/**
 * Stores `value` as the secret `name` of the context's environment. Replacing a different
 * value in a protected environment needs its name typed (`io.terminal`), as `latch set` asks.
 * Throws E_USAGE for a bad name or an empty value, E_TOO_LARGE for an oversized one,
 * E_CONFIRMATION_REQUIRED when not confirmed.
 */
export async function storeSecretValue(
  io: Io,
  vault: UnlockedVault,
  context: ProjectContext,
  name: string,
  value: Uint8Array,
): Promise<StoredValue> {
  assertNotValueAsName(assertSecretName(name));
  if (value.length === 0) throw new LatchError('E_USAGE', `empty value for ${name}; nothing was stored`);
  await confirmReplacing(io, context, vault.contents.getProject(context.project), new Map([[name, value]]));
  const outcome = await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      contents.putProject(context.project, record);
      return putSecret(env, name, value, {}, io.now().toISOString());
    },
    (result) => [
      {
        kind: 'set',
        project: context.project,
        environment: context.environment,
        secret: name,
        outcome: result,
      },
    ],
  );
  return { outcome };
}

/** Metadata to change: a string sets a field, null clears it, absent leaves it. */
export type MetadataChange = {
  [K in 'description' | 'owner' | 'expires' | 'rotateEvery']?: string | null;
};

/**
 * Changes a stored secret's metadata (`latch set NAME --description …` without a value),
 * recorded as a `set` with the outcome `metadata`. Validates as `set` does: an expiry is a
 * date or a duration from now, a rotation period a duration. Returns the expiry when it is
 * already past (stored all the same, as `set` does, so the caller can say so).
 */
export async function updateSecretMetadata(
  io: Io,
  vault: UnlockedVault,
  context: ProjectContext,
  name: string,
  change: MetadataChange,
): Promise<{ expiredAlready: boolean }> {
  assertSecretName(name);
  const set: SecretMetadata = {};
  const cleared: Array<keyof SecretMetadata> = [];
  for (const key of ['description', 'owner', 'expires', 'rotateEvery'] as const) {
    const given = change[key];
    if (given === undefined) continue;
    if (given === null || given.trim() === '') {
      cleared.push(key);
      continue;
    }
    if (key === 'expires') set.expires = parseExpiry(given.trim(), io.now());
    else if (key === 'rotateEvery') {
      parseDuration(given.trim());
      set.rotateEvery = given.trim();
    } else set[key] = given;
  }
  const where = `${context.project}/${context.environment}`;
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = contents.getProject(context.project);
      if (!record) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
      const secret = requireSecret(
        requireEnvironment(record, context.project, context.environment),
        name,
        where,
      );
      Object.assign(secret, set);
      for (const key of cleared) delete secret[key];
    },
    () => [
      {
        kind: 'set',
        project: context.project,
        environment: context.environment,
        secret: name,
        outcome: 'metadata',
      },
    ],
  );
  return { expiredAlready: set.expires !== undefined && expiryTime(set.expires) <= io.now().getTime() };
}

/**
 * The value of `name`, for a person who has just typed the passphrase again in a front end:
 * with the consent of `get --reveal` (a protected environment's name, then, with an agent
 * detected, the secret's name, both through `io.terminal`), and recorded as a reveal before
 * it is returned. `through` names the way out (`ui`, `copy xclip`); `action` is what the
 * protected environment's question says is about to happen.
 */
export async function revealSecretValue(
  io: Io,
  vault: UnlockedVault,
  context: ProjectContext,
  name: string,
  through: string,
  action = `revealing ${name}`,
): Promise<Uint8Array> {
  assertSecretName(name);
  const record = vault.contents.getProject(context.project);
  const where = `${context.project}/${context.environment}`;
  if (!record) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
  const secret = requireSecret(requireEnvironment(record, context.project, context.environment), name, where);
  const confirmed = new Set<string>();
  if (await confirmProtected(io, context, record, action)) confirmed.add(where);
  await confirmReveal(io, { names: [name], environments: [where], through }, confirmed);
  // Recorded before the value leaves: a reveal cut short still counts.
  await recordEvent(
    io,
    {
      kind: 'reveal',
      project: context.project,
      environment: context.environment,
      secret: name,
      detail: { through },
    },
    vault,
    'required',
  );
  return secret.value;
}
