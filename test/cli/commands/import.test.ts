import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openVault } from '../../../src/app/context.js';
import { runMain } from '../../../src/cli/main.js';
import { isSecretName } from '../../../src/manifest/names.js';
import { dotenvText } from '../../run/dotenv-texts.js';
import { fakeIo, initializedProject, type tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dirs, project, env } = await initializedProject());
});
afterEach(() => dirs.cleanup());

/** What an application using dotenv sees, for the names latch can store. */
function dotenvView(text: string): Record<string, string> {
  return Object.fromEntries(Object.entries(dotenv.parse(text)).filter(([name]) => isSecretName(name)));
}

/**
 * Imports `text` into a project of its own (no manifest) and returns what it stored, read
 * straight from the vault (the project trusts no directory, so loadSecrets() would ask).
 */
async function importText(text: string, projectName: string): Promise<Record<string, string>> {
  const file = join(dirs.root, `${projectName}.env`);
  writeFileSync(file, text);
  const io = fakeIo({ cwd: dirs.root, env });
  expect(await runMain(['import', file, '--project', projectName], io), io.err()).toBe(0);
  const vault = await openVault(fakeIo({ cwd: dirs.root, env }));
  const stored = vault.contents.getProject(projectName)?.environments.dev?.secrets ?? {};
  return Object.fromEntries(
    Object.entries(stored).map(([name, secret]) => [name, Buffer.from(secret.value).toString('utf8')]),
  );
}

describe('latch import', () => {
  it('stores what dotenv gives for every valid name, one line per rule of the dialect', async () => {
    const text = [
      '# a comment line',
      'PLAIN=plain-value',
      'export EXPORTED=exported-value',
      'SPACED  =  spaced value  ',
      'COLON: colon-value',
      'INLINE=inline-value # a note',
      'HASH_NO_SPACE=abc#def',
      'DOUBLE="double # not a comment"',
      "SINGLE='single \\n kept'",
      'BACKTICK=`back "tick" it\'s`',
      'ESCAPES="line\\nbreak\\rreturn\\t"',
      'MULTI="first',
      'second"',
      'EMPTY=',
      'EMPTY_DOUBLE=""',
      "EMPTY_SINGLE=''",
      'EMPTY_BACKTICK=``',
      'EMPTY_COMMENT= # nothing',
      'DUP=first',
      'DUP=second',
      'TEXT_AFTER_QUOTE="a" b',
      'UNCLOSED="abc',
      'dotted.name=skipped',
      '1DIGIT=skipped',
      '$DOLLAR=$HOME',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dotenv text, kept as written (no expansion)
      'NO_EXPANSION=$HOME/${USER}',
    ].join('\r\n');
    const stored = await importText(text, 'rules');
    expect(stored).toEqual(dotenvView(text));
    expect(stored).toMatchObject({ EMPTY: '', EMPTY_DOUBLE: '', EMPTY_SINGLE: '', EMPTY_BACKTICK: '' });
    expect(stored.MULTI).toBe('first\nsecond');
    expect(stored.HASH_NO_SPACE).toBe('abc');
  });

  it('agrees with dotenv.parse on generated files, for every valid name', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(dotenvText, async (text) => {
        expect(await importText(text, `generated${run++}`)).toEqual(dotenvView(text));
      }),
      { numRuns: 30 },
    );
  });

  it('reports an empty value as imported, not skipped', async () => {
    const file = join(dirs.root, '.env');
    writeFileSync(file, 'EMPTY=\nQUOTED=""\n');
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(['import', file, '--json'], io), io.err()).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.imported).toEqual([
      { name: 'EMPTY', status: 'created' },
      { name: 'QUOTED', status: 'created' },
    ]);
    expect(report.skipped).toEqual([]);
    expect(readFileSync(join(project, 'latch.yaml'), 'utf8')).toMatch(/- name: EMPTY\n/);
  });

  it('refuses a value holding a NUL byte, naming the line, and stores nothing', async () => {
    const file = join(dirs.root, 'nul.env');
    writeFileSync(file, 'FIRST=first-value\nWITH_NUL="nul\u0000leaky-value"\n');
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(['import', file], io)).toBe(2);
    expect(io.err()).toBe(
      `latch: ${file}:2: the value of WITH_NUL holds a NUL byte, which an environment variable cannot; remove it\n`,
    );
    const ls = fakeIo({ cwd: project, env });
    expect(await runMain(['ls', '--json'], ls)).toBe(0);
    expect(JSON.parse(ls.out())).toEqual([]);
  });
});
