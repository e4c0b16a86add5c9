/**
 * `latch backup`, `backup verify` and `restore` as a user runs them: one LATCH_HOME to
 * another, interop with the Go `age`, conflicts, and SIGKILL during a restore.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAge } from './age-tool.js';
import { binary, initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

const backupPassphrase = 'mellow-tundra-quasar-fig-lantern';
let sandbox: Sandbox;
let env: Record<string, string>;
beforeEach(() => {
  sandbox = makeSandbox();
  const passwordFile = join(sandbox.root, 'backup-password');
  writeFileSync(passwordFile, `${backupPassphrase}\n`);
  env = { LATCH_BACKUP_PASSWORD_FILE: passwordFile, LATCH_BUNDLE_WORK_FACTOR: '12' };
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: 'backup-api-value-1' });
  latch(sandbox, ['set', 'API_KEY'], { input: 'backup-api-value-2' });
  latch(sandbox, ['set', 'API_KEY', '--env', 'staging'], { input: 'backup-api-staging-4' });
  latch(sandbox, ['set', 'DB_URL', '--env', 'staging'], { input: 'backup-db-value-33' });
});
afterEach(() => sandbox.cleanup());

const printEnv = 'process.stdout.write(JSON.stringify({a: process.env.API_KEY, d: process.env.DB_URL}))';

function backup(extra: string[] = []): string {
  const file = join(sandbox.root, 'vault.backup');
  const result = latch(sandbox, ['backup', '-o', file, ...extra], { env });
  expect(result.code, result.stderr).toBe(0);
  return file;
}

/** A second machine: its own LATCH_HOME, the same project directory. */
function otherMachine(): Sandbox {
  const other = makeSandbox();
  return { ...other, cwd: sandbox.cwd, env: { ...other.env, LATCH_PASSPHRASE: 'new machine passphrase' } };
}

