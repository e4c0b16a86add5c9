/**
 * `push` and `pull` between your vault and `.latch/`: one file per secret per environment,
 * rewritten only when its plaintext or its recipients change; a secret changed on both sides
 * since the last sync is a conflict, never overwritten silently. The vault side is pure
 * (`applyPull` runs inside `UnlockedVault.update`); files are read and written through repo.ts.
 */
import { LatchError } from '../shared/errors.js';
import { ensureEnvironment, putSecret } from '../vault/secrets.js';
import type { ProjectRecord } from '../vault/vault.js';
import { decryptArmored, encryptArmored, headerStanzas } from './age.js';
import { fingerprintOf, type Identity } from './keys.js';
import { type Member, readersOf, type Team } from './recipients-file.js';
import {
  listSecretFiles,
  readSecretFile,
  removeSecretFile,
  secretFilePath,
  type TeamFile,
  type TeamRepository,
  writeTeamFiles,
} from './repo.js';
import { decodeSharedSecret, encodeSharedSecret, type SharedSecret } from './secret-file.js';
import { digest, type SyncedSecret, type TeamProjectState } from './state.js';
import { sshTag } from './x25519.js';

/** The last-sync state of one environment, created empty when missing. */
function syncedOf(state: TeamProjectState, environment: string): Record<string, SyncedSecret> {
  state.synced[environment] ??= Object.create(null) as Record<string, SyncedSecret>;
  return state.synced[environment];
}

/** What a team command works on: the repository, its team, your key and your state. */
export interface TeamScope {
  repository: TeamRepository;
  team: Team;
  identity: Identity;
  state: TeamProjectState;
}

/** The fingerprints a file of `environment` is encrypted to, sorted and joined. */
export function recipientsKey(readers: Member[]): string {
  return readers
    .map((member) => fingerprintOf(member.recipient.text))
    .sort()
    .join(',');
}

/** Names the keys a file was made for, as far as its stanzas tell (ssh keys carry a tag). */
function describeStanzas(armored: string, team: Team): string {
  const stanzas = headerStanzas(armored) ?? [];
  const named = stanzas.map((args) => {
    if (args[0] === 'ssh-ed25519') {
      const member = team.members.find(
        (candidate) =>
          candidate.recipient.kind === 'ssh-ed25519' &&
          sshTag(new Uint8Array(Buffer.from(candidate.recipient.text.split(' ')[1]!, 'base64'))) === args[1],
      );
      return member
        ? `${member.name} (${fingerprintOf(member.recipient.text)})`
        : `an ssh key tagged ${args[1]}`;
    }
    return args[0] === 'X25519' ? 'an X25519 key' : `a ${args[0]} key`;
  });
  const counts = new Map<string, number>();
  for (const name of named) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count > 1 ? `${count} x ${name}` : name)).join(', ');
}

/**
 * Decrypts and parses one secret file. Throws E_NOT_FOR_YOU (exit 3) for a file not encrypted
 * to you, naming the keys it was made for when known, and E_TAMPERED (exit 6) for a file
 * that is tampered, truncated or not latch's.
 */
export async function openSecretFile(
  scope: TeamScope,
  environment: string,
  name: string,
  armored: string,
): Promise<SharedSecret> {
  const shown = secretFilePath(environment, name);
  const plaintext = await decryptArmored(armored, scope.identity);
  if (plaintext === 'not-for-me') {
    throw new LatchError(
      'E_NOT_FOR_YOU',
      `${shown} is not encrypted to your key (${fingerprintOf(scope.identity.recipient.text)}); it was made for ${describeStanzas(armored, scope.team)}. Ask a member to run \`latch team add\` for you, then \`latch push\``,
    );
  }
  if (plaintext === 'malformed') {
    throw new LatchError(
      'E_TAMPERED',
      `${shown} is damaged or was tampered with (age could not authenticate it); restore it from git history (git log -- ${shown})`,
    );
  }
  return decodeSharedSecret(plaintext, environment, name, shown);
}

/**
 * Encrypts a secret to the readers of its environment: the file to write (`writeTeamFiles`)
 * and the last-sync state it makes.
 */
