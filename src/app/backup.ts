/**
 * Backups of the whole vault and their restore (issue 17), for every front end: `backup`
 * takes the vault file, its data key and the audit files under the vault lock and seals them
 * in one age file (to recipients or a passphrase); `backup verify` opens one and checks every
 * part; `restore` plans by name, then applies all or nothing: one vault write (or, on a
 * machine with no vault, the vault file appearing last), so a crash leaves the old state or
 * the new one.
 */
import { readFileSync, renameSync } from 'node:fs';
import { relative } from 'node:path';
import { verifyLog } from '../audit/chain.js';
import { auditPaths } from '../audit/log.js';
import { deriveVaultAuditKey } from '../audit/record.js';
import {
  openWithIdentities,
  openWithPassphrase,
  sealToRecipients,
  sealWithPassphrase,
} from '../bundle/age-file.js';
import { type BackupContents, decodeBackup, encodeBackup } from '../bundle/backup-document.js';
import { estimateStrength, minimumBits } from '../bundle/passphrase.js';
import { LatchError } from '../shared/errors.js';
import { readFileWithin, writeFileAtomic, writeNewFile } from '../shared/files.js';
import { type Io, note } from '../shared/io.js';
import { decodeVault } from '../vault/format.js';
import { sameBytes } from '../vault/secrets.js';
import { createVaultFromBackup, openVaultFile, vaultExists } from '../vault/store.js';
import type { ProjectRecord, SecretRecord, VaultContents } from '../vault/vault.js';
import { recordEvent } from './audit.js';
import { kdfParams, latchHome, openVault, readPassphrase } from './context.js';

/** The largest backup read: a vault of many versions and a long audit log, far under memory. */
export const maxBackupBytes = 256 * 1024 * 1024;
const maxSmallFileBytes = 64 * 1024;

