/**
 * Backups of the whole vault (issue 17), for every front end: `backup` takes the vault file,
 * its data key and the audit files under the vault lock and seals them in one age file (to
 * recipients or a passphrase); `backup verify` opens one and checks every part. Restoring is
 * app/restore.ts.
 */
import { readFileSync } from 'node:fs';
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
import type { Io } from '../shared/io.js';
import { decodeVault } from '../vault/format.js';
import { openVaultFile } from '../vault/store.js';
import type { VaultContents } from '../vault/vault.js';
import { recordEvent } from './audit.js';
import { refuseLargeFile } from './bundle.js';
import { latchHome, openVault } from './context.js';

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
    refuseLargeFile(path, maxBackupBytes, shown);
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