async function sealSecret(
  secret: Omit<SharedSecret, 'to'>,
  readers: Member[],
): Promise<{ file: TeamFile; synced: SyncedSecret }> {
  const to = recipientsKey(readers);
  const armored = await encryptArmored(
    encodeSharedSecret({ ...secret, to: to.split(',') }),
    readers.map((member) => member.recipient),
  );
  return {
    file: { path: secretFilePath(secret.environment, secret.name), text: armored },
    synced: { value: digest(secret.value), file: digest(armored), to },
  };
}

export interface PushOutcome {
  written: string[];
  removed: string[];
  unchanged: number;
}

/**
 * Writes the vault's values of `environments` into `.latch/`: only files whose value or
 * recipients changed since the last sync, and the files of secrets deleted locally. Throws
 * E_CONFLICT, naming them, when secrets changed in `.latch/` since your last pull (nothing is
 * written then). Updates `scope.state.synced`; the caller saves it in the vault.
 */
export async function pushSecrets(
  scope: TeamScope,
  project: ProjectRecord | undefined,
  environments: string[],
): Promise<Record<string, PushOutcome>> {
  const byKey = fingerprintOf(scope.identity.recipient.text);
  type Step = { environment: string; name: string; action: 'write' | 'remove' };
  const steps: Step[] = [];
  const stale: string[] = [];
  const outcomes: Record<string, PushOutcome> = {};
  for (const environment of environments) {
    outcomes[environment] = { written: [], removed: [], unchanged: 0 };
    const readers = readersOf(scope.team, environment);
    const to = recipientsKey(readers);
    const local = project?.environments[environment]?.secrets ?? {};
    const synced = syncedOf(scope.state, environment);
    const names = new Set([
      ...Object.keys(local),
      ...listSecretFiles(scope.repository, environment),
      ...Object.keys(synced),
    ]);
    for (const name of [...names].sort()) {
      const armored = readSecretFile(scope.repository, environment, name);
      const base = synced[name];
      const fileHash = armored === null ? null : digest(armored);
      let changedThere = base ? fileHash !== base.file : armored !== null;
      const secret = local[name];
      if (changedThere && secret && armored !== null) {
        // The file holds your value already (a push killed before it saved its state, or a
        // teammate who stored the same value): in sync, not a change to pull first.
        const there = await openSecretFile(scope, environment, name, armored);
        if (Buffer.from(there.value).equals(Buffer.from(secret.value))) {
          synced[name] = { value: digest(secret.value), file: fileHash!, to: [...there.to].sort().join(',') };
          changedThere = false;
        }
      }
      if (changedThere && (secret || base)) {
        stale.push(`${environment}/${name}`);
        continue;
      }
      if (!secret) {
        if (armored !== null && base) steps.push({ environment, name, action: 'remove' });
        continue;
      }
      if (base && base.value === digest(secret.value) && base.to === to) {
        outcomes[environment]!.unchanged++;
        continue;
      }
      steps.push({ environment, name, action: 'write' });
    }
  }
  if (stale.length > 0) {
    throw new LatchError(
      'E_CONFLICT',
      `changed in .latch/ since your last pull: ${stale.join(', ')}; run \`latch pull\` first (nothing was written)`,
    );
  }
  const files: TeamFile[] = [];
  const written: { step: Step; synced: SyncedSecret }[] = [];
  for (const step of steps) {
    if (step.action === 'remove') continue;
    const secret = project!.environments[step.environment]!.secrets[step.name]!;
    const sealed = await sealSecret(
      {
        environment: step.environment,
        name: step.name,
        value: secret.value,
        created: secret.created,
        updated: secret.updated,
        by: byKey,
      },
      readersOf(scope.team, step.environment),
    );
    files.push(sealed.file);
    written.push({ step, synced: sealed.synced });
  }
  await writeTeamFiles(scope.repository, files);
  for (const { step, synced } of written) {
    syncedOf(scope.state, step.environment)[step.name] = synced;
    outcomes[step.environment]!.written.push(step.name);
  }
  for (const step of steps) {
    if (step.action !== 'remove') continue;
    removeSecretFile(scope.repository, step.environment, step.name);
    delete syncedOf(scope.state, step.environment)[step.name];
    outcomes[step.environment]!.removed.push(step.name);
  }
  return outcomes;
}

/**
 * Re-encrypts every file of `environment` to its current readers, keeping each plaintext (the
 * value as `.latch/` has it, not your vault's). For `team add` and `team rm`. Returns the
 * names rewritten; the last-sync state follows files that were in sync.
 */