describe('backup and restore', () => {
  it('restores onto an empty machine under a new passphrase: same environment, audit verify passes', () => {
    const file = backup();
    expect(readFileSync(file, 'utf8')).not.toContain('backup-api-value');
    const other = otherMachine();
    try {
      const restored = latch(other, ['restore', file], { env });
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toBe(
        'add myapp/dev/API_KEY\nadd myapp/staging/API_KEY\nadd myapp/staging/DB_URL\n',
      );
      for (const environment of ['dev', 'staging']) {
        const there = latch(other, [
          'run',
          '--no-mask',
          '--env',
          environment,
          '--',
          process.execPath,
          '-e',
          printEnv,
        ]);
        const here = latch(sandbox, [
          'run',
          '--no-mask',
          '--env',
          environment,
          '--',
          process.execPath,
          '-e',
          printEnv,
        ]);
        expect(there.code, there.stderr).toBe(0);
        expect(there.stdout).toBe(here.stdout);
      }
      const verified = latch(other, ['audit', 'verify']);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      const audit = JSON.parse(latch(other, ['audit', '--json']).stdout);
      expect(audit.map((record: { event: string }) => record.event)).toContain('restore');
      // Versions came along: the previous value of API_KEY is there.
      const there = JSON.parse(latch(other, ['get', 'API_KEY', '--json']).stdout);
      expect(there.versions).toBe(2);
      expect(there).toEqual(JSON.parse(latch(sandbox, ['get', 'API_KEY', '--json']).stdout));
      // The old passphrase does not open the restored vault; the new one does.
      expect(latch(other, ['ls'], { env: { LATCH_PASSPHRASE: 'test passphrase 1' } }).code).toBe(3);
    } finally {
      other.cleanup();
    }
  });

  it('a passphrase backup opens with `age -d`; a recipient backup restores with --identity', async () => {
    const file = backup();
    const opened = await runAge(['-d', file], backupPassphrase, sandbox.root);
    expect(opened.code, opened.output).toBe(0);
    expect(opened.output).toContain('"format":"latch-backup/1"');

    const keygen = spawnSync('age-keygen', [], { encoding: 'utf8' });
    const identity = join(sandbox.root, 'key.txt');
    writeFileSync(identity, keygen.stdout);
    const recipient =
      /public key: (age1\w+)/.exec(keygen.stderr)?.[1] ?? /# public key: (age1\w+)/.exec(keygen.stdout)![1]!;
    const toKey = join(sandbox.root, 'to-key.backup');
    expect(latch(sandbox, ['backup', '-o', toKey, '--recipient', recipient], { env }).code).toBe(0);
    const decrypted = spawnSync('age', ['-d', '-i', identity, toKey], { encoding: 'utf8' });
    expect(decrypted.stdout).toContain('"format":"latch-backup/1"');
    expect(latch(sandbox, ['backup', 'verify', toKey, '--identity', identity]).code).toBe(0);
    const other = otherMachine();
    try {
      const restored = latch(other, ['restore', toKey, '--identity', identity]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(latch(other, ['audit', 'verify']).code).toBe(0);
    } finally {
      other.cleanup();
    }
  });

  it('backup verify: ok for a whole backup, exit 6 naming the file for a cut or changed one, 3 for a wrong passphrase', () => {
    const file = backup();
    const ok = latch(sandbox, ['backup', 'verify', file], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/chain verified/);
    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    writeFileSync(file, `${[...lines.slice(0, -3), lines.at(-1)].join('\n')}\n`);
    const cut = latch(sandbox, ['backup', 'verify', file], { env });
    expect(cut.code).toBe(6);
    expect(cut.stderr).toContain('vault.backup');
    writeFileSync(file, text);
    const wrongFile = join(sandbox.root, 'wrong');
    writeFileSync(wrongFile, 'not the passphrase at all');
    const wrong = latch(sandbox, ['backup', 'verify', file], {
      env: { LATCH_BACKUP_PASSWORD_FILE: wrongFile },
    });
    expect(wrong.code).toBe(3);
  });

  it('refuses a backup over 256 MiB from its size, before reading it', () => {
    const big = join(sandbox.root, 'huge.backup');
    writeFileSync(big, '');
    truncateSync(big, 300 * 1024 * 1024);
    const result = latch(sandbox, ['restore', big], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/huge\.backup is larger than 268435456 bytes \(314572800\)/);
  });

  it('restore onto a vault: conflicts stop it by default, skip keeps, overwrite replaces and keeps the old value as a version', () => {
    const file = backup();
    latch(sandbox, ['set', 'API_KEY'], { input: 'changed-after-backup' });
    expect(latch(sandbox, ['rm', 'DB_URL', '--env', 'staging']).code).toBe(0);
    const stopped = latch(sandbox, ['restore', file], { env });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('myapp/dev/API_KEY');
    expect(stopped.stderr).toContain('--on-conflict skip or overwrite');
    const dry = latch(sandbox, ['restore', file, '--on-conflict', 'overwrite', '--dry-run'], { env });
    expect(dry.stdout).toBe(
      'replace myapp/dev/API_KEY\nsame myapp/staging/API_KEY\nadd myapp/staging/DB_URL\n',
    );
    const value = (environment = 'dev') =>
      JSON.parse(
        latch(sandbox, ['run', '--no-mask', '--env', environment, '--', process.execPath, '-e', printEnv])
          .stdout,
      );
    expect(value().a).toBe('changed-after-backup');
    expect(latch(sandbox, ['restore', file, '--on-conflict', 'skip'], { env }).code).toBe(0);
    expect(value().a).toBe('changed-after-backup');
    expect(value('staging').d).toBe('backup-db-value-33');
    expect(latch(sandbox, ['restore', file, '--on-conflict', 'overwrite'], { env }).code).toBe(0);
    expect(value().a).toBe('backup-api-value-2');
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
  });

  it('SIGKILL at random points of a restore, 50 times: the vault opens and is the old or the new state', async () => {
    const file = backup();
    latch(sandbox, ['set', 'API_KEY'], { input: 'old-state-value-99' });
    const state = () => {
      const result = latch(sandbox, ['run', '--no-mask', '--', 'printenv', 'API_KEY']);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim();
    };
    // How long one restore takes here, to spread the kills over all of it.
    const started = Date.now();
    expect(latch(sandbox, ['restore', file, '--on-conflict', 'overwrite'], { env }).code).toBe(0);
    const duration = Date.now() - started;
    const seen = new Set<string>();
    let last = 'backup-api-value-2';
    for (let round = 0; round < 50; round++) {
      // Back to the old state when the last round restored the new one.
      if (last !== 'old-state-value-99') latch(sandbox, ['set', 'API_KEY'], { input: 'old-state-value-99' });
      const child = startLatch(sandbox, ['restore', file, '--on-conflict', 'overwrite'], { env });
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * duration * 1.1));
      child.kill('SIGKILL');
      await closed;
      last = state();
      expect(['old-state-value-99', 'backup-api-value-2']).toContain(last);
      seen.add(last);
    }
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
    // Both outcomes happened at least once, so the kills did land during the restore.
    expect(seen.size).toBe(2);
  }, 300_000);
});

