import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/main.js';
import { fakeIo, tempDirs } from '../fake-io.js';

const liveKey = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
let dirs: ReturnType<typeof tempDirs>;
let repo: string;
let env: Record<string, string>;

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
const latch = async (
  argv: string[],
  options: { cwd?: string; stdin?: string; env?: Record<string, string> } = {},
) => {
  const io = fakeIo({
    cwd: options.cwd ?? repo,
    env: { ...env, ...options.env },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const ok = async (argv: string[], options: Parameters<typeof latch>[1] = {}) => {
  const result = await latch(argv, options);
  expect(result.code, `${argv.join(' ')}: ${result.err}`).toBe(0);
  return result;
};
const doctor = async (argv: string[] = []) => {
  const result = await latch(['doctor', '--json', ...argv]);
  return {
    ...result,
    report: JSON.parse(result.out) as {
      problems: { check: string; message: string; fixable: boolean }[];
      skipped: { check: string }[];
      fixed: string[];
    },
  };
};

beforeEach(async () => {
  dirs = tempDirs();
  repo = join(dirs.root, 'shop');
  mkdirSync(repo);
  const passphraseFile = join(dirs.root, 'passphrase');
  writeFileSync(passphraseFile, 'pass phrase 1\n');
  // HOME holds the shell history files doctor reads: a clean one here.
  env = {
    LATCH_HOME: dirs.home,
    LATCH_PASSPHRASE_FILE: passphraseFile,
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    HOME: dirs.root,
    PATH: process.env.PATH ?? '',
  };
  gitIn(repo, 'init', '-q');
  await ok(['init', '--envs', 'dev,prod']);
  await ok(['set', 'API_KEY'], { stdin: 'test-value-123' });
  await ok(['hooks', 'install']);
  writeFileSync(join(repo, 'app.js'), 'console.log(1)\n');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '--no-verify', '-qm', 'start');
});
afterEach(() => dirs.cleanup());

describe('latch doctor', () => {
  it('exits 0 on a clean repository', async () => {
    const result = await latch(['doctor']);
    expect(result.out).toBe('no problems found\n');
    expect(result.code).toBe(0);
  });

  it('finds each problem, with a fix, without printing a value, and exits 5', async () => {
    writeFileSync(join(repo, '.env'), 'DB_PASSWORD=hunter2-committed\n');
    gitIn(repo, 'add', '.env');
    gitIn(repo, 'commit', '--no-verify', '-qm', 'oops');
    gitIn(repo, 'rm', '-q', '.env');
    gitIn(repo, 'commit', '--no-verify', '-qm', 'remove');
    writeFileSync(join(repo, '.env.local'), 'TOKEN=abc-untracked\n');
    mkdirSync(join(repo, '.cursor'));
    writeFileSync(join(repo, '.cursor', 'mcp.json'), '{}');
    writeFileSync(join(repo, 'CLAUDE.local.md'), 'notes');
    await ok(['set', 'VITE_SECRET'], { stdin: 'vite-value' });
    await ok(['set', 'STRIPE_KEY'], { stdin: liveKey });
    await ok(['set', 'DATABASE_URL'], { stdin: 'postgres://u:p@db.prod.example.com/app' });
    await ok(['leaked', 'API_KEY']);
    writeFileSync(
      join(repo, 'latch.yaml'),
      `${readFileSync(join(repo, 'latch.yaml'), 'utf8')}  - name: NEVER_SET\n`,
    );
    writeFileSync(join(repo, '.env.example'), 'OLD=\n');
    chmodSync(dirs.home, 0o755);
    writeFileSync(join(dirs.root, '.bash_history'), 'ls\nexport LATCH_PASSPHRASE=oops-typed\n');
    gitIn(repo, 'config', 'core.hooksPath', '.githooks');
    const result = await latch(['doctor']);
    expect(result.code).toBe(5);
    for (const value of [liveKey, 'hunter2', 'abc-untracked', 'oops-typed', 'u:p@', 'test-value'])
      expect(result.out + result.err).not.toContain(value);
    const { report } = await doctor();
    const checks = report.problems.map((problem) => problem.check);
    expect(new Set(checks)).toEqual(
      new Set([
        'env-file-in-history',
        'env-file-not-ignored',
        'agent-state-not-ignored',
        'frontend-exposed-secret',
        'live-credential-in-development',
        'secret-due',
        'latch-home',
        'git-hooks',
        'env-example',
        'secret-never-set',
        'passphrase-exposed',
      ]),
    );
    const text = report.problems.map((problem) => problem.message).join('\n');
    expect(text).toMatch(/\.env with values is in the git history \(1 commit: [0-9a-f]{12}\)/);
    expect(text).toMatch(/\.env\.local holds values and is not ignored by git/);
    expect(text).toMatch(/\.cursor\/ \(AI agent state/);
    expect(text).toMatch(/CLAUDE\.local\.md/);
    expect(text).toMatch(/VITE_SECRET is declared under VITE_/);
    expect(text).toMatch(/STRIPE_KEY in shop\/dev looks like a Stripe live secret key/);
    expect(text).toMatch(/DATABASE_URL in shop\/dev looks like a URL of a production database host/);
    expect(text).toMatch(/API_KEY in shop\/dev was marked leaked and not rotated/);
    expect(text).toMatch(/core\.hooksPath makes git run/);
    expect(text).toMatch(/NEVER_SET is declared in latch.yaml but set in no environment/);
    expect(text).toMatch(/\.bash_history has 1 line setting LATCH_PASSPHRASE=/);
    expect(text).toMatch(/readable by group or others \(mode 755\)/);
  });

  it('--fix applies the local fixes, says what it changed, and doctor then exits 0', async () => {
    writeFileSync(join(repo, '.env.local'), 'TOKEN=abc-untracked\n');
    mkdirSync(join(repo, '.specstory'));
    writeFileSync(join(repo, '.specstory', 'chat.md'), 'history');
    writeFileSync(join(repo, '.aider.chat.history.md'), 'history');
    writeFileSync(join(repo, '.env.example'), 'OLD=\n');
    chmodSync(dirs.home, 0o750);
    await ok(['hooks', 'uninstall']);
    const before = await doctor();
    expect(before.code).toBe(5);
    expect(before.report.problems.every((problem) => problem.fixable)).toBe(true);
    const fixed = await latch(['doctor', '--fix']);
    expect(fixed.out).toMatch(/fixed: chmod 700 /);
    expect(fixed.out).toMatch(/fixed: added \/\.env\.local, \/\.aider\*, \/\.specstory\/ to .*\.gitignore/);
    expect(fixed.out).toMatch(/fixed: wrote .*\.env\.example from latch.yaml/);
    expect(fixed.out).toMatch(/fixed: pre-commit: installed/);
    expect(fixed.code).toBe(0);
    expect(statSync(dirs.home).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(repo, '.env.local'), 'utf8')).toBe('TOKEN=abc-untracked\n');
    expect((await latch(['doctor'])).code).toBe(0);
  });

  it('outside a git repository runs what applies and says what it skipped', async () => {
    const outside = join(dirs.root, 'loose');
    mkdirSync(outside);
    const result = await latch(['doctor'], { cwd: outside, env: { GIT_CEILING_DIRECTORIES: dirs.root } });
    expect(result.out).toMatch(/skipped: env-file-in-history \(not inside a git repository\)/);
    expect(result.out).toMatch(/skipped: git-hooks \(not inside a git repository\)/);
    expect(result.out).toMatch(/skipped: secret-due \(no latch.yaml here or above\)/);
    expect(result.code).toBe(0);
  });

  it('skips the vault checks when the vault is locked and there is no terminal', async () => {
    const { LATCH_PASSPHRASE_FILE: _, ...locked } = env;
    env = locked;
    const result = await latch(['doctor']);
    expect(result.out).toMatch(/skipped: secret-due \(the vault is locked/);
    expect(result.code).toBe(0);
  });
});
