/**
 * The vault on disk: creating it, unlocking it, and read-modify-write updates that are
 * serialised across processes by a lock file and written crash-safely (DESIGN.md 3-5).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deriveVaultAuditKey } from '../audit/record.js';
import { LatchError } from '../shared/errors.js';
import {
  ensurePrivateDirectory,
  privateFileExposure,
  removeOrphanedTempFiles,
  withLock,
  writeFileAtomic,
} from '../shared/files.js';
import {
  decodePassphraseParams,
  decodeVault,
  encodePassphraseParams,
  encodeVault,
  type KeySlot,
  openBody,
  passphraseSlotType,
  type SealedVault,
  sealBody,
  unwrapDataKey,
  wrapDataKey,
} from './format.js';
import { deriveKey, type KdfParams } from './kdf.js';
import { VaultContents } from './vault.js';

export interface VaultPaths {
  home: string;
  vault: string;
  previous: string;
  lock: string;
}

/** The files of the vault in `home`. */
export function vaultPaths(home: string): VaultPaths {
  return {
    home,
    vault: join(home, 'vault'),
    previous: join(home, 'vault.prev'),
    lock: join(home, 'vault.lock'),
  };
}

/** Supplies the passphrase when (and only when) the vault must be unlocked. */
export type PassphraseSource = () => Promise<Uint8Array>;

const random = (count: number) => new Uint8Array(randomBytes(count));

/** Makes a passphrase slot wrapping `dataKey`, with a fresh salt and nonce. */
export async function makePassphraseSlot(
  vaultId: Uint8Array,
  dataKey: Uint8Array,
  passphrase: Uint8Array,
  kdf: KdfParams,
) {
  const params = encodePassphraseParams({ kdf, salt: random(16) });
  const keyEncryptionKey = await deriveKey(passphrase, params.subarray(9), kdf);
  return wrapDataKey(vaultId, passphraseSlotType, params, keyEncryptionKey, dataKey, random(12));
}

function readSealed(paths: VaultPaths): SealedVault {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(paths.vault);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw noVaultError(paths.home);
    if (code === 'EISDIR') {
      throw new LatchError(
        'E_UNSUPPORTED_FORMAT',
        `${paths.vault} is a directory, not a vault; move it aside and restore the vault from vault.prev or a backup`,
      );
    }
    throw new LatchError(
      'E_IO',
      `cannot read the vault ${paths.vault} (${code ?? 'error'}); check its permissions`,
    );
  }
  return decodeVault(bytes);
}

async function unwrapWithPassphrase(sealed: SealedVault, passphrase: Uint8Array): Promise<Uint8Array> {
  const slot = sealed.slots.find((candidate) => candidate.type === passphraseSlotType);
  if (!slot)
    throw new LatchError(
      'E_TAMPERED',
      'the vault has no passphrase slot; restore it from vault.prev or a backup',
    );
  const { kdf, salt } = decodePassphraseParams(slot.params);
  const dataKey = unwrapDataKey(sealed.vaultId, slot, await deriveKey(passphrase, salt, kdf));
  if (!dataKey)
    throw new LatchError('E_BAD_PASSPHRASE', 'wrong passphrase; check it and run the command again');
  return dataKey;
}

/**
 * The scan index writer, loaded when a vault is written: commands that only read (`run`,
 * `get`, `ls`) do not pay for parsing it.
 */
const scanIndexFile = () => import('../scan/value-index-file.js');

/** An unlocked vault: its contents as read, and the data key for writing it back. */
export class UnlockedVault {
  /**
   * Runs under the writers' lock after every change and before the contents are sealed:
   * the CLI uses it to keep the audit log's head in the vault (docs/audit.md).
   */
  beforeSeal: ((contents: VaultContents) => void) | null = null;

  constructor(
    readonly paths: VaultPaths,
    private sealed: SealedVault,
    private readonly dataKey: Uint8Array,
    public contents: VaultContents,
  ) {}

