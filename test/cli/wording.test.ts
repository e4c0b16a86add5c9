/** Wording and small behaviours a newcomer met (issue 13): each message says what is true. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, tempDirs } from './fake-io.js';

const githubToken = 'ghp_R7x2Kq9LmZ4vT8wYb3Nc6Fd1Hs5Jp0Ue2Ag'; // latch:allow (made up)
const dashedToken = 'sk-proj-Q8r2Lx7Vm3Kc9Tz4Wb6Yn1Hd5Fs0Jp'; // latch:allow (made up)
let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
const latch = async (argv: string[], stdin?: string) => {
  const io = fakeIo({ cwd: project, env, ...(stdin === undefined ? {} : { stdin }) });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
};
beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  expect((await latch(['init'])).code).toBe(0);
});
afterEach(() => dirs.cleanup());

describe('wording', () => {
  it('counts in the singular when there is one', async () => {
    const imported = await latch(['import', '-'], 'ONLY_ONE=value-1\n');
    expect(imported.out).toMatch(/^imported 1 secret into shop\/dev\n/);
    // Stdin leaves no file to delete.
    expect(imported.out).not.toMatch(/delete -/);
    expect((await latch(['project', 'ls'])).out).toMatch(/^shop {2}1 secret in /);
    expect((await latch(['env', 'ls'])).out).toMatch(/dev +1 secret\n/);
  });

  it.each([['rm'], ['leaked']])('%s of a missing name does not suggest storing it', async (command) => {
    const result = await latch([command, 'NOPE']);
    expect(result.code).toBe(4);
    expect(result.err).toBe('latch: no secret NOPE in shop/dev; `latch ls` lists the stored ones\n');
  });

  it('never echoes a name that looks like a value', async () => {
    const invalid = await latch(['get', dashedToken]);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/the name looks like a secret value \(not shown\)/);
    const stored = await latch(['set', githubToken], 'value-1');
    expect(stored.code).toBe(2);
    expect(stored.err).toMatch(/the name looks like a secret value \(not shown\)/);
    const missing = await latch(['rm', githubToken]);
    expect(missing.code).toBe(4);
    for (const result of [invalid, stored, missing]) {
      expect(result.err).not.toContain(githubToken.slice(4));
      expect(result.err).not.toContain(dashedToken.slice(3));
    }
    const imported = await latch(['import', '-'], `${dashedToken}=x\n`);
    expect(imported.out).toMatch(/skipped {3}line 1: not a valid environment variable name/);
    expect(imported.out).not.toContain(dashedToken.slice(3));
  });

  it('every warning starts with `latch: warning:`', async () => {
    expect((await latch(['set', 'OLD', '--expires', '2001-01-01'], 'value-1')).code).toBe(0);
    const check = await latch(['check']);
    expect(check.code).toBe(0);
    expect(check.err).toBe('latch: warning: OLD in shop/dev has expired; rotate it and `latch set OLD`\n');
  });

  it('env add of an existing environment says what changed', async () => {
    expect((await latch(['env', 'add', 'dev'])).out).toBe(
      'environment dev of shop is there already; nothing changed\n',
    );
    expect((await latch(['env', 'add', 'dev', '--protected'])).out).toBe(
      'environment dev of shop was there already; it is now protected\n',
    );
    expect((await latch(['env', 'add', 'qa'])).out).toBe('added environment qa to shop\n');
  });

  it('audit -n takes 0 and says which range it takes', async () => {
    const none = await latch(['audit', '-n', '0', '--json']);
    expect(none.code, none.err).toBe(0);
    expect(JSON.parse(none.out)).toEqual([]);
    const bad = await latch(['audit', '-n', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('latch: -n takes a number of records, 0 or more (like -n 20), not "-1"\n');
  });

  it('a wrong passphrase does not say "try again" when no prompt follows', async () => {
    const io = fakeIo({ cwd: project, env: { ...env, LATCH_PASSPHRASE: 'wrong one' } });
    expect(await runMain(['ls'], io)).toBe(3);
    expect(io.err()).toBe('latch: wrong passphrase; check it and run the command again\n');
  });
});
