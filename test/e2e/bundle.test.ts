/**
 * The shape of the built executable (scripts/bundle-cli.mjs). The ES module build: what
 * `latch run` loads before it knows whether it needs the manifest parser or Argon2id must
 * not contain them (the CommonJS bundle is built from the same import graph, and there those
 * modules run only when imported). A change that imports yaml or hash-wasm statically on
 * that path costs every command tens of milliseconds without failing any other test. The
 * `latch` command (dist/cli/latch.cjs): starts from its code cache, and never from a cache
 * that is damaged or belongs to another build.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleBinary as binary, binary as command } from './harness.js';

/** Every file `entry` loads before running: itself and its static imports, transitively. */
function staticGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const match of text.matchAll(
      /^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)";|^import\s*"(\.[^"]+)";/gms,
    )) {
      pending.push(join(dirname(file), (match[1] ?? match[2])!));
    }
  }
  return files;
}

/**
 * The bundled sources in `files`, from esbuild's `// path` markers, as `src/...` or
 * `node_modules/...` (a linked node_modules shows as a longer relative path).
 */
function bundledSources(files: Map<string, string>): string[] {
  return [...files.values()].flatMap((text) =>
    [...text.matchAll(/^\/\/ \S*?((?:src|node_modules)\/\S+)$/gm)].map((match) => match[1]!),
  );
}

describe('the bundled executable', () => {
  const entry = staticGraph(binary);
  const lazyRun = /import\("(\.\/(?:chunks\/)?run-[A-Z0-9]+\.js)"\)/;
  const commandTable = [...entry].find(([, text]) => lazyRun.test(text));
  const runChunk = commandTable && join(dirname(commandTable[0]), lazyRun.exec(commandTable[1])![1]!);

  it('loads the command table and not the commands', () => {
    expect(commandTable, 'no chunk imports the run command lazily').toBeDefined();
    expect(bundledSources(entry).filter((source) => source.startsWith('src/cli/commands/'))).toEqual([]);
  });

  it('runs `run` without yaml, the manifest parser, hash-wasm or age-encryption (they load on demand)', () => {
    const sources = bundledSources(staticGraph(runChunk!));
    expect(sources).toContain('src/cli/commands/run/run.ts');
    expect(sources).toContain('src/manifest/file.ts');
    expect(
      sources.filter(
        (source) =>
          source.startsWith('node_modules/yaml/') ||
          source.startsWith('node_modules/hash-wasm/') ||
          source.startsWith('node_modules/age-encryption/') ||
          source.startsWith('node_modules/@noble/') ||
          source === 'src/manifest/manifest.ts',
      ),
    ).toEqual([]);
  });
});

