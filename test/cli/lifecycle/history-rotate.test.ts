import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/main.js';
import { clock, fakeIo, scriptedTerminal, tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let passphrase = 'right passphrase';
const base = () => ({
  LATCH_HOME: dirs.home,
  LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
  LATCH_PASSPHRASE: passphrase,
  USER: 'dev',
});
type Options = { env?: Record<string, string>; stdin?: string; terminal?: string[]; asked?: string[] };
const latch = async (argv: string[], options: Options = {}) => {
  const io = fakeIo({
    cwd: project,
    env: { ...base(), ...options.env },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.terminal ? { terminal: scriptedTerminal(options.terminal, options.asked) } : {}),
  });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const ok = async (argv: string[], options: Options = {}) => {
  const result = await latch(argv, options);
  expect(result.code, `${argv.join(' ')}: ${result.err}`).toBe(0);
  return result;
};
const reveal = async (name: string, env = 'dev') => (await ok(['get', name, '--reveal', '--env', env])).out;
const events = async () =>
  (
    JSON.parse((await ok(['audit', '--json'])).out) as { event: string; fields?: Record<string, unknown> }[]
  ).map((record) => record.event);
const day = 86_400_000;

beforeEach(async () => {
  passphrase = 'right passphrase';
  dirs = tempDirs();
  project = join(dirs.root, 'app');
  mkdirSync(project);
  await ok(['init', '--envs', 'dev,prod']);
  await ok(['env', 'add', 'prod', '--protected']);
  await ok(['set', 'API_KEY'], { stdin: 'api-value-1' });
  clock.now += day;
  await ok(['set', 'API_KEY'], { stdin: 'api-value-2' });
  clock.now += day;
  await ok(['rotate', 'API_KEY'], { stdin: 'api-value-3' });
});
afterEach(() => dirs.cleanup());

describe('latch history and rollback', () => {
  it('round-trips through rollback, keeps every value across passwd, and never prints one', async () => {
    await ok(['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'another passphrase 2' } });
    passphrase = 'another passphrase 2';
    const history = JSON.parse((await ok(['history', 'API_KEY', '--json'])).out);
    expect(history.versions.map((entry: { setBy: string }) => entry.setBy)).toEqual(['set', 'set', 'rotate']);
    expect(JSON.stringify(history)).not.toMatch(/api-value/);
    expect((await ok(['history', 'API_KEY'])).out).not.toMatch(/api-value/);

    expect((await ok(['rollback', 'API_KEY'])).out).toMatch(/to version 2 \(now version 4; version 3 kept\)/);
    expect(await reveal('API_KEY')).toBe('api-value-2');
    await ok(['rollback', 'API_KEY', '--to', '3']);
    expect(await reveal('API_KEY')).toBe('api-value-3');
    const after = JSON.parse((await ok(['history', 'API_KEY', '--json'])).out);
    expect(after.versions).toHaveLength(5);
    expect(after.versions[4]).toMatchObject({ setBy: 'rollback', rolledBackFrom: 3, current: true });
    expect(after.versions[3]).toMatchObject({ setBy: 'rollback', replacedBy: 'rollback', rolledBackFrom: 2 });
    await ok(['rollback', 'API_KEY', '--to', '1']);
    expect(await reveal('API_KEY')).toBe('api-value-1');
    const recorded = await events();
    expect(recorded.filter((event) => event === 'rollback')).toHaveLength(3);
    expect(recorded).toContain('rotate');
  });

  it('exits 4 for an unknown version and 2 for a bad one, changing nothing', async () => {
    const unknown = await latch(['rollback', 'API_KEY', '--to', '99']);
    expect(unknown.code).toBe(4);
    expect(unknown.err).toBe(
      'latch: API_KEY has no version 99; versions are 1 to 3 (see `latch history API_KEY`)\n',
    );
    expect((await latch(['rollback', 'API_KEY', '--to', 'x'])).code).toBe(2);
    expect((await latch(['rollback', 'NOPE'])).code).toBe(4);
    expect(await reveal('API_KEY')).toBe('api-value-3');
  });

  it('asks for the environment name in a protected environment', async () => {
    await ok(['set', 'API_KEY', '--env', 'prod'], { stdin: 'prod-1' });
    await ok(['set', 'API_KEY', '--env', 'prod'], { stdin: 'prod-2', terminal: ['prod'] });
    const refused = await latch(['rollback', 'API_KEY', '--env', 'prod']);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/app\/prod is protected; rolling back API_KEY: confirm on a terminal/);
    const asked: string[] = [];
    await ok(['rollback', 'API_KEY', '--env', 'prod'], { terminal: ['prod'], asked });
    expect(asked[0]).toMatch(/type "prod" to continue/);
    expect(
      await latch(['get', 'API_KEY', '--env', 'prod', '--reveal'], { terminal: ['prod'] }),
    ).toMatchObject({
      out: 'prod-1',
    });
  });

  it('keeps the leaked mark of a rolled-back value', async () => {
    await ok(['leaked', 'API_KEY']);
    const rotated = await ok(['rotate', 'API_KEY'], { stdin: 'api-value-4' });
    expect(rotated.err).toMatch(/cleared the leaked mark of API_KEY/);
    expect(JSON.parse((await ok(['check', '--json'])).out).rotationNeeded).toEqual([]);
    const back = await ok(['rollback', 'API_KEY']);
    expect(back.err).toMatch(/was marked leaked on .*; the mark is kept: rotate it/);
    expect(JSON.parse((await ok(['check', '--json'])).out).rotationNeeded).toEqual(['API_KEY']);
  });
});

describe('latch rotate', () => {
  it('refuses the same value, a value used before, a secret not stored, and a value on argv', async () => {
    const same = await latch(['rotate', 'API_KEY'], { stdin: 'api-value-3' });
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/the new value of API_KEY is the one already stored; nothing was rotated/);
    const reused = await latch(['rotate', 'API_KEY'], { stdin: 'api-value-1' });
    expect(reused.code).toBe(2);
    expect(reused.err).toMatch(/the new value of API_KEY is version 1, used before; nothing was rotated/);
    expect(await reveal('API_KEY')).toBe('api-value-3');
    expect((await latch(['rotate', 'NOPE'], { stdin: 'x-value' })).code).toBe(4);
    expect((await latch(['rotate', 'API_KEY=secret-on-argv'])).code).toBe(2);
  });

  it('asks for the environment name before replacing a value in a protected environment', async () => {
    await ok(['set', 'API_KEY', '--env', 'prod'], { stdin: 'prod-1' });
    const refused = await latch(['rotate', 'API_KEY', '--env', 'prod'], { stdin: 'prod-2' });
    expect(refused.code).toBe(3);
    expect(
      await latch(['get', 'API_KEY', '--env', 'prod', '--reveal'], { terminal: ['prod'] }),
    ).toMatchObject({
      out: 'prod-1',
    });
    await ok(['rotate', 'API_KEY', '--env', 'prod'], { stdin: 'prod-2', terminal: ['prod'] });
    expect(
      await latch(['get', 'API_KEY', '--env', 'prod', '--reveal'], { terminal: ['prod'] }),
    ).toMatchObject({
      out: 'prod-2',
    });
  });

  it('generates a new value and records where it came from', async () => {
    await ok(['rotate', 'API_KEY', '--generate', '--length', '40', '--charset', 'hex']);
    expect(await reveal('API_KEY')).toMatch(/^[0-9a-f]{40}$/);
    const audit = JSON.parse((await ok(['audit', '--json'])).out) as { event: string; source?: string }[];
    expect(audit.filter((record) => record.event === 'rotate').map((record) => record.source)).toEqual([
      'stdin',
      'generate',
    ]);
  });

  it('--due lists leaked, expired and overdue secrets in every project, most urgent first', async () => {
    await ok(['set', 'OLD', '--rotate-every', '30d'], { stdin: 'old-value' });
    await ok(['set', 'GONE', '--expires', '2026-01-01'], { stdin: 'gone-value' });
    await ok(['set', 'FRESH', '--rotate-every', '30d'], { stdin: 'fresh-value' });
    clock.now += 20 * day;
    await ok(['set', 'FRESH'], { stdin: 'fresh-value-2' });
    clock.now += 20 * day;
    await ok(['leaked', 'API_KEY']);
    const due = JSON.parse((await ok(['rotate', '--due', '--json'])).out);
    expect(due.map((entry: { name: string; reason: string }) => `${entry.name}:${entry.reason}`)).toEqual([
      'API_KEY:leaked',
      'GONE:expired',
      'OLD:rotation-due',
    ]);
    expect((await ok(['rotate', '--due'])).out).toMatch(/app\/dev +API_KEY +marked leaked/);
  });

  it('--due walks a person through them on a terminal', async () => {
    await ok(['leaked', 'API_KEY']);
    const io = fakeIo({
      cwd: project,
      env: base(),
      terminal: scriptedTerminal(['y', 'walked-value-5']),
    });
    expect(await runMain(['rotate', '--due'], io), io.err()).toBe(0);
    expect(io.out()).toMatch(/rotated API_KEY in app\/dev/);
    expect(await reveal('API_KEY')).toBe('walked-value-5');
    expect(JSON.parse((await ok(['rotate', '--due', '--json'])).out)).toEqual([]);
  });
});
