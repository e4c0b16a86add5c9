/**
 * The scan index on disk: `$LATCH_HOME/scan-index` (encrypted, docs/format.md) and its key
 * `$LATCH_HOME/scan-index.key` (32 random bytes), both 0600 and written atomically. The
 * vault's write path refreshes the index after every change, reusing the section of each
 * project whose document did not change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { privateFileExposure, writeFileAtomic } from '../shared/files.js';
import type { VaultContents } from '../vault/vault.js';
import {
  buildSection,
  deriveIndexKeys,
  type IndexedSecret,
  type IndexKeys,
  type IndexSection,
  projectFingerprint,
  type ScanIndex,
} from './value-index.js';
import {
  assembleIndexBody,
  decodeSection,
  type EncodedSection,
  encodeSection,
  openIndexBody,
  openScanIndex,
  sealIndexBody,
  splitIndexBody,
} from './value-index-format.js';

export function scanIndexPaths(home: string) {
  return { index: join(home, 'scan-index'), key: join(home, 'scan-index.key'), vault: join(home, 'vault') };
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR')
      throw new LatchError('E_TAMPERED', `${path} is a directory, not a file latch wrote; move it aside`);
    throw new LatchError('E_IO', `cannot read ${path} (${code ?? 'error'}); check its permissions`);
  }
}

/**
 * The index key, created (random, 0600) when `create` and there is none. A key that others
 * may read (a copy lets them test guesses against the index, docs/threat-model.md) throws E_UNSAFE_PERMISSIONS; when `create`, it is replaced instead (the vault is
 * unlocked, so the index is rebuilt under the new key).
 */
function indexKey(home: string, options: { create: boolean; replace?: boolean }): Uint8Array | null {
  const path = scanIndexPaths(home).key;
  const exposure = options.replace ? null : privateFileExposure(path);
  if (exposure && !options.create) {
    throw new LatchError(
      'E_UNSAFE_PERMISSIONS',
      `${path} ${exposure}; run \`latch scan --reindex\` (unlocks the vault) to replace it`,
    );
  }
  const existing = options.replace || exposure ? null : readOrNull(path);
  if (existing) return new Uint8Array(existing);
  if (!options.create) return null;
  const key = new Uint8Array(randomBytes(32));
  writeFileAtomic(path, key);
  return key;
}

/** SHA-256 of the vault file as it is now (null without a vault): tells a stale index. */
export function vaultDigest(home: string): Uint8Array | null {
  const bytes = readOrNull(scanIndexPaths(home).vault);
  return bytes ? new Uint8Array(createHash('sha256').update(bytes).digest()) : null;
}

export interface LoadedIndex {
  keys: IndexKeys;
  index: ScanIndex;
  /** False when the vault changed after the index was written (a write whose refresh failed). */
  current: boolean;
}

/**
 * Reads the index without the vault. Returns null when there is none (no vault yet, or it
 * was removed because a refresh failed) or it fails authentication (damaged, or written under
 * another key); with `discardUnusable`, such an index is then removed, so the next unlocked
 * command rebuilds it (`UnlockedVault.repairScanIndex`). Throws E_TAMPERED when it is not an index
 * file, E_UNSAFE_PERMISSIONS for a key that others may read.
 */
export function loadScanIndex(home: string, options: { discardUnusable?: boolean } = {}): LoadedIndex | null {
  const paths = scanIndexPaths(home);
  const file = readOrNull(paths.index);
  const key = indexKey(home, { create: false });
  if (!file || !key) return null;
  const keys = deriveIndexKeys(key);
  const index = openScanIndex(keys, file);
  if (!index) {
    if (!options.discardUnusable) return null;
    // Read again first: `passwd` writes a new key, then the index under it.
    const again = loadScanIndex(home);
    if (again) return again;
    try {
      unlinkSync(paths.index);
    } catch {}
    return null;
  }
  const digest = vaultDigest(home);
  const current = digest !== null && Buffer.from(digest).equals(index.vaultDigest);
  return { keys, index, current };
}

function secretsOf(contents: VaultContents, project: string): IndexedSecret[] {
  const record = contents.getProject(project);
  const secrets: IndexedSecret[] = [];
  for (const [envName, env] of Object.entries(record?.environments ?? {})) {
    for (const [name, secret] of Object.entries(env.secrets)) {
      secrets.push({
        name: `${envName}/${name}`,
        current: secret.value,
        earlier: secret.versions.map((version) => version.value),
      });
    }
  }
  return secrets;
}

/**
 * Rewrites the index for `contents` (the vault as just written). Sections of projects whose
 * document is unchanged are copied as they were, without parsing their entries; `newKey`
 * replaces the key and rebuilds all.
 */
export function writeScanIndex(
  home: string,
  contents: VaultContents,
  options: { newKey?: boolean } = {},
): void {
  const paths = scanIndexPaths(home);
  const reusable = new Map<string, EncodedSection>();
  if (!options.newKey) {
    try {
      const key = indexKey(home, { create: false });
      const file = readOrNull(paths.index);
      const body = key && file ? openIndexBody(deriveIndexKeys(key), file) : null;
      for (const section of body ? splitIndexBody(body).sections : []) reusable.set(section.project, section);
    } catch {
      reusable.clear();
    }
  }
  const keys = deriveIndexKeys(indexKey(home, { create: true, replace: options.newKey === true })!);
  const sections: Uint8Array[] = [];
  for (const project of contents.projectNames()) {
    const fingerprint = projectFingerprint(keys, project, contents.projectDocument(project)!);
    const old = reusable.get(project);
    if (old && Buffer.from(old.fingerprint).equals(fingerprint)) {
      sections.push(old.encoded);
      continue;
    }
    let previous: IndexSection | undefined;
    try {
      previous = old ? decodeSection(old.encoded) : undefined;
    } catch {
      previous = undefined;
    }
    sections.push(
      encodeSection(buildSection(keys, project, fingerprint, secretsOf(contents, project), previous)),
    );
  }
  const digest = vaultDigest(home) ?? new Uint8Array(32);
  writeFileAtomic(paths.index, sealIndexBody(keys, assembleIndexBody(digest, sections), randomBytes(12)));
}

/**
 * Refreshes the index after a vault write. The vault is already safely written, so a failure
 * here must not fail the command: the index is removed instead, and `latch scan` then says
 * to rebuild it rather than silently missing values.
 */
export function refreshScanIndex(
  home: string,
  contents: VaultContents,
  options: { newKey?: boolean } = {},
): void {
  try {
    writeScanIndex(home, contents, options);
  } catch {
    try {
      unlinkSync(scanIndexPaths(home).index);
    } catch {}
  }
}