  /**
   * Applies `change` to the newest contents under the writers' lock and saves the result
   * crash-safely, keeping the previous generation. `beforeWrite` runs under the lock too,
   * after `change` and before the vault is replaced, for what must change in step with the
   * vault: latch.yaml (a crash between the two then leaves a declared secret without its
   * value, which `check` and `run` report, never a stored one that `run` leaves out unsaid)
   * and the audit record of the change (never a change without its record). When it throws,
   * the vault is not written. Returns what `change` returns.
   */
  async update<T>(
    change: (contents: VaultContents) => T,
    beforeWrite?: (result: T) => void | Promise<void>,
  ): Promise<T> {
    const { refreshScanIndex } = await scanIndexFile();
    return withLock(this.paths.lock, async () => {
      removeOrphanedTempFiles(this.paths.home);
      const latest = readSealed(this.paths);
      if (!sameBytes(latest.vaultId, this.sealed.vaultId)) {
        throw new LatchError(
          'E_TAMPERED',
          'the vault was replaced by another vault while latch was running; run the command again',
        );
      }
      const contents = VaultContents.decode(openBody(latest, this.dataKey));
      const result = change(contents);
      await beforeWrite?.(result);
      this.beforeSeal?.(contents);
      const body = sealBody(latest.vaultId, this.dataKey, contents.encode(), random(12));
      const next: SealedVault = { vaultId: latest.vaultId, slots: latest.slots, body };
      writeFileAtomic(this.paths.vault, encodeVault(next, this.dataKey), { previous: this.paths.previous });
      this.sealed = next;
      this.contents = contents;
      // The scan index follows every write, so hooks recognise new values with the vault locked.
      refreshScanIndex(this.paths.home, contents);
      return result;
    });
  }

  /**
   * Reads the newest contents (another process may have written since): a long-running
   * front end (`latch ui`) shows what is stored now, not what was stored when it unlocked.
   */
  reload(): VaultContents {
    const latest = readSealed(this.paths);
    if (!sameBytes(latest.vaultId, this.sealed.vaultId)) {
      throw new LatchError(
        'E_TAMPERED',
        'the vault was replaced by another vault while latch was running; start again',
      );
    }
    this.sealed = latest;
    this.contents = VaultContents.decode(openBody(latest, this.dataKey));
    return this.contents;
  }

  /**
   * Rebuilds the scan index from the newest contents, under the writers' lock, when it or its
   * key is missing or the key is exposed (`privateFileExposure`; it is then replaced), or
   * always with `force` (`latch scan --reindex`, whose failure is the command's). So every
   * unlocked command repairs what a locked scan can only refuse; when there is nothing to
   * do, it costs three stats and does not load the index writer.
   */
  async repairScanIndex(options: { force?: boolean } = {}): Promise<void> {
    const index = join(this.paths.home, 'scan-index');
    const key = join(this.paths.home, 'scan-index.key');
    if (!options.force && existsSync(index) && existsSync(key) && privateFileExposure(key) === null) return;
    const { refreshScanIndex, writeScanIndex } = await scanIndexFile();
    await withLock(this.paths.lock, () => {
      const latest = readSealed(this.paths);
      if (!sameBytes(latest.vaultId, this.sealed.vaultId)) return;
      const contents = VaultContents.decode(openBody(latest, this.dataKey));
      if (options.force) writeScanIndex(this.paths.home, contents);
      else refreshScanIndex(this.paths.home, contents);
    });
  }

  /** The key that MACs audit records written while this vault is open. */
  auditKey(): Uint8Array {
    return deriveVaultAuditKey(this.dataKey, this.sealed.vaultId);
  }

  /** The vault as last read or written (header and sealed body). */
  get current(): SealedVault {
    return this.sealed;
  }

  /**
   * Rewrites the key slots with `change`; the body is kept byte for byte (DESIGN.md
   * invariant 3). The data does not change, so vault.prev stays the previous generation of
   * the data, not a copy of the vault with its old slots. With `previousToo`, vault.prev gets
   * the same change, first: a replaced passphrase or an ended session opens neither
   * generation, and a crash between the two writes leaves the change undone in the vault,
   * where the user sees it, never only in vault.prev.
   */
  async replaceSlots(
    change: (slots: KeySlot[]) => KeySlot[],
    options: { previousToo?: boolean } = {},
  ): Promise<void> {
    const apply = (sealed: SealedVault): SealedVault => ({
      vaultId: sealed.vaultId,
      slots: change(sealed.slots),
      body: sealed.body,
    });
    await withLock(this.paths.lock, () => {
      const next = apply(readSealed(this.paths));
      if (options.previousToo && existsSync(this.paths.previous)) {
        const previous = apply(decodeVault(readFileSync(this.paths.previous)));
        if (sameBytes(previous.vaultId, next.vaultId))
          writeFileAtomic(this.paths.previous, encodeVault(previous, this.dataKey));
      }
      writeFileAtomic(this.paths.vault, encodeVault(next, this.dataKey));
      this.sealed = next;
    });
  }

