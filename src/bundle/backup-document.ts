/**
 * The document inside a backup (format `latch-backup/1`, docs/format.md): the vault file as
 * it was, its data key, and the audit files, as one UTF-8 JSON document that an age file
 * carries (age authenticates it whole, truncation included). Pure: bytes in, bytes out.
 */
import { LatchError } from '../shared/errors.js';

export const backupFormat = 'latch-backup/1';

export interface BackupContents {
  createdAt: string;
  /** The vault file's bytes, byte for byte. */
  vaultFile: Uint8Array;
  /** The vault's data key: a backup opens without the old passphrase or keychain. */
  dataKey: Uint8Array;
  /** audit.log, audit.key and audit.head as they were; null for a missing file. */
  audit: { log: Uint8Array; key: Uint8Array | null; head: Uint8Array | null };
  /** Names only, for people reading `backup verify`: project → environment → secret names. */
  summary: Record<string, Record<string, string[]>>;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytesOf = (text: unknown, what: string) => {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw new LatchError('E_TAMPERED', `the backup's ${what} is malformed`);
  return new Uint8Array(Buffer.from(text, 'base64'));
};

/** The document's bytes. */
export function encodeBackup(backup: BackupContents): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      format: backupFormat,
      created: backup.createdAt,
      vault: { file: base64(backup.vaultFile), key: base64(backup.dataKey) },
      audit: {
        log: base64(backup.audit.log),
        key: backup.audit.key && base64(backup.audit.key),
        head: backup.audit.head && base64(backup.audit.head),
      },
      summary: backup.summary,
    }),
  );
}

/**
 * Parses a decrypted document. Throws E_UNSUPPORTED_FORMAT when it is not a latch-backup/1
 * document (a bundle, any other age file), E_TAMPERED when a field is malformed.
 */
export function decodeBackup(bytes: Uint8Array): BackupContents {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    parsed = {};
  }
  if (parsed?.format !== backupFormat)
    throw new LatchError(
      'E_UNSUPPORTED_FORMAT',
      'it opened, but it is not a latch backup (no latch-backup/1 document)',
    );
  const vault = (parsed.vault ?? {}) as Record<string, unknown>;
  const audit = (parsed.audit ?? {}) as Record<string, unknown>;
  const dataKey = bytesOf(vault.key, 'vault key');
  if (dataKey.length !== 32 || typeof parsed.created !== 'string')
    throw new LatchError('E_TAMPERED', "the backup's header is malformed");
  return {
    createdAt: parsed.created,
    vaultFile: bytesOf(vault.file, 'vault'),
    dataKey,
    audit: {
      log: bytesOf(audit.log, 'audit log'),
      key: audit.key === null ? null : bytesOf(audit.key, 'audit key'),
      head: audit.head === null ? null : bytesOf(audit.head, 'audit head'),
    },
    summary: (typeof parsed.summary === 'object' && parsed.summary !== null ? parsed.summary : {}) as Record<
      string,
      Record<string, string[]>
    >,
  };
}
