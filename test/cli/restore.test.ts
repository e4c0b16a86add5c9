/** `latch restore` onto a vault with a protected environment, with the fake io. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, scriptedTerminal, tempDirs } from './fake-io.js';

describe('restore into a protected environment', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let project: string;
  let env: () => Record<string, string>;
  beforeEach(async () => {
    dirs = tempDirs();
    project = join(dirs.root, 'app');
    mkdirSync(project);
    const passwordFile = join(dirs.root, 'backup-password');
    writeFileSync(passwordFile, 'mellow-tundra-quasar-fig-lantern');
    env = () => ({
      LATCH_HOME: dirs.home,
      LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
      LATCH_PASSPHRASE: 'vault passphrase',
      LATCH_BUNDLE_WORK_FACTOR: '10',
      LATCH_BACKUP_PASSWORD_FILE: passwordFile,
    });
    expect(await runMain(['init'], fakeIo({ cwd: project, env: env() }))).toBe(0);
  });
  afterEach(() => dirs.cleanup());

  const setProd = async (value: string) => {
    const io = fakeIo({ cwd: project, env: env(), stdin: value, terminal: scriptedTerminal(['prod']) });
    io.stdin.isTTY = false;
    expect(await runMain(['set', 'API_KEY', '--env', 'prod'], io), io.err()).toBe(0);
  };

  it('replacing a value there needs a person to confirm on a terminal', async () => {
    await setProd('prod-value-before-1');
    expect(await runMain(['backup', '-o', 'vault.backup'], fakeIo({ cwd: project, env: env() }))).toBe(0);
    await setProd('prod-value-after-22');
    const refused = fakeIo({ cwd: project, env: env() });
    expect(await runMain(['restore', 'vault.backup', '--on-conflict', 'overwrite'], refused)).toBe(3);
    expect(refused.err()).toContain('app/prod is protected');
    const asked: string[] = [];
    const confirmed = fakeIo({ cwd: project, env: env(), terminal: scriptedTerminal(['prod'], asked) });
    expect(
      await runMain(['restore', 'vault.backup', '--on-conflict', 'overwrite'], confirmed),
      confirmed.err(),
    ).toBe(0);
    expect(asked).toEqual([
      'app/prod is protected; restoring replaces values there; type "prod" to continue: ',
    ]);
    expect(confirmed.out()).toBe('replace app/prod/API_KEY\n');
    const same = fakeIo({ cwd: project, env: env() });
    expect(await runMain(['restore', 'vault.backup'], same)).toBe(0);
    expect(same.out()).toBe('same app/prod/API_KEY\n');
  });
});
