import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(() => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
});
afterEach(() => dirs.cleanup());

const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('text from files and the vault is printed escaped', () => {
  it('a committed latch.yaml cannot forge rows or drive the terminal in ls, get and example', async () => {
    expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
    const manifest = join(project, 'latch.yaml');
    writeFileSync(
      manifest,
      `${readFileSync(manifest, 'utf8').replace(/secrets:.*$/s, '')}secrets:\n` +
        '  - name: API_KEY\n' +
        '    description: "title\\e]0;pwned\\a\\nFORGED_KEY        set               2026-01-01"\n' +
        '    owner: "ops\\e[2J\\rx"\n',
    );
    const set = fakeIo({ cwd: project, env, stdin: 'value-of-api-key' });
    expect(await runMain(['set', 'API_KEY', '--owner', 'me\u001b[31m'], set), set.err()).toBe(0);
    const ls = fakeIo({ cwd: project, env });
    expect(await runMain(['ls'], ls), ls.err()).toBe(0);
    expect(ls.out()).not.toMatch(controls);
    expect(ls.out().trim().split('\n')).toHaveLength(1);
    expect(ls.out()).toContain('title\\x1b]0;pwned\\x07\\x0aFORGED_KEY');
    const get = fakeIo({ cwd: project, env });
    expect(await runMain(['get', 'API_KEY'], get), get.err()).toBe(0);
    expect(get.out()).not.toMatch(controls);
    expect(get.out()).toContain('owner        me\\x1b[31m');
    expect(get.out().trim().split('\n')).toHaveLength(12);
    const example = fakeIo({ cwd: project, env });
    expect(await runMain(['example', '-o', '-'], example)).toBe(0);
    expect(example.out()).not.toMatch(controls);
  });
});