function readOptional(path: string): Uint8Array | null {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The backup passphrase: LATCH_BACKUP_PASSWORD_FILE, else a hidden prompt (twice for a new one). */
async function backupPassphrase(io: Io, isNew: boolean): Promise<Uint8Array> {
  const file = io.env.LATCH_BACKUP_PASSWORD_FILE;
  let text: string;
  if (file) {
    try {
      text = readFileWithin(file, maxSmallFileBytes, 'LATCH_BACKUP_PASSWORD_FILE')
        .toString('utf8')
        .replace(/\r?\n$/, '');
    } catch (error) {
      if (error instanceof LatchError) throw error;
      throw new LatchError('E_LOCKED', 'cannot read LATCH_BACKUP_PASSWORD_FILE; check the path');
    }
  } else if (io.terminal) {
    text = await io.terminal.readHidden(isNew ? 'choose a backup passphrase: ' : 'backup passphrase: ');
    if (isNew && (await io.terminal.readHidden('repeat the backup passphrase: ')) !== text)
      throw new LatchError('E_USAGE', 'the passphrases do not match; nothing was written');
  } else
    throw new LatchError(
      'E_LOCKED',
      'no terminal to ask for the backup passphrase; set LATCH_BACKUP_PASSWORD_FILE or run on a terminal',
    );
  if (text === '') throw new LatchError('E_LOCKED', 'the backup passphrase is empty');
  if (isNew) {
    const strength = estimateStrength(text);
    if (strength.weakness)
      throw new LatchError(
        'E_USAGE',
        `the backup passphrase is too weak (about ${strength.bits} bits, under ${minimumBits}: ${strength.weakness}); nothing was written`,
      );
  }
  return new TextEncoder().encode(text);
}

function summaryOf(contents: VaultContents): BackupContents['summary'] {
  const summary: BackupContents['summary'] = {};
  for (const project of contents.projectNames()) {
    const record = contents.getProject(project)!;
    summary[project] = {};
    for (const [environment, env] of Object.entries(record.environments))
      summary[project][environment] = Object.keys(env.secrets).sort();
  }
  return summary;
}

export interface BackupOptions {
  output: string;
  /** age recipients (`age1...`); empty for a passphrase backup. */
  recipients: string[];
  force: boolean;
  workFactor?: number;
}

/**
 * Writes a backup of the whole vault and the audit log to `options.output`. Throws the
 * unlock errors, E_EXISTS when the output exists (without `force`), E_USAGE for a bad
 * recipient or a weak passphrase.
 */
export async function createBackup(io: Io, options: BackupOptions) {
  const home = latchHome(io);
  const passphrase = options.recipients.length === 0 ? await backupPassphrase(io, true) : null;
  const vault = await openVault(io);
  const audit = auditPaths(home);
  const snapshot = await vault.snapshot(() => ({
    log: readOptional(audit.log) ?? new Uint8Array(0),
    key: readOptional(audit.key),
    head: readOptional(audit.head),
  }));
  const contents = openVaultFile(snapshot.vaultFile, snapshot.dataKey);
  const backup: BackupContents = {
    createdAt: io.now().toISOString(),
    vaultFile: snapshot.vaultFile,
    dataKey: snapshot.dataKey,
    audit: snapshot.extra,
    summary: summaryOf(contents),
  };
  const document = encodeBackup(backup);
  snapshot.dataKey.fill(0);
  const armored = passphrase
    ? await sealWithPassphrase(document, passphrase, options.workFactor)
    : await sealToRecipients(document, options.recipients);
  document.fill(0);
  passphrase?.fill(0);
  const bytes = new TextEncoder().encode(armored);
  if (options.force) writeFileAtomic(options.output, bytes);
  else writeNewFile(options.output, bytes);
  const counts = Object.values(backup.summary).flatMap((envs) =>
    Object.values(envs).map((names) => names.length),
  );
  await recordEvent(
    io,
    {
      kind: 'backup',
      detail: {
        file: relative(io.cwd, options.output) || options.output,
        to: passphrase ? 'passphrase' : 'recipients',
      },
    },
    vault,
  );
  return {
    projects: Object.keys(backup.summary).length,
    secrets: counts.reduce((a, b) => a + b, 0),
    bytes: bytes.length,
  };
}

/** Opens a backup file: with identities from `identityFile`, else with the backup passphrase. */
export async function openBackup(
  io: Io,
  path: string,
  identityFile: string | undefined,
): Promise<BackupContents> {
  const shown = relative(io.cwd, path) || path;
  let file: Uint8Array;
  try {
    file = readFileWithin(path, maxBackupBytes, shown);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new LatchError('E_NOT_FOUND', `no backup at ${shown}; check the path`);
    throw new LatchError('E_IO', `cannot read ${shown}`);
  }
  let plaintext: Uint8Array;
  if (identityFile) {
    let text: string;
    try {
      text = readFileWithin(identityFile, maxSmallFileBytes, identityFile).toString('utf8');
    } catch {
      throw new LatchError('E_NOT_FOUND', `cannot read the identity file ${identityFile}`);
    }
    const identities = text.split(/\r?\n/).filter((line) => line.startsWith('AGE-SECRET-KEY-'));
    if (identities.length === 0)
      throw new LatchError('E_USAGE', `${identityFile} holds no age identity (AGE-SECRET-KEY-1...)`);
    plaintext = await openWithIdentities(file, identities, shown);
  } else {
    const passphrase = await backupPassphrase(io, false);
    const opened = await openWithPassphrase(file, passphrase, shown);
    passphrase.fill(0);
    if (!opened) throw new LatchError('E_BAD_PASSPHRASE', `wrong backup passphrase for ${shown}; try again`);
    plaintext = opened;
  }
  try {
    return decodeBackup(plaintext);
  } catch (error) {
    if (error instanceof LatchError) throw new LatchError(error.code, `${shown}: ${error.message}`);
    throw error;
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Checks a backup is whole: it opens, its vault opens with its key, and its audit log's chain
 * verifies against the heads it carries. Returns the summary; throws E_TAMPERED naming the part.
 */
export function verifyBackup(backup: BackupContents) {
  const contents = openVaultFile(backup.vaultFile, backup.dataKey);
  const vaultId = decodeVault(backup.vaultFile).vaultId;
  let stateKey: Uint8Array | null = null;
  if (backup.audit.key) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(backup.audit.key)) as { key?: string };
      stateKey = new Uint8Array(Buffer.from(parsed.key ?? '', 'base64'));
    } catch {}
  }
  const kept = contents.getAuditState();
  const result = verifyLog(
    backup.audit.log,
    { vault: deriveVaultAuditKey(backup.dataKey, vaultId), state: stateKey ?? new Uint8Array(32) },
    kept ? [{ where: 'the vault', head: kept.head }] : [],
  );
  if (!result.ok)
    throw new LatchError('E_TAMPERED', `the backup's audit log does not verify: ${result.reason}`);
  return { summary: summaryOf(contents), records: result.ok ? countLines(backup.audit.log) : 0 };
}

function countLines(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte === 10) count++;
  return count;
}

export type Conflict = 'skip' | 'overwrite' | 'error';

export interface RestoreStep {
  action: 'add' | 'replace' | 'skip' | 'same';
  project: string;
  environment: string;
  name: string;
}

function sameRecord(left: SecretRecord, right: SecretRecord): boolean {
  return sameBytes(left.value, right.value);
}

/** What restoring `backup` onto `current` (null: no vault) would do, name by name. */
export function planRestore(
  backup: VaultContents,
  current: VaultContents | null,
  options: { project?: string | undefined; onConflict: Conflict },
): RestoreStep[] {
  const steps: RestoreStep[] = [];
  for (const project of backup.projectNames()) {
    if (options.project !== undefined && project !== options.project) continue;
    const record = backup.getProject(project)!;
    const existing = current?.getProject(project);
    for (const [environment, env] of Object.entries(record.environments)) {
      for (const [name, secret] of Object.entries(env.secrets)) {
        const there = existing?.environments[environment]?.secrets[name];
        const action = !there
          ? 'add'
          : sameRecord(there, secret)
            ? 'same'
            : options.onConflict === 'overwrite'
              ? 'replace'
              : 'skip';
        steps.push({ action, project, environment, name });
      }
    }
  }
  if (options.project !== undefined && !backup.getProject(options.project))
    throw new LatchError('E_NOT_FOUND', `the backup holds no project ${options.project}`);
  return steps;
}

