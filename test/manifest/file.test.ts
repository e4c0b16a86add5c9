import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  findManifestFile,
  loadManifest,
  type ManifestFile,
  manifestCacheDirectory,
  maxManifestBytes,
} from '../../src/manifest/file.js';
import { parseManifest } from '../../src/manifest/manifest.js';

const text = [
  'project: shop',
  'default_environment: dev',
  'environments:',
  '  dev: {}',
  '  prod: { protected: true }',
  'secrets:',
  '  - name: API_KEY',
  '    required: true',
  '    description: the payment provider',
  '  - name: SENTRY_DSN',
  '    required: false',
  '    environments: [prod]',
  '',
].join('\n');

let root: string;
let home: string;
let project: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'latch-manifest-cache-'));
  home = join(root, 'home');
  project = join(root, 'shop');
  mkdirSync(home, { mode: 0o700 });
  // The cache is kept only next to a vault (its contents do not matter here).
  writeFileSync(join(home, 'vault'), 'a vault');
  mkdirSync(project);
});
afterEach(() => {
  vi.doUnmock('../../src/manifest/manifest.js');
  vi.resetModules();
  rmSync(root, { recursive: true, force: true });
});

function writeManifest(content: string): ManifestFile {
  writeFileSync(join(project, 'latch.yaml'), content);
  return findManifestFile(project)!;
}

/** The one cache entry in `home` (there is one per manifest path). */
function cacheEntry(): string {
  const names = readdirSync(manifestCacheDirectory(home));
  expect(names).toHaveLength(1);
  return join(manifestCacheDirectory(home), names[0]!);
}

describe('loadManifest', () => {
  it('parses on a miss and caches the result privately (dir 0700, file 0600)', async () => {
    const found = writeManifest(text);
    expect(await loadManifest(found, home)).toStrictEqual(parseManifest(text, found.path));
    const entry = cacheEntry();
    if (process.platform !== 'win32') {
      expect(statSync(manifestCacheDirectory(home)).mode & 0o777).toBe(0o700);
      expect(statSync(entry).mode & 0o777).toBe(0o600);
    }
    expect(JSON.parse(readFileSync(entry, 'utf8'))).toMatchObject({
      path: found.path,
      manifest: { project: 'shop' },
    });
  });

  it('answers a hit from the cache without importing the parser or yaml', async () => {
    const found = writeManifest(text);
    const expected = await loadManifest(found, home);
    vi.resetModules();
    vi.doMock('../../src/manifest/manifest.js', () => {
      throw new Error('the parser was imported on a cache hit');
    });
    const fresh = await import('../../src/manifest/file.js');
    expect(await fresh.loadManifest(found, home)).toStrictEqual(expected);
  });

  it('misses when the text changes in any way, and caches the new parse', async () => {
    await loadManifest(writeManifest(text), home);
    const edited = `${text}  - name: NEW_KEY\n`;
    const found = writeManifest(edited);
    const manifest = await loadManifest(found, home);
    expect(manifest.secrets.map((secret) => secret.name)).toEqual(['API_KEY', 'SENTRY_DSN', 'NEW_KEY']);
    expect(JSON.parse(readFileSync(cacheEntry(), 'utf8')).manifest).toStrictEqual(manifest);
    // Even a change that parses to the same manifest (a comment) is a miss, not a guess.
    const commented = writeManifest(`# a comment\n${edited}`);
    const before = readFileSync(cacheEntry(), 'utf8');
    await loadManifest(commented, home);
    expect(readFileSync(cacheEntry(), 'utf8')).not.toBe(before);
  });

  it('keeps one entry per manifest path: another repository does not answer for this one', async () => {
    const found = writeManifest(text);
    await loadManifest(found, home);
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'latch.yaml'), text.replace('project: shop', 'project: other'));
    expect((await loadManifest(findManifestFile(other)!, home)).project).toBe('other');
    expect((await loadManifest(found, home)).project).toBe('shop');
    expect(readdirSync(manifestCacheDirectory(home))).toHaveLength(2);
  });

  it.each([
    ['garbage', '{"format":1,'],
    ['an empty file', ''],
    ['the wrong shape', JSON.stringify({ format: 1, path: 'x', sha256: 'y', manifest: { project: 7 } })],
    ['another format version', null],
    ['a secret without a name', null],
  ])('ignores and rewrites a corrupt cache entry: %s', async (label, content) => {
    const found = writeManifest(text);
    const expected = await loadManifest(found, home);
    const entry = cacheEntry();
    const valid = JSON.parse(readFileSync(entry, 'utf8'));
    const corrupt =
      content ??
      JSON.stringify(
        label === 'another format version'
          ? { ...valid, format: 0, manifest: { ...valid.manifest, project: 'stale' } }
          : { ...valid, manifest: { ...valid.manifest, secrets: [{ required: true }] } },
      );
    writeFileSync(entry, corrupt);
    expect(await loadManifest(found, home)).toStrictEqual(expected);
    expect(JSON.parse(readFileSync(entry, 'utf8'))).toStrictEqual(valid);
  });

  it.skipIf(process.platform === 'win32')('ignores an entry that others can write', async () => {
    const found = writeManifest(text);
    await loadManifest(found, home);
    const entry = cacheEntry();
    const planted = JSON.parse(readFileSync(entry, 'utf8'));
    planted.manifest.secrets = [];
    writeFileSync(entry, JSON.stringify(planted));
    chmodSync(entry, 0o666);
    expect((await loadManifest(found, home)).secrets).toHaveLength(2);
  });

  it('still throws E_MANIFEST for a bad manifest, and caches nothing', async () => {
    const found = writeManifest(
      'project: shop\nenvironments: {}\nsecrets:\n  - name: K\n    value: hunter2\n',
    );
    await expect(loadManifest(found, home)).rejects.toMatchObject({ code: 'E_MANIFEST' });
    expect(existsSync(manifestCacheDirectory(home))).toBe(false);
  });

  it('caches nothing in a home without a vault: the command is about to fail for want of one', async () => {
    rmSync(join(home, 'vault'));
    expect((await loadManifest(writeManifest(text), home)).project).toBe('shop');
    expect(readdirSync(home)).toEqual([]);
  });

  it('refuses a latch.yaml over 1 MiB before parsing or caching it (E_MANIFEST, one line)', async () => {
    const padding = `# ${'x'.repeat(maxManifestBytes)}\n`;
    writeFileSync(join(project, 'latch.yaml'), text + padding);
    expect(() => findManifestFile(project)).toThrow(
      expect.objectContaining({ code: 'E_MANIFEST', message: expect.stringMatching(/larger than 1 MiB/) }),
    );
    // Just under the limit is read as usual.
    writeFileSync(join(project, 'latch.yaml'), text + padding.slice(text.length + 3));
    expect(findManifestFile(project)!.text.length).toBe(maxManifestBytes);
    expect(existsSync(manifestCacheDirectory(home))).toBe(false);
  });

  it('works when the cache cannot be written, and does not create LATCH_HOME for it', async () => {
    const found = writeManifest(text);
    const missingHome = join(root, 'no-such-home');
    expect((await loadManifest(found, missingHome)).project).toBe('shop');
    expect(existsSync(missingHome)).toBe(false);
    writeFileSync(manifestCacheDirectory(home), 'a file where the cache directory should be');
    expect((await loadManifest(found, home)).project).toBe('shop');
  });
});
