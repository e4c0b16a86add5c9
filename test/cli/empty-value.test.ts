/** An empty value is a value: every command treats it as set, and empty (`KEY=` in a .env file). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, initializedProject, scriptedTerminal, type tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dirs, project, env } = await initializedProject());
});
afterEach(() => dirs.cleanup());

async function latch(argv: string[], options: { stdin?: string } = {}) {
  const io = fakeIo({ cwd: project, env, ...options });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('an empty value', () => {
  it('set stores it from stdin (also a lone newline) and from an empty file', async () => {
    expect(await latch(['set', 'FROM_STDIN'], { stdin: '' })).toMatchObject({ code: 0 });
    expect(await latch(['set', 'FROM_ECHO'], { stdin: '\n' })).toMatchObject({ code: 0 });
    const file = join(dirs.root, 'empty');
    writeFileSync(file, '');
    expect(await latch(['set', 'FROM_FILE', '--from-file', file])).toMatchObject({ code: 0 });
    for (const name of ['FROM_STDIN', 'FROM_ECHO', 'FROM_FILE']) {
      const get = await latch(['get', name, '--reveal', '--json']);
      expect(JSON.parse(get.out)).toMatchObject({ name, bytes: 0, value: '' });
    }
  });

  it('set refuses an empty line typed at the prompt, saying how to store an empty value', async () => {
    const io = fakeIo({ cwd: project, env, terminal: scriptedTerminal(['']) });
    expect(await runMain(['set', 'TYPED'], io)).toBe(2);
    expect(io.err()).toBe(
      "latch: empty value for TYPED; nothing was stored (to store an empty value: printf '' | latch set TYPED)\n",
    );
    expect((await latch(['get', 'TYPED'])).code).toBe(4);
  });

  it('ls shows it as set and empty; get as 0 bytes; check counts it as present', async () => {
    expect((await latch(['set', 'EMPTY'], { stdin: '' })).code).toBe(0);
    expect((await latch(['set', 'FULL'], { stdin: 'full-value-1' })).code).toBe(0);
    const ls = await latch(['ls']);
    expect(ls.out).toMatch(/^EMPTY {2}set \(empty\) /m);
    expect(ls.out).toMatch(/^FULL {3}set {13}/m);
    expect(
      JSON.parse((await latch(['ls', '--json'])).out).map((row: { name: string; empty: boolean }) => [
        row.name,
        row.empty,
      ]),
    ).toEqual([
      ['EMPTY', true],
      ['FULL', false],
    ]);
    expect((await latch(['get', 'EMPTY'])).out).toMatch(/^size {9}0 bytes \(set, empty\)$/m);
    expect((await latch(['get', 'EMPTY', '--reveal'])).out).toBe('');
    const check = await latch(['check', '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ ok: true, missing: [] });
  });

  it('run injects it as set and empty, with no "not masked" note; so do env files', async () => {
    expect((await latch(['set', 'EMPTY'], { stdin: '' })).code).toBe(0);
    const envFile = join(dirs.root, '.env');
    writeFileSync(envFile, 'FILE_EMPTY=\nFILE_QUOTED=""\n');
    const run = await latch([
      'run',
      '--env-file',
      envFile,
      '--',
      'sh',
      '-c',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a template
      'for n in EMPTY FILE_EMPTY FILE_QUOTED; do eval "test \\"\\${$n+set}\\" = set && test -z \\"\\$$n\\"" || exit 9; done',
    ]);
    expect(run).toEqual({ code: 0, out: '', err: '' });
  });

  it('inject writes it as nothing', async () => {
    expect((await latch(['set', 'EMPTY'], { stdin: '' })).code).toBe(0);
    const template = join(dirs.root, 'template');
    writeFileSync(template, 'before[{{ latch://EMPTY }}]after\n');
    expect(await latch(['inject', '-i', template])).toMatchObject({ code: 0, out: 'before[]after\n' });
  });
});
