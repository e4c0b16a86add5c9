import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, initializedProject, scriptedTerminal, type tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dirs, project, env } = await initializedProject());
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

  it('warns when --expires is in the past', async () => {
    const io = fakeIo({ cwd: project, env, stdin: 'second-value-2' });
    expect(await runMain(['set', 'API_KEY', '--expires', '2020-01-31'], io)).toBe(0);
    expect(io.err()).toBe(
      'latch: warning: --expires 2020-01-31 is in the past; the secret counts as expired from now on\n',
    );
    expect(await metadataOf('API_KEY')).toMatchObject({ expires: '2020-01-31', expired: true });
  });

  it('names the 6-digit limit of --rotate-every', async () => {
    const io = fakeIo({ cwd: project, env, stdin: 'second-value-2' });
    expect(await runMain(['set', 'API_KEY', '--rotate-every', '1000000d'], io)).toBe(2);
    expect(io.err()).toMatch(/use 1 to 6 digits \(not starting with 0\) and a unit/);
  });

  it.each<[string, Buffer, RegExp]>([
    ['binary', Buffer.from([0xff, 0x00, 0x01, 0x02]), /the value of BLOB is binary/],
    ...(process.platform === 'linux'
      ? [
          [
            '200 KiB',
            Buffer.alloc(200 * 1024, 'a'),
            /the value of BLOB is too long for an environment variable/,
          ] as [string, Buffer, RegExp],
        ]
      : []),
  ])('a %s value: set warns and declares it optional; check and run agree', async (_, bytes, warning) => {
    const file = join(dirs.root, 'blob');
    writeFileSync(file, bytes);
    const set = fakeIo({ cwd: project, env });
    expect(await runMain(['set', 'BLOB', '--from-file', file], set), set.err()).toBe(0);
    expect(set.err()).toMatch(warning);
    expect(set.err()).toMatch(/cannot inject it; declared with `required: false`/);
    const manifest = join(project, 'latch.yaml');
    expect(readFileSync(manifest, 'utf8')).toMatch(/- name: BLOB\n\s+required: false\n/);
    const agree = async (code: number) => {
      const check = fakeIo({ cwd: project, env });
      expect(await runMain(['check'], check), check.err()).toBe(code);
      const run = fakeIo({ cwd: project, env });
      expect(await runMain(['run', '--dry-run', '--', 'true'], run), run.err()).toBe(code);
      return check.err();
    };
    await agree(0);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/\n\s+required: false/, ''));
    expect(await agree(7)).toMatch(/required secrets .*: BLOB; .*required: false/);
    // Stored again while required: the warning says what that means.
    const again = fakeIo({ cwd: project, env });
    expect(await runMain(['set', 'BLOB', '--from-file', file], again)).toBe(0);
    expect(again.err()).toMatch(/it is required in latch\.yaml, so `latch run` and `latch check` exit 7/);
  });

  it.runIf(process.platform === 'linux')(
    'import declares a value too long for run required: false, as set does',
    async () => {
      const io = fakeIo({ cwd: project, env, stdin: `BIG_CERT=${'a'.repeat(200 * 1024)}\nSMALL=value-2\n` });
      expect(await runMain(['import', '-'], io), io.err()).toBe(0);
      expect(io.err()).toMatch(/the value of BIG_CERT is too long .*declared with `required: false`/);
      expect(readFileSync(join(project, 'latch.yaml'), 'utf8')).toMatch(
        /- name: BIG_CERT\n\s+required: false\n\s+- name: SMALL\n/,
      );
      expect(await runMain(['check'], fakeIo({ cwd: project, env }))).toBe(0);
    },
  );
});
