/**
 * Finding, loading and rewriting latch.yaml on disk. The manifest is found by walking up from
 * the working directory, as git finds .git. Parsed manifests are cached in LATCH_HOME, so a
 * command whose manifest did not change never loads the yaml parser.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { readFileWithin, removeOrphanedTempFiles, writeFileAtomic } from '../shared/files.js';
import { decodeUtf8 } from '../shared/utf8.js';
import type { Manifest, ManifestSecret } from './model.js';

export const manifestFileName = 'latch.yaml';

export interface ManifestFile {
  path: string;
  text: string;
}

/**
 * The nearest latch.yaml at or above `cwd`, or null. Throws E_MANIFEST for one that is a
 * directory, a symlink to nothing, or not UTF-8 (latch rewrites the file, and must not turn a byte into U+FFFD),
 * E_IO for one it cannot read.
 */
export function findManifestFile(cwd: string): ManifestFile | null {
  let directory = cwd;
  for (;;) {
    const path = join(directory, manifestFileName);
    let bytes: Buffer | null = null;
    try {
      bytes = readRegularFile(path);
    } catch (error) {
      if (error instanceof LatchError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw isDirectory(path);
      // A link to nothing is a manifest gone missing, not a directory without one.
      if (code === 'ENOENT') linkTarget(path);
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new LatchError(
          'E_IO',
          `cannot read ${path} (${code ?? 'error'}); fix its permissions or remove it`,
        );
    }
    if (bytes) {
      const decoded = decodeUtf8(bytes);
      if ('invalidLine' in decoded)
        throw new LatchError(
          'E_MANIFEST',
          `${path}:${decoded.invalidLine}: not UTF-8; save latch.yaml as UTF-8`,
        );
      return { path, text: decoded.text };
    }
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

const tooLarge = (path: string) =>
  new LatchError(
    'E_MANIFEST',
    `${path} is larger than ${maxManifestBytes / 1024 / 1024} MiB; a manifest holds names only: shorten it`,
  );

const isDirectory = (path: string) =>
  new LatchError('E_MANIFEST', `${path} is a directory; latch.yaml must be a file`);

/**
 * The largest latch.yaml read: thousands of declared secrets fit in far less, and a file
 * past it is not parsed, cached or rewritten (like every other input latch reads).
 */
export const maxManifestBytes = 1024 * 1024;

/**
 * The bytes of `path`, which must be a regular file of at most maxManifestBytes: opened
 * without waiting, so a FIFO named latch.yaml is refused (E_MANIFEST) instead of blocking
 * every command until a writer comes.
 */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw isDirectory(path);
    if (!stat.isFile())
      throw new LatchError('E_MANIFEST', `${path} is not a regular file; latch.yaml must be a file`);
    if (stat.size > maxManifestBytes) throw tooLarge(path);
    try {
      // Bounded again while reading: the file may grow after the stat.
      return readFileWithin(fd, maxManifestBytes, path);
    } catch (error) {
      throw error instanceof LatchError && error.code === 'E_TOO_LARGE' ? tooLarge(path) : error;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Rewrites the manifest crash-safely (0644: it is committed and holds no values), first
 * removing `latch.yaml.tmp-*` files that a killed latch left in the repository. A latch.yaml
 * that is a symlink is written through: the file it points to is replaced, and the link
 * stays. Throws E_MANIFEST for a link to nothing, E_IO when the file cannot be written.
 */
export function writeManifestFile(path: string, text: string): void {
  const target = linkTarget(path);
  removeOrphanedTempFiles(dirname(target), basename(target));
  writeFileAtomic(target, new TextEncoder().encode(text), { mode: 0o644 });
}

/**
 * The file `path` names, following symlinks: replacing the link itself would leave its
 * target, the manifest other checkouts share, as it was (and the link gone).
 */
function linkTarget(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch {
    return path;
  }
  try {
    return realpathSync(path);
  } catch (error) {
    throw new LatchError(
      'E_MANIFEST',
      `${path} is a symlink to a file that cannot be found (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix the link or remove it`,
    );
  }
}

/**
 * Bump when parseManifest can return something else for the same text (a new field, a new
 * rule), so that entries written by an older latch miss instead of answering for it.
 */
const cacheFormat = 1;

interface CacheEntry {
  format: number;
  /** The manifest's absolute path, as found. */
  path: string;
  /** SHA-256 of the manifest's exact text: any edit makes the entry miss. */
  sha256: string;
  manifest: Manifest;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The directory of cached manifests in `home`. */
export function manifestCacheDirectory(home: string): string {
  return join(home, 'cache');
}

/**
 * The parsed, validated manifest: from the cache in `home` when an entry was made from
 * exactly this text at this path, else parsed (yaml and the parser are imported only then)
 * and cached. Throws E_MANIFEST as parseManifest does; never because of the cache, whose
 * unreadable, corrupt or foreign entries are ignored and rewritten, and whose write failures
 * are ignored (it only saves time).
 */
export async function loadManifest(found: ManifestFile, home: string): Promise<Manifest> {
  const digest = sha256(found.text);
  const file = join(manifestCacheDirectory(home), `manifest-${sha256(found.path)}.json`);
  const cached = readCacheEntry(file);
  if (cached && cached.format === cacheFormat && cached.path === found.path && cached.sha256 === digest) {
    return cached.manifest;
  }
  const { parseManifest } = await import('./manifest.js');
  const manifest = parseManifest(found.text, found.path);
  const entry: CacheEntry = { format: cacheFormat, path: found.path, sha256: digest, manifest };
  writeCacheEntry(home, file, entry);
  return manifest;
}

/** The entry in `file`, or null when it is missing, unreadable, malformed or not ours. */
function readCacheEntry(file: string): CacheEntry | null {
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      // Only a file of ours that nobody else can write: LATCH_HOME is private, but a cache
      // entry decides which secrets a command hands out, so do not take that on trust.
      const stat = fstatSync(fd);
      const foreign =
        typeof process.getuid === 'function' && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0);
      if (foreign || !stat.isFile()) return null;
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  try {
    const entry: unknown = JSON.parse(text);
    return isCacheEntry(entry) ? entry : null;
  } catch {
    return null;
  }
}

function writeCacheEntry(home: string, file: string, entry: CacheEntry): void {
  const directory = manifestCacheDirectory(home);
  // No vault, no cache: the command is about to fail for want of one (or is `init`, which
  // makes the vault after), and a command that fails leaves nothing behind.
  if (!existsSync(join(home, 'vault'))) return;
  try {
    try {
      // Not recursive: caching is no reason to create LATCH_HOME itself.
      mkdirSync(directory, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    removeOrphanedTempFiles(directory);
    writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(entry)));
  } catch {
    // A cache that cannot be written costs the next command some milliseconds, nothing more.
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

function isManifestSecret(value: unknown): value is ManifestSecret {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.required === 'boolean' &&
    isOptionalString(value.description) &&
    isOptionalString(value.owner) &&
    isOptionalString(value.rotateEvery) &&
    (value.environments === undefined ||
      (Array.isArray(value.environments) && value.environments.every((name) => typeof name === 'string')))
  );
}

/** The shape loadManifest wrote; anything else (a truncated or edited file) is a miss. */
function isCacheEntry(value: unknown): value is CacheEntry {
  if (!isRecord(value) || !isRecord(value.manifest)) return false;
  const manifest = value.manifest;
  return (
    typeof value.format === 'number' &&
    typeof value.path === 'string' &&
    typeof value.sha256 === 'string' &&
    typeof manifest.project === 'string' &&
    typeof manifest.defaultEnvironment === 'string' &&
    isRecord(manifest.environments) &&
    Object.values(manifest.environments).every(
      (environment) => isRecord(environment) && typeof environment.protected === 'boolean',
    ) &&
    Array.isArray(manifest.secrets) &&
    manifest.secrets.every(isManifestSecret)
  );
}
