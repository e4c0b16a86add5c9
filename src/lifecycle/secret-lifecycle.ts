/**
 * What every front end calls for a secret's life after `set`: its history, a rollback, a
 * rotation. Each opens the project's vault with the application layer's checks (trust,
 * protected environments) and records the change in the audit log; none prints or reads argv.
 */
import { confirmProtected, confirmReplacing } from '../app/access.js';
import { updateRecorded } from '../app/audit.js';
import {
  openProjectVault,
  openVault,
  type ProjectChoice,
  projectRecordFor,
  resolveProject,
} from '../app/context.js';
import { findManifestFile } from '../manifest/file.js';
import { assertSecretName } from '../manifest/names.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { putSecret, requireEnvironment, requireSecret, sameBytes } from '../vault/secrets.js';
import type { UnlockedVault } from '../vault/store.js';
import type { ProjectRecord, SecretRecord } from '../vault/vault.js';
import { type DueSecret, dueSecrets, storedSecretEntries } from './due.js';
import { type HistoryEntry, type Rollback, rollbackSecret, secretHistory } from './history.js';

/** Where a secret lives: `project/environment`, and the names. */
export interface SecretPlace {
  project: string;
  environment: string;
  name: string;
}

function storedSecret(record: ProjectRecord | undefined, place: SecretPlace): SecretRecord {
  const where = `${place.project}/${place.environment}`;
  if (!record)
    throw new LatchError(
      'E_NOT_FOUND',
      `the vault has no project ${place.project}; run \`latch init\` in it`,
    );
  return requireSecret(
    requireEnvironment(record, place.project, place.environment),
    place.name,
    where,
    'list',
  );
}

async function openSecret(io: Io, choice: ProjectChoice, name: string, opened?: { vault: UnlockedVault }) {
  assertSecretName(name);
  const context = await resolveProject(choice, io);
  const vault = opened?.vault ?? (await openProjectVault(io, context));
  const place = { project: context.project, environment: context.environment, name };
  const record = vault.contents.getProject(context.project);
  storedSecret(record, place);
  return { context, vault, place, record };
}

/** Every value of the secret, oldest first (never the values themselves). */
export async function readHistory(
  io: Io,
  choice: ProjectChoice,
  name: string,
): Promise<SecretPlace & { versions: HistoryEntry[] }> {
  const { place, record } = await openSecret(io, choice, name);
  return { ...place, versions: secretHistory(storedSecret(record, place)) };
}

/**
 * Makes an earlier version current again (default: the one before the current). A protected
 * environment asks a person first; the rollback is recorded in the audit log. A front end
 * that holds the vault open passes it as `opened`.
 */
export async function rollbackVersion(
  io: Io,
  choice: ProjectChoice,
  name: string,
  to: number | undefined,
  opened?: { vault: UnlockedVault },
): Promise<SecretPlace & Rollback> {
  const { context, vault, place, record } = await openSecret(io, choice, name, opened);
  // Checked before asking, so a bad --to does not cost a confirmation.
  rollbackSecret(structuredClone(storedSecret(record, place)), name, to, io.now().toISOString());
  await confirmProtected(io, context, record, `rolling back ${name}`);
  // The record is written before the vault (docs/audit.md, "Every change has its record").
  const done = await updateRecorded(
    io,
    vault,
    (contents) =>
      rollbackSecret(
        storedSecret(contents.getProject(place.project), place),
        name,
        to,
        io.now().toISOString(),
      ),
    (result) => [
      {
        kind: 'rollback',
        project: place.project,
        environment: place.environment,
        secret: name,
        detail: { from: result.from, to: result.to, leaked: result.leaked !== null },
      },
    ],
  );
  return { ...place, ...done };
}

/** How a rotation's new value was given (recorded, never the value). */
export type ValueOrigin = 'prompt' | 'stdin' | 'file' | 'generate';

/** What a rotation did. */
export interface Rotation extends SecretPlace {
  /** Earlier values kept, the one just replaced included. */
  versions: number;
  /** The `leaked` mark the rotation cleared, if there was one. */
  clearedLeak: string | null;
}

/**
 * Replaces a stored secret's value with a new one, keeping the old one as a version and
 * clearing its `leaked` mark. `newValue` is asked for before the vault is opened (a value
 * typed at the passphrase prompt would count as a wrong guess). Throws E_NOT_FOUND for a
 * secret that is not stored (rotate what exists; `set` creates), E_USAGE for the same value.
 */
export async function rotateSecret(
  io: Io,
  choice: ProjectChoice,
  name: string,
  newValue: () => Promise<{ value: Uint8Array; origin: ValueOrigin }>,
  opened?: { vault: UnlockedVault },
): Promise<Rotation> {
  assertSecretName(name);
  const context = await resolveProject(choice, io);
  const { value, origin } = await newValue();
  const vault = opened?.vault ?? (await openProjectVault(io, context));
  const place = { project: context.project, environment: context.environment, name };
  const record = vault.contents.getProject(context.project);
  storedSecret(record, place);
  await confirmReplacing(io, context, record, new Map([[name, value]]));
  const outcome = await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = projectRecordFor(context, contents.getProject(place.project));
      const secret = storedSecret(latest, place);
      // A rotation to a value used before is no rotation: that value may be the one that leaked.
      const reused = secret.versions.findIndex((version) => sameBytes(version.value, value));
      if (reused >= 0)
        throw new LatchError(
          'E_USAGE',
          `the new value of ${name} is version ${reused + 1}, used before; nothing was rotated (issue a new credential, or \`latch rollback ${name} --to ${reused + 1}\`)`,
        );
      const clearedLeak = secret.rotationNeeded ?? null;
      const env = latest.environments[place.environment]!;
      const result = putSecret(env, name, value, {}, io.now().toISOString(), 'rotate');
      if (result === 'unchanged')
        throw new LatchError(
          'E_USAGE',
          `the new value of ${name} is the one already stored; nothing was rotated (issue a new credential first)`,
        );
      contents.putProject(place.project, latest);
      return { versions: secret.versions.length, clearedLeak };
    },
    (result) => [
      {
        kind: 'rotate',
        project: place.project,
        environment: place.environment,
        secret: name,
        outcome: 'rotated',
        detail: { versions: result.versions, source: origin, clearedLeak: result.clearedLeak !== null },
      },
    ],
  );
  return { ...place, ...outcome };
}

/**
 * Every secret due for rotation in every project and environment of the vault, most urgent
 * first. Periods from the manifest apply to its own project only (the one in `choice`).
 */
export async function listDue(
  io: Io,
  choice: ProjectChoice,
): Promise<{ due: DueSecret[]; vault: UnlockedVault }> {
  const found = findManifestFile(io.cwd);
  const context = found ? await resolveProject(choice, io, { anyEnvironment: true }) : null;
  const vault = context ? await openProjectVault(io, context) : await openVault(io);
  return { due: dueSecrets(storedSecretEntries(vault.contents, context), io.now().getTime()), vault };
}
