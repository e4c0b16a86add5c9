/**
 * Brute-force protection of bundles on the injected clock of the fake io: growing delays,
 * five minutes locked after five wrong passwords (the right one refused too), a reset on
 * success, and state kept per bundle (by SHA-256) in LATCH_HOME.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleKey, readBundleAttempts } from '../../src/bundle/attempts-file.js';
import { runMain } from '../../src/cli/main.js';
import { lockoutMs } from '../../src/vault/lockout.js';
import { clock, fakeIo, tempDirs } from './fake-io.js';

describe('bundle lockout (clock injected)', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let project: string;
  let password: string;
  const base = () => ({
    LATCH_HOME: dirs.home,
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    LATCH_PASSPHRASE: 'vault passphrase',
    LATCH_BUNDLE_WORK_FACTOR: '10',
  });
  const passwordFile = (text: string) => {
    const path = join(dirs.root, `pw-${text.length}-${text.charCodeAt(0)}`);
    writeFileSync(path, text);
    return path;
  };

  beforeEach(async () => {
    dirs = tempDirs();
    project = join(dirs.root, 'app');
    mkdirSync(project);
    expect(await runMain(['init'], fakeIo({ cwd: project, env: base() }))).toBe(0);
    expect(
      await runMain(['set', 'API_KEY'], fakeIo({ cwd: project, env: base(), stdin: 'lockout-value-1' })),
    ).toBe(0);
    const io = fakeIo({ cwd: project, env: base() });
    expect(await runMain(['bundle', 'create', '--generate-password'], io), io.err()).toBe(0);
    password = io.out().trim();
  });
  afterEach(() => dirs.cleanup());

  const inspect = async (text: string, file = 'secrets.encrypted') => {
    const io = fakeIo({ cwd: project, env: { ...base(), LATCH_BUNDLE_PASSWORD_FILE: passwordFile(text) } });
    const code = await runMain(['bundle', 'inspect', file], io);
    return { code, err: io.err() };
  };

  it('waits out growing delays, locks for five minutes after five failures, and a success resets', async () => {
    const start = clock.now;
    for (let failure = 1; failure <= 5; failure++) {
      const result = await inspect('wrong password');
      expect(result.code).toBe(3);
      expect(result.err).toContain('wrong password for secrets.encrypted');
    }
    // The four delays (1 + 2 + 4 + 8 s) were waited out on the injected clock, not slept.
    expect(clock.now - start).toBe(15_000);
    const refused = await inspect(password);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/this bundle is locked after 5 wrong passwords; try again in 5m\n/);
    clock.now += lockoutMs - 30_000;
    expect((await inspect(password)).err).toMatch(/try again in 30s/);
    clock.now += 30_000;
    expect((await inspect(password)).code).toBe(0);
    const key = bundleKey(readFileSync(join(project, 'secrets.encrypted')));
    expect(readBundleAttempts(dirs.home, key).failures).toBe(0);
    // After the reset, one wrong try is followed by a plain 1 s delay.
    expect((await inspect('wrong password')).code).toBe(3);
    const before = clock.now;
    expect((await inspect(password)).code).toBe(0);
    expect(clock.now - before).toBe(1000);
  });

  it('counts per bundle, by content: a renamed copy shares the count, another bundle does not', async () => {
    for (let failure = 1; failure <= 5; failure++) await inspect('wrong password');
    copyFileSync(join(project, 'secrets.encrypted'), join(project, 'copy.encrypted'));
    expect((await inspect(password, 'copy.encrypted')).code).toBe(3);
    const io = fakeIo({ cwd: project, env: base() });
    expect(await runMain(['bundle', 'create', '--generate-password', '-o', 'other.encrypted'], io)).toBe(0);
    expect((await inspect(io.out().trim(), 'other.encrypted')).code).toBe(0);
    const key = bundleKey(readFileSync(join(project, 'secrets.encrypted')));
    expect(existsSync(join(dirs.home, 'bundle-attempts', `${key}.json`))).toBe(true);
    expect(readFileSync(join(dirs.home, 'bundle-attempts', `${key}.json`), 'utf8')).not.toContain(password);
  });

  it('run --bundle is refused during the lockout, with the time left', async () => {
    for (let failure = 1; failure <= 5; failure++) await inspect('wrong password');
    const io = fakeIo({
      cwd: project,
      env: { ...base(), LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password) },
    });
    expect(await runMain(['run', '--bundle', 'secrets.encrypted', '--dry-run', '--', 'true'], io)).toBe(3);
    expect(io.err()).toMatch(/locked after 5 wrong passwords; try again in 5m/);
  });
});