describe('the latch command and its code cache', () => {
  const copies = mkdtempSync(join(tmpdir(), 'latch-bundle-'));
  afterAll(() => rmSync(copies, { recursive: true, force: true }));

  /**
   * Runs `latch --version` from `entry` with its own user cache directory (`cacheHome`);
   * returns what the loader said about the cache.
   */
  function start(
    entry: string,
    env: Record<string, string> = {},
    cacheHome = mkdtempSync(join(copies, 'cache-')),
  ) {
    const result = spawnSync(process.execPath, [entry, '--version'], {
      env: { PATH: process.env.PATH, LATCH_DEBUG_LOAD: '1', XDG_CACHE_HOME: cacheHome, ...env },
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, cache: /code cache (.*)/.exec(result.stderr)?.[1] };
  }

  /** A copy of dist/cli. */
  function copyOfBuild(name: string): string {
    const directory = join(copies, name);
    cpSync(dirname(command), directory, { recursive: true });
    return directory;
  }

  /** A copy whose build cache was made for another Node version (a package built elsewhere). */
  function builtWithAnotherNode(name: string): string {
    const directory = copyOfBuild(name);
    const file = join(directory, 'latch-main.cjs.cache');
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(10);
    const header = bytes.toString('latin1', 0, newline).replace(` ${process.version} `, ' v0.0.1 ');
    writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), bytes.subarray(newline)]));
    return directory;
  }

  it('starts from the code cache the build made', () => {
    expect(start(command)).toEqual({ code: 0, stdout: '0.1.0\n', cache: 'used (build)' });
    expect(start(command, { LATCH_CODE_CACHE: 'off' }).cache).toBe('off');
  });

  it('compiles as usual when the cache is damaged: V8 does not check it, latch does', () => {
    const directory = copyOfBuild('damaged');
    const file = join(directory, 'latch-main.cjs.cache');
    const bytes = readFileSync(file);
    // One flipped byte in V8's data, past the header line.
    bytes[bytes.length >> 1]! ^= 0x40;
    writeFileSync(file, bytes);
    expect(start(join(directory, 'latch.cjs'))).toEqual({
      code: 0,
      stdout: '0.1.0\n',
      cache: 'damaged; user cache absent',
    });
  });

  it('ignores a cache made from another build of the bundle', () => {
    const directory = copyOfBuild('stale');
    const file = join(directory, 'latch-main.cjs');
    const rebuilt = readFileSync(file, 'latin1').replace(
      /^\/\/ latch-build [0-9a-f]{32}/,
      `// latch-build ${'0'.repeat(32)}`,
    );
    writeFileSync(file, rebuilt, 'latin1');
    expect(start(join(directory, 'latch.cjs'))).toEqual({
      code: 0,
      stdout: '0.1.0\n',
      cache: 'stale; user cache absent',
    });
  });

  it('runs without a cache file', () => {
    const directory = copyOfBuild('absent');
    rmSync(join(directory, 'latch-main.cjs.cache'));
    expect(start(join(directory, 'latch.cjs'))).toEqual({
      code: 0,
      stdout: '0.1.0\n',
      cache: 'absent; user cache absent',
    });
  });

  it("built with another Node: the first start makes the user's own cache, the next ones use it", () => {
    const entry = join(builtWithAnotherNode('other-node'), 'latch.cjs');
    const cacheHome = join(copies, 'user-cache');
    expect(start(entry, {}, cacheHome).cache).toBe('stale; user cache absent');
    const file = join(cacheHome, 'latch', `code-cache-${process.version}`);
    expect(statSync(join(cacheHome, 'latch')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(start(entry, {}, cacheHome)).toEqual({ code: 0, stdout: '0.1.0\n', cache: 'used (user)' });
    // Damaged: not used, and made again.
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x40;
    writeFileSync(file, bytes);
    expect(start(entry, {}, cacheHome).cache).toBe('stale; user cache damaged');
    expect(start(entry, {}, cacheHome).cache).toBe('used (user)');
  });

  it("run with Node options that V8 would reject the cache for, uses the user's own cache for them", () => {
    const cacheHome = join(copies, 'options-cache');
    const options = { NODE_OPTIONS: '--max-old-space-size=4096' };
    expect(start(command, options, cacheHome).cache).toBe('stale; user cache absent');
    expect(start(command, options, cacheHome)).toEqual({ code: 0, stdout: '0.1.0\n', cache: 'used (user)' });
    // Without them, the build's cache serves as before.
    expect(start(command, {}, cacheHome).cache).toBe('used (build)');
  });

  it('never uses or writes a user cache in a directory that others can write', () => {
    const entry = join(builtWithAnotherNode('shared-cache'), 'latch.cjs');
    const cacheHome = join(copies, 'shared');
    mkdirSync(join(cacheHome, 'latch'), { recursive: true });
    chmodSync(join(cacheHome, 'latch'), 0o777);
    expect(start(entry, {}, cacheHome).cache).toBe('stale');
    expect(start(entry, {}, cacheHome).cache).toBe('stale');
    expect(readdirSync(join(cacheHome, 'latch'))).toEqual([]);
  });
});
