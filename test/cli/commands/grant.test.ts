/** `latch grant`, `grant ls`, `grant revoke` with the fake io and its injected clock. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openVault } from '../../../src/app/context.js';
import { activeGrants, grantCovers, isAuthenticGrant, readGrants } from '../../../src/app/grants.js';
import { runMain } from '../../../src/cli/main.js';
import { clock, fakeIo, scriptedTerminal, tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
const vaultEnv = () => ({
  LATCH_HOME: dirs.home,
  LATCH_PASSPHRASE: 'grant test passphrase',
  LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
  LATCH_KEYCHAIN: 'off',
});
beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  expect(
    await runMain(
      ['init', '--project', 'shop', '--envs', 'dev,prod'],
      fakeIo({ cwd: project, env: vaultEnv() }),
    ),
  ).toBe(0);
  writeFileSync(
    join(project, 'latch.yaml'),
    'project: shop\ndefault_environment: dev\nenvironments:\n  dev: {}\n  prod: { protected: true }\nsecrets: []\n',
  );
});
afterEach(() => dirs.cleanup());

const io = (answers: string[] | null) =>
  fakeIo({
    env: vaultEnv(),
    cwd: project,
    terminal: answers === null ? null : scriptedTerminal(answers),
  });

describe('latch grant', () => {
  it('a person on a terminal grants prod for 15m; it covers that agent until then, not after', async () => {
    const start = clock.now;
    const asked = io(['prod']);
    expect(await runMain(['grant', '--env', 'prod', '--for', '15m', '--agent', 'claude-code'], asked)).toBe(
      0,
    );
    expect(asked.out()).toContain('granted shop/prod to claude-code until');
    const [grant] = readGrants(dirs.home);
    expect(grant).toMatchObject({ project: 'shop', environment: 'prod', agent: 'claude-code' });
    expect(Date.parse(grant!.until) - start).toBe(15 * 60 * 1000);
    expect(grantCovers(grant!, 'shop', 'prod', 'claude-code 1.0.2')).toBe(true);
    const key = (await openVault(io(null))).auditKey();
    expect(isAuthenticGrant(grant!, key)).toBe(true);
    expect(isAuthenticGrant({ ...grant!, environment: 'dev' }, key)).toBe(false);
    expect(isAuthenticGrant({ ...grant!, until: '2099-01-01T00:00:00.000Z' }, key)).toBe(false);
    expect(grantCovers(grant!, 'shop', 'prod', 'cursor 1.0')).toBe(false);
    expect(grantCovers(grant!, 'shop', 'dev', 'claude-code 1.0.2')).toBe(false);
    const listing = io(null);
    await runMain(['grant', 'ls'], listing);
    expect(listing.out()).toContain('shop/prod  claude-code  until');
    clock.now = start + 15 * 60 * 1000 + 1;
    expect(activeGrants(readGrants(dirs.home), clock.now)).toEqual([]);
    const later = io(null);
    await runMain(['grant', 'ls'], later);
    expect(later.out()).toBe('no active grants\n');
    const audit = readFileSync(join(dirs.home, 'audit.log'), 'utf8');
    expect(audit).toContain('"event":"grant"');
    expect(audit).toContain('"outcome":"granted"');
  });

  it('needs a person: without a terminal, or with a wrong answer, nothing is granted', async () => {
    const noTerminal = io(null);
    expect(await runMain(['grant', '--env', 'prod', '--for', '15m'], noTerminal)).toBe(3);
    expect(noTerminal.err()).toContain('confirm on a terminal');
    expect(await runMain(['grant', '--env', 'prod', '--for', '15m'], io(['dev']))).toBe(3);
    expect(readGrants(dirs.home)).toEqual([]);
  });

  it.each([
    [['grant', '--env', 'prod'], '--for'],
    [['grant', '--env', 'prod', '--for', '25h'], 'at most 24h'],
    [['grant', 'forever'], 'usage'],
  ])('refuses %j', async (argv, message) => {
    const refused = io(['prod']);
    expect(await runMain(argv, refused)).toBe(2);
    expect(refused.err()).toContain(message);
  });

  it('revoke ends the grants of the project', async () => {
    await runMain(['grant', '--env', 'prod', '--for', '1h'], io(['prod']));
    const revoking = io(null);
    expect(await runMain(['grant', 'revoke', '--env', 'prod'], revoking)).toBe(0);
    expect(revoking.out()).toContain('revoked 1 grant(s)');
    expect(activeGrants(readGrants(dirs.home), clock.now)).toEqual([]);
  });
});
