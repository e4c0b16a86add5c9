/**
 * What most commands need before they act: which project and environment, the manifest,
 * and an unlocked vault. Passphrases come from LATCH_PASSPHRASE_FILE, LATCH_PASSPHRASE or a
 * hidden prompt, in that order; with none of them, exit 3 says how to unlock.
 */
import { dirname } from 'node:path';
import { findManifestFile, loadManifest } from '../manifest/file.js';
import { declaredEnvironment, type Manifest } from '../manifest/model.js';
import { assertEnvironmentName, assertProjectName } from '../manifest/names.js';
import { looksLikeCredential } from '../manifest/value-shape.js';
import { agentClient } from '../session/agent.js';
import { sessionUnlocker } from '../session/sessions.js';
import { LatchError } from '../shared/errors.js';
import { readFileWithin } from '../shared/files.js';
import { resolveLatchHome } from '../shared/home.js';
import { type Io, note } from '../shared/io.js';
import type { Terminal } from '../shared/terminal.js';
import { defaultKdfParams, type KdfParams, parseKdfParams } from '../vault/kdf.js';
import { lockoutAttempts } from '../vault/lockout-file.js';
import { type UnlockedVault, unlockVault } from '../vault/store.js';
import { nameMap, type ProjectRecord } from '../vault/vault.js';
import { askToTrust, trustsDirectory } from './access.js';
import { auditedAttempts, keepAuditHeadInVault, updateRecorded } from './audit.js';

export interface ProjectContext {
  project: string;
  environment: string;
  /** The manifest that names this project, if one was found. */
  manifest: Manifest | null;
  manifestPath: string | null;
  manifestText: string | null;
  /**
   * The directory asking for the project's values: the nearest latch.yaml's (whichever
   * project it names), else the working directory. Values reach it only if the project
   * trusts it (src/app/access.ts).
   */
  directory: string;
}

/** The directory latch keeps its files in. */
export function latchHome(io: Io): string {
  return resolveLatchHome(io.env);
}

/** Argon2id parameters for new passphrase slots (LATCH_KDF_PARAMS lowers them for tests). */
export function kdfParams(io: Io): KdfParams {
  return io.env.LATCH_KDF_PARAMS ? parseKdfParams(io.env.LATCH_KDF_PARAMS) : defaultKdfParams;
}

/**
 * What a front end was asked for: the CLI's parsed --project and --env, the library's
 * options. Other options may be present and are ignored.
 */
export interface ProjectChoice {
  options: { readonly [name: string]: unknown };
}

