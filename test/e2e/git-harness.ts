/**
 * Real git repositories for the scan and hook tests: `git` runs with the sandbox's clean
 * environment (so hooks it starts see the sandbox's LATCH_HOME) and no system or global config.
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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