  /** Replaces the passphrase slot in both generations (`latch passwd`). */
  async changePassphrase(passphrase: Uint8Array, kdf: KdfParams): Promise<void> {
    const slot = await makePassphraseSlot(this.sealed.vaultId, this.dataKey, passphrase, kdf);
    await this.replaceSlots(
      (slots) => slots.map((existing) => (existing.type === passphraseSlotType ? slot : existing)),
      {
        previousToo: true,
      },
    );
    // A new passphrase also gets a new scan index key: the old key file opens nothing after it.
    // The passphrase is already changed; a failure here only skips that rotation.
    try {
      const { refreshScanIndex } = await scanIndexFile();
      const contents = VaultContents.decode(openBody(readSealed(this.paths), this.dataKey));
      refreshScanIndex(this.paths.home, contents, { newKey: true });
    } catch {}
  }

  /**
   * For a backup: under the writers' lock, the vault file's bytes as they are now, a copy of
   * the data key (a backup must open without this machine's passphrase or keychain), and
   * what `alongside` returns, run under the same lock (the audit files), so the parts agree.
   */
  async snapshot<T>(alongside: () => T): Promise<{ vaultFile: Uint8Array; dataKey: Uint8Array; extra: T }> {
    return withLock(this.paths.lock, () => {
      const vaultFile = new Uint8Array(readFileSync(this.paths.vault));
      const sealed = decodeVault(vaultFile);
      if (!sameBytes(sealed.vaultId, this.sealed.vaultId))
        throw new LatchError(
          'E_TAMPERED',
          'the vault was replaced while latch was running; run the command again',
        );
      openBody(sealed, this.dataKey);
      return { vaultFile, dataKey: new Uint8Array(this.dataKey), extra: alongside() };
    });
  }

