/**
 * Real git repositories for the scan and hook tests: `git` runs with the sandbox's clean
 * environment (so hooks it starts see the sandbox's LATCH_HOME) and no system or global config.
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { latch, type RunResult, type Sandbox } from './harness.js';

export function gitEnv(
  sandbox: Sandbox,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...sandbox.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(sandbox.root, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    ...extra,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as Record<string, string>;
}

/** Runs git; returns its outcome (stdout and stderr as text) without throwing. */
export function gitRun(
  sandbox: Sandbox,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {},
): RunResult {
  const result = spawnSync('git', args, {
    cwd: options.cwd ?? sandbox.cwd,
    env: gitEnv(sandbox, options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs git and throws with its stderr when it fails. */
export function git(sandbox: Sandbox, args: string[], options: { cwd?: string } = {}): string {
  const result = gitRun(sandbox, args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** `git init` in the sandbox's project directory with a `main` branch. */
export function initRepository(sandbox: Sandbox, cwd = sandbox.cwd): void {
  mkdirSync(cwd, { recursive: true });
  git(sandbox, ['init', '-q', '-b', 'main'], { cwd });
}

/** Writes a file under `cwd` (default: the project directory), creating directories. */
export function writeRepoFile(
  sandbox: Sandbox,
  path: string,
  content: string | Uint8Array,
  cwd = sandbox.cwd,
): void {
  const full = join(cwd, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

/** Stores a secret through `latch set` (value on stdin); throws when it fails. */
export function setSecret(sandbox: Sandbox, name: string, value: string, cwd = sandbox.cwd): void {
  const result = latch(sandbox, ['set', name], { input: value, cwd });
  if (result.code !== 0) throw new Error(`set failed: ${result.stderr}`);
}

/** A random value of `length` base64url characters (so no fixture secret sits in the repository). */
export function randomValue(length = 32): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

/** A GitLab-format personal access token, assembled at run time. */
export function gitlabToken(): string {
  return ['gl', 'pat-'].join('') + randomValue(24);
}

/** The environment of a hook run with the vault locked (no passphrase anywhere). */
export const locked = { LATCH_PASSPHRASE: undefined, LATCH_PASSPHRASE_FILE: undefined };

/** True when the `sqlite3` shell is installed (the Debian package sqlite3). */
export const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;

/** An SQLite database (made by the real `sqlite3`, SQL on stdin) in `encoding`, holding `value` in a row. */
function sqliteDatabase(value: string, encoding: 'UTF-8' | 'UTF-16le' | 'UTF-16be', scratch: string): Buffer {
  rmSync(scratch, { force: true });
  const sql = `PRAGMA encoding = '${encoding}';\nCREATE TABLE settings (name TEXT, value TEXT);\nINSERT INTO settings VALUES ('api', '${value}');\n`;
  const result = spawnSync('sqlite3', [scratch], { input: sql, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sqlite3 failed: ${result.stderr}`);
  const bytes = readFileSync(scratch);
  rmSync(scratch);
  return bytes;
}

/**
 * Files that hold `value` where only a search of bytes and UTF-16 finds it, by name: SQLite
 * databases (when sqlite3 is installed), a binary with the value's UTF-16BE at an odd offset,
 * and a PowerShell script saved as UTF-16LE with a byte-order mark.
 */
export function binaryLeaks(value: string, scratch: string): Record<string, Buffer> {
  const noise = randomBytes(300);
  noise[7] = 0;
  const files: Record<string, Buffer> = {
    'blob.bin': Buffer.concat([noise, Buffer.from([0]), Buffer.from(value, 'utf16le').swap16(), noise]),
    'deploy.ps1': Buffer.from(`\ufeff$token = "${value}"\r\nWrite-Host ok\r\n`, 'utf16le'),
  };
  if (hasSqlite) {
    files['app.sqlite'] = sqliteDatabase(value, 'UTF-8', scratch);
    files['app16.sqlite'] = sqliteDatabase(value, 'UTF-16le', scratch);
  }
  return files;
}
