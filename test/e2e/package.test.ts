/**
 * The package as npm would install it: `npm pack`, unpacked outside the repository with only
 * its production dependencies beside it (copied from this checkout's node_modules, since an
 * install from the registry would need the network). The `latch` command must start from
 * its code cache and find what it loads at run time (hash-wasm's Argon2id, the keychain
 * module) in its own node_modules, not in the repository's.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './harness.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));

interface PackageJson {
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readPackage = (directory: string) =>
  JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;

/** Copies `name` and, transitively, what it depends on (optional ones when present) into `modules`. */
function copyDependency(name: string, modules: string, copied: Set<string>): void {
  if (copied.has(name)) return;
  const from = join(repository, 'node_modules', name);
  if (!existsSync(from)) return;
  copied.add(name);
  cpSync(from, join(modules, name), { recursive: true, dereference: true });
  const manifest = readPackage(from);
  for (const next of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    copyDependency(next, modules, copied);
  }
}

describe('the packed package, installed outside the repository', () => {
  let sandbox: Sandbox;
  let command: string;

  beforeAll(() => {
    sandbox = makeSandbox();
    const packed = spawnSync(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', sandbox.root],
      {
        cwd: repository,
        encoding: 'utf8',
      },
    );
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const modules = join(sandbox.root, 'app', 'node_modules');
    const installed = join(modules, 'latch');
    mkdirSync(installed, { recursive: true });
    const unpacked = spawnSync('tar', [
      '-xzf',
      join(sandbox.root, filename),
      '-C',
      installed,
      '--strip-components=1',
    ]);
    if (unpacked.status !== 0) throw new Error(`tar failed: ${unpacked.stderr}`);
    const copied = new Set<string>();
    for (const name of Object.keys(readPackage(installed).dependencies ?? {}))
      copyDependency(name, modules, copied);
    command = join(installed, readPackage(installed).bin.latch!);
  }, 60_000);
  afterAll(() => sandbox.cleanup());

  const run = (args: string[], env: Record<string, string> = {}, input = '') => {
    const result = spawnSync(process.execPath, [command, ...args], {
      cwd: sandbox.cwd,
      env: { ...sandbox.env, ...env },
      input,
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('starts from the code cache it was packed with', () => {
    expect(
      run(['--version'], { LATCH_DEBUG_LOAD: '1', XDG_CACHE_HOME: join(sandbox.root, 'cache') }),
    ).toEqual({
      code: 0,
      stdout: `${readPackage(repository).version}\n`,
      stderr: 'latch: code cache used (build)\n',
    });
  });

  it('creates a vault, stores a secret and runs a program with it, masked', () => {
    expect(run(['init']).code).toBe(0);
    expect(run(['set', 'API_TOKEN'], {}, 'packed-package-token-0123456789').code).toBe(0);
    const ran = run(['run', '--', 'sh', '-c', 'echo "token=$API_TOKEN"']);
    expect(ran).toMatchObject({ code: 0, stdout: 'token=<latch:API_TOKEN>\n' });
    expect(run(['get', 'API_TOKEN', '--reveal']).stdout).toBe('packed-package-token-0123456789');
  });

  it('holds the built CLI and documentation, not the sources or tests', () => {
    const listed = spawnSync('npm', ['pack', '--ignore-scripts', '--dry-run', '--json'], {
      cwd: repository,
      encoding: 'utf8',
    });
    const files = (JSON.parse(listed.stdout) as [{ files: { path: string }[] }])[0].files.map(
      (file) => file.path,
    );
    expect(files).toContain('dist/cli/latch.cjs');
    expect(files).toContain('dist/cli/latch-main.cjs.cache');
    expect(files).toContain('README.md');
    expect(files.filter((path) => /^(src|test|bench|scripts)\//.test(path))).toEqual([]);
  });
});