export async function reencryptEnvironment(scope: TeamScope, environment: string): Promise<string[]> {
  const readers = readersOf(scope.team, environment);
  const rewritten: string[] = [];
  const files: TeamFile[] = [];
  const followed: { name: string; synced: SyncedSecret }[] = [];
  for (const name of listSecretFiles(scope.repository, environment)) {
    const armored = readSecretFile(scope.repository, environment, name)!;
    const secret = await openSecretFile(scope, environment, name, armored);
    rewritten.push(name);
    if (readers.length === 0) continue;
    const sealed = await sealSecret(secret, readers);
    files.push(sealed.file);
    if (scope.state.synced[environment]?.[name]?.file === digest(armored))
      followed.push({ name, synced: sealed.synced });
  }
  if (readers.length === 0) {
    for (const name of rewritten) removeSecretFile(scope.repository, environment, name);
    return rewritten;
  }
  await writeTeamFiles(scope.repository, files);
  for (const { name, synced } of followed) syncedOf(scope.state, environment)[name] = synced;
  return rewritten;
}

/** One secret as a pull found it. */
export interface PulledSecret {
  environment: string;
  name: string;
  /** The value in `.latch/`, or null when its file was removed there. */
  theirs: SharedSecret | null;
  fileHash: string | null;
  to: string;
}

/** Reads every file of `environments` that changed since the last sync (decrypting each). */
export async function readChanges(scope: TeamScope, environments: string[]): Promise<PulledSecret[]> {
  const changes: PulledSecret[] = [];
  for (const environment of environments) {
    const synced = scope.state.synced[environment] ?? {};
    const names = new Set([...listSecretFiles(scope.repository, environment), ...Object.keys(synced)]);
    for (const name of [...names].sort()) {
      const armored = readSecretFile(scope.repository, environment, name);
      const fileHash = armored === null ? null : digest(armored);
      if (fileHash === (synced[name]?.file ?? null)) continue;
      const theirs = armored === null ? null : await openSecretFile(scope, environment, name, armored);
      changes.push({
        environment,
        name,
        theirs,
        fileHash,
        to: theirs ? [...theirs.to].sort().join(',') : '',
      });
    }
  }
  return changes;
}

export type Resolution = 'theirs' | 'ours' | null;

export interface PullOutcome {
  added: string[];
  changed: string[];
  removed: string[];
  conflicts: string[];
  /** Conflicts resolved with --ours: your value stays, and the next push writes it. */
  kept: string[];
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.from(left).equals(Buffer.from(right));
}

/**
 * Applies pulled changes to the project record and the last-sync state (inside the vault's
 * update). A value replaced is kept as a version (putSecret). Names are `env/NAME`.
 */
export function applyPull(
  project: ProjectRecord,
  state: TeamProjectState,
  changes: PulledSecret[],
  resolution: Resolution,
): PullOutcome {
  const outcome: PullOutcome = { added: [], changed: [], removed: [], conflicts: [], kept: [] };
  for (const change of changes) {
    const label = `${change.environment}/${change.name}`;
    const synced = syncedOf(state, change.environment);
    const base = synced[change.name];
    const env = ensureEnvironment(project, change.environment);
    const local = env.secrets[change.name];
    const changedHere = local ? !base || base.value !== digest(local.value) : Boolean(base);
    const theirs = change.theirs;
    if (theirs && local && sameBytes(local.value, theirs.value)) {
      synced[change.name] = { value: digest(local.value), file: change.fileHash!, to: change.to };
      continue;
    }
    if (changedHere && resolution !== 'theirs') {
      if (resolution === 'ours') {
        // Your value stays; recording their file as seen lets the next push replace it.
        if (change.fileHash === null) delete synced[change.name];
        else synced[change.name] = { value: base?.value ?? '', file: change.fileHash, to: change.to };
        outcome.kept.push(label);
      } else outcome.conflicts.push(label);
      continue;
    }
    if (!theirs) {
      delete synced[change.name];
      if (local) {
        delete env.secrets[change.name];
        outcome.removed.push(label);
      }
      continue;
    }
    const result = putSecret(env, change.name, theirs.value, {}, theirs.updated);
    if (result === 'created') env.secrets[change.name]!.created = theirs.created;
    (result === 'created' ? outcome.added : outcome.changed).push(label);
    synced[change.name] = { value: digest(theirs.value), file: change.fileHash!, to: change.to };
  }
  return outcome;
}
