import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, scriptedTerminal, tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
  expect(await runMain(['set', 'API_KEY'], fakeIo({ cwd: project, env, stdin: 'first-value-1' }))).toBe(0);
});
afterEach(() => dirs.cleanup());

async function metadataOf(name: string) {
  const io = fakeIo({ cwd: project, env });
  expect(await runMain(['get', name, '--json'], io), io.err()).toBe(0);
  return JSON.parse(io.out());
}

describe('latch set', () => {
  it('changes only the metadata of an existing secret when no value is given', async () => {
    // On a terminal: no value prompt (the scripted terminal has no answers to give).
    const typed = fakeIo({ cwd: project, env, terminal: scriptedTerminal([]) });
    expect(await runMain(['set', 'API_KEY', '--description', 'the shop API'], typed), typed.err()).toBe(0);
    expect(typed.out()).toBe('updated the metadata of API_KEY in shop/dev\n');
    // From a script: an empty stdin.
    const piped = fakeIo({ cwd: project, env, stdin: '' });
    expect(await runMain(['set', 'API_KEY', '--owner', 'ops'], piped), piped.err()).toBe(0);
    const info = await metadataOf('API_KEY');
    expect(info).toMatchObject({ description: 'the shop API', owner: 'ops', versions: 1 });
    const reveal = fakeIo({ cwd: project, env });
    expect(await runMain(['get', 'API_KEY', '--reveal'], reveal)).toBe(0);
    expect(reveal.out()).toBe('first-value-1');
    // A new secret still needs a value.
    const missing = fakeIo({ cwd: project, env, stdin: '' });
    expect(await runMain(['set', 'OTHER', '--owner', 'ops'], missing)).toBe(2);
    expect(missing.err()).toMatch(/empty value for OTHER/);
  });

  it('refuses an --expires in the past', async () => {
    const io = fakeIo({ cwd: project, env, stdin: 'second-value-2' });
    expect(await runMain(['set', 'API_KEY', '--expires', '2020-01-31'], io)).toBe(2);
    expect(io.err()).toBe(
      'latch: --expires 2020-01-31 is in the past; give a future date or a duration like 90d\n',
    );
    expect((await metadataOf('API_KEY')).versions).toBe(1);
  });

  it('names the 6-digit limit of --rotate-every', async () => {
    const io = fakeIo({ cwd: project, env, stdin: 'second-value-2' });
    expect(await runMain(['set', 'API_KEY', '--rotate-every', '1000000d'], io)).toBe(2);
    expect(io.err()).toMatch(/use 1 to 6 digits \(not starting with 0\) and a unit/);
  });
});