describe.skipIf(process.platform === 'win32')(
  'a full disk while writing a backup, a bundle or a restore',
  () => {
    /**
     * Runs latch with a file size limit of `kilobytes` (RLIMIT_FSIZE, SIGXFSZ ignored): a write
     * past it fails with EFBIG, as a write to a full disk fails with ENOSPC, without root.
     */
    function latchWithFileLimit(kilobytes: number, args: string[], extraEnv: Record<string, string> = {}) {
      const result = spawnSync(
        '/bin/sh',
        ['-c', `trap '' XFSZ; ulimit -f ${kilobytes}; exec "$0" "$@"`, process.execPath, binary, ...args],
        { cwd: sandbox.cwd, env: { ...sandbox.env, ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 },
      );
      return { code: result.status, stderr: result.stderr };
    }
    const noRoom = /^latch: no room to write a file \(.*\); free some disk space and run the command again$/m;
    /** Every file under `directory` whose name says it is a temp file or a lock left behind. */
    const leftovers = (directory: string) =>
      readdirSync(directory).filter((name) => name.includes('.tmp-') || name.endsWith('.lock'));

    it('backup -o and bundle create -o write no file, or a part of one, and say what to do', () => {
      const vaultBefore = readFileSync(join(sandbox.home, 'vault'));
      const target = join(sandbox.root, 'full.backup');
      const failed = latchWithFileLimit(1, ['backup', '-o', target]);
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stderr).toMatch(noRoom);
      expect(existsSync(target)).toBe(false);
      const bundle = join(sandbox.cwd, 'full.encrypted');
      const bundleFailed = latchWithFileLimit(1, ['bundle', 'create', '--generate-password', '-o', bundle]);
      expect(bundleFailed.code, bundleFailed.stderr).toBe(1);
      expect(bundleFailed.stderr).toMatch(noRoom);
      expect(existsSync(bundle)).toBe(false);
      expect(leftovers(sandbox.root)).toEqual([]);
      expect(leftovers(sandbox.cwd)).toEqual([]);
      expect(readFileSync(join(sandbox.home, 'vault')).equals(vaultBefore)).toBe(true);
    });

    it('a restore that cannot write the vault leaves it as it was', () => {
      const file = backup();
      latch(sandbox, ['set', 'API_KEY'], { input: 'changed-after-backup-7' });
      const vaultBefore = readFileSync(join(sandbox.home, 'vault'));
      const failed = latchWithFileLimit(1, ['restore', file, '--on-conflict', 'overwrite']);
      expect(failed.code, failed.stderr).toBe(1);
      // The restore's record comes first, so the audit log is what finds no room.
      expect(failed.stderr).toMatch(
        /^latch: could not write the audit log \(EFBIG\), so the vault was not changed; free some disk space and run the command again$/m,
      );
      expect(readFileSync(join(sandbox.home, 'vault')).equals(vaultBefore)).toBe(true);
      expect(leftovers(sandbox.home)).toEqual([]);
      expect(latch(sandbox, ['get', 'API_KEY', '--reveal']).stdout).toBe('changed-after-backup-7');
    });
  },
);
