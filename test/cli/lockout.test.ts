import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { checkAttempt, delayAfter, describeWait, lockoutMs, recordFailure } from '../../src/vault/lockout.js';
import { clock, fakeIo, tempDirs } from './fake-io.js';

describe('lockout policy', () => {
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, lockoutMs],
  ])('after %i failures the next try waits %i ms', (failures, ms) => expect(delayAfter(failures)).toBe(ms));

  it('a lockout that has run out starts a new count', () => {
    const locked = { failures: 5, lastFailureAt: 0 };
    expect(checkAttempt(locked, lockoutMs - 1)).toEqual({ allowed: false, waitMs: 1, lockedOut: true });
    expect(checkAttempt(locked, lockoutMs)).toEqual({ allowed: true });
    expect(recordFailure(locked, lockoutMs)).toEqual({ failures: 1, lastFailureAt: lockoutMs });
  });

  it.each([
    [999, '1s'],
    [270_000, '4m 30s'],
    [300_000, '5m'],
    [28_740_000, '7h 59m'],
  ])('describeWait(%i) is %s', (ms, text) => expect(describeWait(ms)).toBe(text));
});

describe('lockout across commands (clock injected)', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let project: string;
  const base = () => ({ LATCH_HOME: dirs.home, LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' });
  beforeEach(async () => {
    dirs = tempDirs();
    project = join(dirs.root, 'app');
    mkdirSync(project);
    expect(
      await runMain(
        ['init'],
        fakeIo({ cwd: project, env: { ...base(), LATCH_PASSPHRASE: 'right passphrase' } }),
      ),
    ).toBe(0);
  });
  afterEach(() => dirs.cleanup());

  const ls = (passphrase: string) => {
    const io = fakeIo({ cwd: project, env: { ...base(), LATCH_PASSPHRASE: passphrase } });
    return runMain(['ls'], io).then((code) => ({ code, err: io.err() }));
  };

  it('a success with no failures on record writes no lockout state', async () => {
    expect((await ls('right passphrase')).code).toBe(0);
    expect(existsSync(join(dirs.home, 'lockout.json'))).toBe(false);
    expect(existsSync(join(dirs.home, 'lockout.lock'))).toBe(false);
  });

  it('waits out growing delays, locks for five minutes after five failures, and a success resets', async () => {
    const start = clock.now;
    for (let failure = 1; failure <= 5; failure++) expect((await ls('wrong')).code).toBe(3);
    // The four delays (1 + 2 + 4 + 8 s) were waited out on the injected clock.
    expect(clock.now - start).toBe(15_000);
    const refused = await ls('right passphrase');
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/locked after 5 wrong passphrases; try again in 5m/);
    clock.now += lockoutMs - 1000;
    expect((await ls('right passphrase')).err).toMatch(/try again in 1s/);
    clock.now += 1000;
    expect((await ls('right passphrase')).code).toBe(0);
    // The success reset the count: one wrong try is followed by a plain 1 s delay.
    expect((await ls('wrong')).code).toBe(3);
    const before = clock.now;
    expect((await ls('right passphrase')).code).toBe(0);
    expect(clock.now - before).toBe(1000);
  });

  it('status reports failures and the time until the next try', async () => {
    for (let failure = 1; failure <= 5; failure++) await ls('wrong');
    const io = fakeIo({ cwd: project, env: base() });
    expect(await runMain(['status', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ unlocked: false, failedAttempts: 5, retryInMs: lockoutMs });
  });
});