/** Applies a plan's add and replace steps to `contents` (inside one vault update). */
function applyRestore(
  contents: VaultContents,
  backup: VaultContents,
  steps: RestoreStep[],
  now: string,
): void {
  const touched = new Map<string, ProjectRecord>();
  for (const step of steps) {
    if (step.action !== 'add' && step.action !== 'replace') continue;
    const source = backup.getProject(step.project)!;
    const target = touched.get(step.project) ??
      contents.getProject(step.project) ?? {
        environments: {},
        ...(source.trustedPaths ? { trustedPaths: [] } : {}),
      };
    touched.set(step.project, target);
    const sourceEnv = source.environments[step.environment]!;
    target.environments[step.environment] ??= { protected: sourceEnv.protected, secrets: {} };
    const env = target.environments[step.environment]!;
    env.protected ||= sourceEnv.protected;
    const restored = structuredClone(sourceEnv.secrets[step.name]!);
    const replaced = env.secrets[step.name];
    // The value replaced stays as the newest earlier version: a restore loses nothing.
    if (replaced) restored.versions.push({ value: replaced.value, created: replaced.updated, replaced: now });
    env.secrets[step.name] = restored;
  }
  for (const [name, record] of touched) contents.putProject(name, record);
}

export interface RestoreOptions {
  identityFile?: string | undefined;
  dryRun: boolean;
  onConflict: Conflict;
  project?: string | undefined;
}

/**
 * Restores a backup: the plan by name, then (unless `dryRun`) all of it or nothing. With no
 * vault in LATCH_HOME, the backed-up vault is recreated under a new passphrase with its audit
 * log, so `audit verify` goes on verifying its history. Throws E_EXISTS (exit 1) for
 * `--on-conflict error` when a value would be replaced, listing the names.
 */
export async function restoreBackup(io: Io, path: string, options: RestoreOptions) {
  const home = latchHome(io);
  const backup = await openBackup(io, path, options.identityFile);
  const backupContents = openVaultFile(backup.vaultFile, backup.dataKey);
  const fresh = !vaultExists(home);
  if (fresh && options.project !== undefined)
    throw new LatchError(
      'E_USAGE',
      'there is no vault here: restore the whole backup (without --project), or run `latch init` first',
    );
  if (fresh) {
    const steps = planRestore(backupContents, null, options);
    if (options.dryRun) return { steps, fresh };
    const passphrase = await readPassphrase(io, { confirm: true });
    const audit = auditPaths(home);
    const vault = await createVaultFromBackup(home, backup, passphrase, kdfParams(io), () => {
      // A log left without a vault cannot be verified; it is kept aside, not overwritten.
      for (const file of [audit.log, audit.key, audit.head]) {
        try {
          renameSync(file, `${file}.before-restore`);
        } catch {}
      }
      if (backup.audit.key) writeFileAtomic(audit.key, backup.audit.key);
      if (backup.audit.head) writeFileAtomic(audit.head, backup.audit.head);
      writeFileAtomic(audit.log, backup.audit.log);
    });
    passphrase.fill(0);
    await recordEvent(
      io,
      { kind: 'restore', detail: { file: relative(io.cwd, path) || path, onto: 'empty' } },
      vault,
    );
    return { steps, fresh };
  }
  const vault = await openVault(io);
  const steps = planRestore(backupContents, vault.contents, options);
  const conflicts = steps.filter((step) => step.action === 'skip');
  if (options.onConflict === 'error' && conflicts.length > 0)
    throw new LatchError(
      'E_EXISTS',
      `${conflicts.length} stored secrets differ from the backup (${conflicts
        .slice(0, 5)
        .map((step) => `${step.project}/${step.environment}/${step.name}`)
        .join(', ')}${conflicts.length > 5 ? ', ...' : ''}); pass --on-conflict skip or overwrite`,
    );
  if (options.dryRun) return { steps, fresh };
  const now = io.now().toISOString();
  await vault.update((contents) => {
    // Planned again under the lock, against the newest contents.
    applyRestore(contents, backupContents, planRestore(backupContents, contents, options), now);
  });
  const changed = steps.filter((step) => step.action === 'add' || step.action === 'replace');
  await recordEvent(
    io,
    {
      kind: 'restore',
      secrets: [...new Set(changed.map((step) => `${step.project}/${step.environment}/${step.name}`))],
      detail: { file: relative(io.cwd, path) || path, onConflict: options.onConflict },
    },
    vault,
  );
  if (conflicts.length > 0)
    note(io, `kept the stored value of ${conflicts.length} secrets that differ from the backup`);
  return { steps, fresh };
}
