/**
 * Runs the built `latch` command (dist/cli/latch.cjs) as a user would, in a temporary LATCH_HOME and
 * working directory, with a clean environment: the caller's own variables (an agent's
 * markers among them) never leak into a test.
 */
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const binary = fileURLToPath(new URL('../../dist/cli/latch.cjs', import.meta.url));
if (!existsSync(binary)) throw new Error('dist/cli/latch.cjs is missing: run `npm run build` first');
/** The ES module entry (code-split chunks), kept for hooks that name it; see scripts/bundle-cli.mjs. */
export const moduleBinary = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

/** Cheap Argon2id for tests; the default (64 MiB, t=3, p=4) is tested in test/core. */
export const testKdf = 'm=8192,t=1,p=1';
export const passphrase = 'test passphrase 1';

export interface Sandbox {
  root: string;
  home: string;
  /** A project directory (not yet initialised). */
  cwd: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** A temporary LATCH_HOME and project directory with a clean environment. */
export function makeSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'latch-e2e-'));
  const home = join(root, 'home');
  const cwd = join(root, 'myapp');
  mkdirSync(home, { mode: 0o700 });
  chmodSync(home, 0o700);
  mkdirSync(cwd);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: root,
    TMPDIR: join(root, 'tmp'),
    LATCH_HOME: home,
    LATCH_PASSPHRASE: passphrase,
    LATCH_KDF_PARAMS: testKdf,
    LATCH_KEYCHAIN: 'off',
  };
  mkdirSync(env.TMPDIR!);
  return { root, home, cwd, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `latch ARGS` to completion. */
export function latch(
  sandbox: Sandbox,
  args: string[],
  options: {
    input?: string | Uint8Array;
    env?: Record<string, string | undefined>;
    cwd?: string;
    timeout?: number;
  } = {},
): RunResult {
  const env = { ...sandbox.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [binary, ...args], {
    cwd: options.cwd ?? sandbox.cwd,
    env: env as Record<string, string>,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return {
    code: result.status ?? 128 + (result.signal ? 9 : 0),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Starts `latch ARGS` without waiting (for signals and concurrency). */
export function startLatch(
  sandbox: Sandbox,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  return spawn(process.execPath, [binary, ...args], {
    cwd: options.cwd ?? sandbox.cwd,
    env: { ...sandbox.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Off the terminal that runs the tests: in its foreground group, latch passes on no
    // SIGINT or SIGQUIT (the child got the key's own), and the tests signal latch alone.
    detached: true,
  });
}

/** `latch init` in the sandbox's project directory; throws when it fails. */
export function initProject(sandbox: Sandbox, extra: string[] = []): void {
  const result = latch(sandbox, ['init', ...extra]);
  if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
}

/** Writes a file in the sandbox and returns its path. */
export function writeSandboxFile(sandbox: Sandbox, name: string, content: string | Uint8Array): string {
  const path = join(sandbox.root, name);
  writeFileSync(path, content);
  return path;
}
