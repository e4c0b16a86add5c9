/** `latch bundle` and `run --bundle` at a terminal (scripted), with the fake io. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, scriptedTerminal, tempDirs } from './fake-io.js';

describe('bundle passwords on a terminal', () => {
  let dirs: ReturnType<typeof tempDirs>;
  let project: string;
  const env = () => ({
    LATCH_HOME: dirs.home,
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    LATCH_PASSPHRASE: 'vault passphrase',
    LATCH_BUNDLE_WORK_FACTOR: '10',
  });
  beforeEach(async () => {
    dirs = tempDirs();
    project = join(dirs.root, 'app');
    mkdirSync(project);
    expect(await runMain(['init'], fakeIo({ cwd: project, env: env() }))).toBe(0);
    expect(
      await runMain(['set', 'API_KEY'], fakeIo({ cwd: project, env: env(), stdin: 'terminal-value-1' })),
    ).toBe(0);
  });
  afterEach(() => dirs.cleanup());

  it('an empty answer generates the password; it is printed once and opens the bundle at the prompt', async () => {
    const asked: string[] = [];
    const io = fakeIo({ cwd: project, env: env(), terminal: scriptedTerminal([''], asked) });
    expect(await runMain(['bundle', 'create'], io), io.err()).toBe(0);
    expect(asked).toEqual(['bundle password (empty: generate a strong one): ']);
    const password = io.out().trim();
    expect(password).toMatch(/^[a-z]{4}(-[a-z]{4}){8}$/);
    expect(io.err()).toContain('password strength: about 108 bits');
    const inspect = fakeIo({ cwd: project, env: env(), terminal: scriptedTerminal([password], asked) });
    expect(await runMain(['bundle', 'inspect', 'secrets.encrypted'], inspect), inspect.err()).toBe(0);
    expect(asked.at(-1)).toBe('password for secrets.encrypted: ');
    expect(inspect.out()).toContain('secrets (1): API_KEY');
    expect(inspect.out()).not.toContain('terminal-value-1');
  });

  it('a typed password is asked twice; a weak one is refused with the reason, a mismatch too', async () => {
    const weak = fakeIo({
      cwd: project,
      env: env(),
      terminal: scriptedTerminal(['summer2024', 'summer2024']),
    });
    expect(await runMain(['bundle', 'create'], weak)).toBe(2);
    expect(weak.err()).toMatch(/too weak \(about \d+ bits, under 60: only 10 characters\)/);
    const mismatch = fakeIo({
      cwd: project,
      env: env(),
      terminal: scriptedTerminal(['v9#Lq2$wXz8!mR4p', 'other']),
    });
    expect(await runMain(['bundle', 'create'], mismatch)).toBe(2);
    expect(mismatch.err()).toContain('the passwords do not match; nothing was written');
    const strong = fakeIo({
      cwd: project,
      env: env(),
      terminal: scriptedTerminal(['v9#Lq2$wXz8!mR4p', 'v9#Lq2$wXz8!mR4p']),
    });
    expect(await runMain(['bundle', 'create'], strong), strong.err()).toBe(0);
    expect(strong.out()).toBe('');
  });

  it('without a terminal, a password file or --generate-password, create says what to do', async () => {
    const io = fakeIo({ cwd: project, env: env() });
    expect(await runMain(['bundle', 'create'], io)).toBe(2);
    expect(io.err()).toContain('pass --generate-password or set LATCH_BUNDLE_PASSWORD_FILE');
  });
});