function chosen(choice: ProjectChoice, name: 'project' | 'env'): string | undefined {
  const value = choice.options[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Resolves the project (--project, else latch.yaml) and environment (--env, LATCH_ENV, the
 * manifest's default, else dev). Throws E_NO_MANIFEST when neither names a project.
 */
export async function resolveProject(
  args: ProjectChoice,
  io: Io,
  options: { anyEnvironment?: boolean } = {},
): Promise<ProjectContext> {
  const found = findManifestFile(io.cwd);
  const manifest = found ? await loadManifest(found, latchHome(io)) : null;
  const requested = chosen(args, 'project');
  if (!requested && !manifest) {
    throw new LatchError(
      'E_NO_MANIFEST',
      'no latch.yaml here or above; run `latch init`, or name a project with --project',
    );
  }
  const project = assertProjectName(requested ?? manifest!.project);
  const ownManifest = manifest && manifest.project === project ? manifest : null;
  const environment = assertEnvironmentName(
    chosen(args, 'env') ?? io.env.LATCH_ENV ?? ownManifest?.defaultEnvironment ?? 'dev',
  );
  if (ownManifest && !declaredEnvironment(ownManifest, environment) && !options.anyEnvironment) {
    const known = Object.keys(ownManifest.environments).join(', ');
    throw new LatchError(
      'E_NOT_FOUND',
      `latch.yaml declares no environment "${environment}" (known: ${known}); add it with \`latch env add ${environment}\``,
    );
  }
  return {
    project,
    environment,
    manifest: ownManifest,
    manifestPath: ownManifest ? found!.path : null,
    manifestText: ownManifest ? found!.text : null,
    directory: found ? dirname(found.path) : io.cwd,
  };
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The shortest passphrase latch accepts for a new vault or `passwd`. */
const minimumPassphraseLength = 8;
/** The largest passphrase file read: far more than any passphrase, far less than /dev/zero. */
const maxPassphraseFileBytes = 64 * 1024;

/**
 * Reads a passphrase. `confirm` marks a new one (creating a vault, `passwd`): typed twice on a
 * terminal, and at least 8 characters from any source. `prefix` picks the variables read
 * (LATCH_PASSPHRASE or LATCH_NEW_PASSPHRASE, each also with _FILE).
 */
export async function readPassphrase(
  io: Io,
  options: { confirm?: boolean; prefix?: string } = {},
): Promise<Uint8Array> {
  const prefix = options.prefix ?? 'LATCH_PASSPHRASE';
  const file = io.env[`${prefix}_FILE`];
  if (file) {
    let text: string;
    try {
      text = readFileWithin(file, maxPassphraseFileBytes, `${prefix}_FILE`).toString('utf8');
    } catch (error) {
      if (error instanceof LatchError) throw error;
      throw new LatchError(
        'E_LOCKED',
        `cannot read ${prefix}_FILE (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      );
    }
    return checked(stripNewline(text), options.confirm);
  }
  const value = io.env[prefix];
  if (value) return checked(value, options.confirm);
  if (!io.terminal) {
    throw new LatchError(
      'E_LOCKED',
      prefix === 'LATCH_PASSPHRASE'
        ? 'the vault is locked and there is no terminal to ask on; set LATCH_PASSPHRASE_FILE (or LATCH_PASSPHRASE) or run on a terminal'
        : `no terminal to ask for the new passphrase; set ${prefix}_FILE or ${prefix}`,
    );
  }
  const label = prefix === 'LATCH_PASSPHRASE' ? 'vault passphrase' : 'new vault passphrase';
  if (options.confirm) return choosePassphrase(io.terminal, label, io);
  let typed = await io.terminal.readHidden(`${label}: `);
  // A token pasted at the passphrase prompt (a newcomer expecting the value prompt) is not a
  // guess: it is not counted towards the lockout, and the prompt says what it wants.
  for (let kind = await tokenKind(typed); kind; kind = await tokenKind(typed)) {
    note(
      io,
      `latch: that looks like a token (${kind}), not the vault passphrase; it was not counted as a wrong guess`,
    );
    typed = await io.terminal.readHidden(`${label}: `);
  }
  return checked(typed);
}

/** How many times a person may choose a new passphrase (too short, or not repeated) before latch gives up. */
const choosingRounds = 3;

/** Asks for a new passphrase twice; a short one or a mismatch asks again, up to three rounds. */
async function choosePassphrase(terminal: Terminal, label: string, io: Io): Promise<Uint8Array> {
  for (let round = 1; ; round++) {
    const first = await terminal.readHidden(`choose a ${label}: `);
    try {
      checked(first, true);
    } catch (error) {
      if (round === choosingRounds) throw error;
      note(io, `latch: ${(error as LatchError).message.replace(/; nothing was changed$/, '')}; choose again`);
      continue;
    }
    if (first === (await terminal.readHidden(`repeat the ${label}: `))) return checked(first, true);
    if (round === choosingRounds)
      throw new LatchError('E_USAGE', 'the passphrases do not match; nothing was changed');
    note(io, 'latch: the passphrases do not match; choose again');
  }
}

/** Which known credential format `text` is in (`Stripe live secret key`), or null. */
async function tokenKind(text: string): Promise<string | null> {
  // Loaded only when a person typed something: the rule tables cost start-up time.
  const { findCredentials } = await import('../scan/rules/rules.js');
  const found = findCredentials(text, '').find((finding) => finding.ruleId !== 'generic-secret-assignment');
  if (found) return found.description;
  return looksLikeCredential(text, true) ? 'a known key prefix' : null;
}

function checked(text: string, isNew = false): Uint8Array {
  if (text === '') throw new LatchError('E_LOCKED', 'the passphrase is empty');
  if (isNew && [...text].length < minimumPassphraseLength) {
    throw new LatchError(
      'E_USAGE',
      `the passphrase must be at least ${minimumPassphraseLength} characters; nothing was changed`,
    );
  }
  return new TextEncoder().encode(text);
}

/**
 * Unlocks the vault in LATCH_HOME: through a live session in the OS keychain when there is
 * one, else with the passphrase, counting wrong ones (lockout).
 */
export async function openVault(io: Io): Promise<UnlockedVault> {
  const home = latchHome(io);
  const now = () => io.now().getTime();
  const vault = await unlockVault(home, {
    passphrase: () => readPassphrase(io),
    session: sessionUnlocker(io.env, home, now, (text) => note(io, text), agentClient(io, home)),
    attempts: auditedAttempts(io, lockoutAttempts(home, now, io.sleep)),
  });
  await vault.repairScanIndex();
  return keepAuditHeadInVault(io, vault);
}

/**
 * Checks a passphrase typed again where there is no terminal (`latch ui`, before a reveal):
 * it must open the vault in LATCH_HOME. A wrong one counts towards the lockout and is
 * recorded like one typed at a prompt (E_BAD_PASSPHRASE; E_LOCKED once locked out).
 */
export async function checkPassphrase(io: Io, typed: string): Promise<void> {
  if (typed === '') throw new LatchError('E_BAD_PASSPHRASE', 'type the vault passphrase');
  const home = latchHome(io);
  await unlockVault(home, {
    passphrase: async () => new TextEncoder().encode(typed),
    attempts: auditedAttempts(
      io,
      lockoutAttempts(home, () => io.now().getTime(), io.sleep),
    ),
  });
}

/**
 * The project's record in the vault, created (with the manifest's environments) when the
 * vault does not know it yet, and trusting the manifest's directory. A manifest can add
 * protection to an environment but never remove it: a cloned repository must not be able
 * to switch off the confirmation on your prod. Call inside `UnlockedVault.update`.
 */
export function projectRecordFor(
  context: ProjectContext,
  existing: ProjectRecord | undefined,
): ProjectRecord {
  const record = existing ?? { environments: nameMap() };
  for (const [name, env] of Object.entries(context.manifest?.environments ?? {})) {
    record.environments[name] ??= { protected: env.protected, secrets: nameMap() };
    record.environments[name].protected ||= env.protected;
  }
  const directory = context.manifestPath ? dirname(context.manifestPath) : null;
  if (directory && !record.trustedPaths?.includes(directory)) {
    record.trustedPaths = [...(record.trustedPaths ?? []), directory];
  }
  return record;
}

/**
 * Unlocks the vault for a project and checks that the manifest which named it may use it:
 * a project first used from another directory needs a person to confirm on a terminal
 * (trust on first use; a project nobody has pinned yet is pinned to this directory).
 */
export async function openProjectVault(io: Io, context: ProjectContext): Promise<UnlockedVault> {
  const vault = await openVault(io);
  if (!context.manifestPath) return vault;
  const record = vault.contents.getProject(context.project);
  if (!record || trustsDirectory(record, context.directory)) return vault;
  // A project pinned to other directories needs a person; the trust and the manifest's
  // environments are then written in one change, with one record.
  if (record.trustedPaths?.length)
    await askToTrust(io, record, context.project, context.directory, `${context.manifestPath} names`);
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = contents.getProject(context.project);
      if (latest) contents.putProject(context.project, projectRecordFor(context, latest));
    },
    // Security-relevant: from now on this directory's repository gets the project's secrets.
    () => [
      {
        kind: 'project',
        project: context.project,
        detail: { action: 'trust', directory: context.directory },
      },
    ],
  );
  return vault;
}