  /** Wraps the data key into a new slot of `type` under `keyEncryptionKey` (sessions). */
  wrapInSlot(type: number, params: Uint8Array, keyEncryptionKey: Uint8Array): KeySlot {
    return wrapDataKey(this.sealed.vaultId, type, params, keyEncryptionKey, this.dataKey, random(12));
  }
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/**
 * True when `home` holds a non-empty vault.prev: the previous generation, and after the vault
 * file was lost, the only copy of the data.
 */
export function earlierGenerationExists(home: string): boolean {
  try {
    const stat = statSync(vaultPaths(home).previous);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}

/**
 * The error for a home without a vault file. With vault.prev there it says how to restore
 * it: `latch init` would start an empty vault and, on its first write, replace vault.prev.
 */
export function noVaultError(home: string): LatchError {
  return new LatchError(
    'E_NO_VAULT',
    earlierGenerationExists(home)
      ? `no vault in ${home}, but vault.prev there holds its previous generation; restore it with \`cp -p vault.prev vault\` in that directory`
      : `no vault in ${home}; create one with \`latch init\``,
  );
}

/** True when `home` holds a vault file. */
export function vaultExists(home: string): boolean {
  return existsSync(vaultPaths(home).vault);
}

/** How a vault may be unlocked: a session key first (if any), else the passphrase. */
export interface UnlockOptions {
  passphrase: PassphraseSource;
  /** Tries a session: returns the data key, or null to fall back to the passphrase. */
  session?: (sealed: SealedVault) => Promise<Uint8Array | null>;
  /** Guards passphrase attempts (lockout); called around the derivation. */
  attempts?: PassphraseAttempts;
}

/** Lockout hooks: `before` waits or throws until an attempt is allowed; the others record outcomes. */
export interface PassphraseAttempts {
  before(): Promise<void>;
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

/**
 * Opens the vault: checks the directory's permissions, verifies the file, unlocks with a
 * session or the passphrase, and decrypts. Throws E_NO_VAULT, E_TAMPERED, E_BAD_PASSPHRASE,
 * E_LOCKED.
 */
export async function unlockVault(
  home: string,
  options: UnlockOptions | PassphraseSource,
): Promise<UnlockedVault> {
  const { passphrase, session, attempts } = typeof options === 'function' ? { passphrase: options } : options;
  // Opening never creates LATCH_HOME: a command that fails for want of a vault leaves no trace.
  if (!existsSync(home)) throw noVaultError(home);
  ensurePrivateDirectory(home);
  const paths = vaultPaths(home);
  const sealed = readSealed(paths);
  let dataKey = session ? await session(sealed) : null;
  if (!dataKey) {
    await attempts?.before();
    const typed = await passphrase();
    try {
      dataKey = await unwrapWithPassphrase(sealed, typed);
    } catch (error) {
      if (error instanceof LatchError && error.code === 'E_BAD_PASSPHRASE') await countFailure(attempts);
      throw error;
    }
    await attempts?.succeeded();
  }
  return new UnlockedVault(paths, sealed, dataKey, VaultContents.decode(openBody(sealed, dataKey)));
}

/**
 * Counts a wrong passphrase. The answer stays "wrong passphrase" (exit 3) when the count
 * cannot be written (a read-only LATCH_HOME): that the passphrase is wrong is what the user
 * must act on, and the line says the failure went uncounted.
 */
async function countFailure(attempts: PassphraseAttempts | undefined): Promise<void> {
  try {
    await attempts?.failed();
  } catch (error) {
    const reason = error instanceof LatchError ? error.message : String(error);
    throw new LatchError(
      'E_BAD_PASSPHRASE',
      `wrong passphrase; try again (the failure was not counted: ${reason})`,
    );
  }
}

/**
 * Creates an empty vault with a new random data key. Throws E_EXISTS when one is there
 * already (checked under the lock, so two `init`s cannot both create one).
 */
export async function createVault(
  home: string,
  passphrase: Uint8Array,
  kdf: KdfParams,
): Promise<UnlockedVault> {
  ensurePrivateDirectory(home);
  const paths = vaultPaths(home);
  const vaultId = random(16);
  const dataKey = random(32);
  const slot = await makePassphraseSlot(vaultId, dataKey, passphrase, kdf);
  const contents = VaultContents.empty();
  const sealed: SealedVault = {
    vaultId,
    slots: [slot],
    body: sealBody(vaultId, dataKey, contents.encode(), random(12)),
  };
  const { refreshScanIndex } = await scanIndexFile();
  await withLock(paths.lock, () => {
    if (existsSync(paths.vault)) throw new LatchError('E_EXISTS', `a vault already exists in ${home}`);
    writeFileAtomic(paths.vault, encodeVault(sealed, dataKey));
    refreshScanIndex(home, contents);
  });
  return new UnlockedVault(paths, decodeVault(readFileSync(paths.vault)), dataKey, contents);
}

/**
 * Recreates a vault from a backup (`restore` onto a machine with no vault): the backed-up
 * vault file's body and id, kept byte for byte with its data key, under one new passphrase
 * slot (its other slots belonged to the old machine). `beforeVault` runs under the lock
 * before the vault file appears (the audit files go first: the vault file is the commit
 * point). Throws E_EXISTS when a vault is there, E_TAMPERED when the backup's vault does not
 * open with its key.
 */
export async function createVaultFromBackup(
  home: string,
  backup: { vaultFile: Uint8Array; dataKey: Uint8Array },
  passphrase: Uint8Array,
  kdf: KdfParams,
  beforeVault: () => void,
): Promise<UnlockedVault> {
  ensurePrivateDirectory(home);
  const paths = vaultPaths(home);
  const old = decodeVault(backup.vaultFile);
  const contents = VaultContents.decode(openBody(old, backup.dataKey));
  const slot = await makePassphraseSlot(old.vaultId, backup.dataKey, passphrase, kdf);
  const sealed: SealedVault = { vaultId: old.vaultId, slots: [slot], body: old.body };
  const { refreshScanIndex } = await scanIndexFile();
  await withLock(paths.lock, () => {
    if (existsSync(paths.vault)) throw new LatchError('E_EXISTS', `a vault already exists in ${home}`);
    beforeVault();
    writeFileAtomic(paths.vault, encodeVault(sealed, backup.dataKey));
    refreshScanIndex(home, contents);
  });
  return new UnlockedVault(paths, decodeVault(readFileSync(paths.vault)), backup.dataKey, contents);
}

/** The contents of a backed-up vault file, opened with its data key; E_TAMPERED if it does not open. */
export function openVaultFile(vaultFile: Uint8Array, dataKey: Uint8Array): VaultContents {
  return VaultContents.decode(openBody(decodeVault(vaultFile), dataKey));
}
