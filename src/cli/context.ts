/**
 * What most commands need before they act: which project and environment, the manifest,
 * and an unlocked vault. Passphrases come from LATCH_PASSPHRASE_FILE, LATCH_PASSPHRASE or a
 * hidden prompt, in that order; with none of them, exit 3 says how to unlock.
 */
import { dirname } from 'node:path';
import { LatchError } from '../core/errors.js';
import { defaultKdfParams, type KdfParams, parseKdfParams } from '../core/kdf.js';
import { declaredEnvironment, type Manifest } from '../core/manifest-model.js';
import { assertEnvironmentName, assertProjectName } from '../core/names.js';
import { nameMap, type ProjectRecord } from '../core/vault.js';
import { readFileWithin } from '../platform/files.js';
import { resolveLatchHome } from '../platform/home.js';
import { lockoutAttempts } from '../platform/lockout-file.js';
import { findManifestFile, loadManifest } from '../platform/manifest-file.js';
import { sessionUnlocker } from '../platform/sessions.js';
import { type UnlockedVault, unlockVault } from '../platform/store.js';
import { type ParsedArgs, stringOption } from './args.js';
import { auditedAttempts, keepAuditHeadInVault, updateRecorded } from './audit.js';
import { type Io, note } from './io.js';
import { agentClient } from './session-agent.js';

export interface ProjectContext {
  project: string;
  environment: string;
  /** The manifest that names this project, if one was found. */
  manifest: Manifest | null;
  manifestPath: string | null;
  manifestText: string | null;
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
 * Resolves the project (--project, else latch.yaml) and environment (--env, LATCH_ENV, the
 * manifest's default, else dev). Throws E_NO_MANIFEST when neither names a project.
 */
export async function resolveProject(
  args: ParsedArgs,
  io: Io,
  options: { anyEnvironment?: boolean } = {},
): Promise<ProjectContext> {
  const found = findManifestFile(io.cwd);
  const manifest = found ? await loadManifest(found, latchHome(io)) : null;
  const requested = stringOption(args, 'project');
  if (!requested && !manifest) {
    throw new LatchError(
      'E_NO_MANIFEST',
      'no latch.yaml here or above; run `latch init`, or name a project with --project',
    );
  }
  const project = assertProjectName(requested ?? manifest!.project);
  const ownManifest = manifest && manifest.project === project ? manifest : null;
  const environment = assertEnvironmentName(
    stringOption(args, 'env') ?? io.env.LATCH_ENV ?? ownManifest?.defaultEnvironment ?? 'dev',
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
  const label = prefix === 'LATCH_PASSPHRASE' ? 'passphrase' : 'new passphrase';
  const first = await io.terminal.readHidden(`${options.confirm ? `choose a ${label}` : label}: `);
  if (options.confirm) {
    checked(first, true);
    const second = await io.terminal.readHidden(`repeat the ${label}: `);
    if (first !== second)
      throw new LatchError('E_USAGE', 'the passphrases do not match; nothing was changed');
  }
  return checked(first, options.confirm);
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
  return keepAuditHeadInVault(io, vault);
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
  const directory = dirname(context.manifestPath);
  const record = vault.contents.getProject(context.project);
  const trusted = record?.trustedPaths ?? [];
  if (!record || trusted.includes(directory)) return vault;
  if (trusted.length > 0) {
    await confirmOnTerminal(
      io,
      `${context.manifestPath} names project ${context.project}, which you use in ${trusted.join(', ')}; trusting it gives this repository its secrets`,
      context.project,
    );
  }
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = contents.getProject(context.project);
      if (latest) contents.putProject(context.project, projectRecordFor(context, latest));
    },
    // Security-relevant: from now on this directory's repository gets the project's secrets.
    () => [{ kind: 'project', project: context.project, detail: { action: 'trust', directory } }],
  );
  return vault;
}

/** True when the environment needs a person's confirmation (manifest or vault says protected). */
export function isProtected(context: ProjectContext, record: ProjectRecord | undefined): boolean {
  return (
    (context.manifest && declaredEnvironment(context.manifest, context.environment)?.protected === true) ||
    record?.environments[context.environment]?.protected === true
  );
}

/**
 * Asks a person to confirm `action` by typing the environment's name. Throws
 * E_CONFIRMATION_REQUIRED without a terminal or when the answer does not match.
 */
export async function confirmOnTerminal(io: Io, reason: string, expected: string): Promise<void> {
  if (!io.terminal) {
    throw new LatchError('E_CONFIRMATION_REQUIRED', `${reason}: confirm on a terminal (no terminal here)`);
  }
  const answer = await io.terminal.readLine(`${reason}; type "${expected}" to continue: `);
  if (answer.trim() !== expected)
    throw new LatchError('E_CONFIRMATION_REQUIRED', 'not confirmed; nothing was done');
}
