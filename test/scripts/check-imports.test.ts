import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTree, findCycles, importsOf } from '../../scripts/check-imports.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository holding `files` (path under it -> text). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'latch-imports-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the import rules of npm test', () => {
  it('reads static, type-only, re-exported and dynamic imports, and not ones in comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "const d = () => import('./d.js');",
      "// import { e } from './e.js';",
      "/* import { f } from './f.js'; */",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importsOf('src/x/x.ts', text)).toEqual(['src/x/a.ts', 'src/b/b.ts', 'src/x/c.ts', 'src/x/d.ts']);
  });

  it('finds a cycle of any length and a module importing itself', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('passes this repository', () => {
    expect(checkTree(join(import.meta.dirname, '..', '..')).problems).toEqual([]);
  });

  it('fails on a cycle through a dynamic import', () => {
    const root = tree({
      'src/cli/a.ts': "export const load = () => import('./b.js');",
      'src/cli/b.ts': "import { load } from './a.js';\nexport const b = load;",
    });
    expect(checkTree(root).problems).toEqual(['import cycle: src/cli/a.ts -> src/cli/b.ts']);
  });

  it('fails when the library or a capability imports the CLI', () => {
    const root = tree({
      'src/cli/args.ts': 'export const x = 1;',
      'src/index.ts': "import { x } from './cli/args.js';\nexport { x };",
    });
    const { problems } = checkTree(root);
    expect(problems).toContain('src/index.ts imports src/cli/args.ts: only src/cli/ may use the CLI');
  });

  it('fails on a folder importing one its line of the table does not allow, and on a folder not in it', () => {
    const root = tree({
      'src/shared/errors.ts': "import { v } from '../vault/vault.js';\nexport const e = v;",
      'src/vault/vault.ts': 'export const v = 1;',
      'src/newthing/thing.ts': 'export const t = 1;',
    });
    expect(checkTree(root).problems).toEqual([
      'src/newthing is not in the folder table of scripts/check-imports.mjs: add what it may use there and in docs/architecture.md',
      'src/shared/errors.ts imports src/vault/vault.ts: src/shared may not use src/vault (see docs/architecture.md)',
    ]);
  });

  it('fails on a folder of more than 20 source files', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 21; index++) files[`src/run/m${index}.ts`] = 'export {};';
    expect(checkTree(tree(files)).problems).toEqual(['src/run holds 21 source files (at most 20): split it']);
  });
});
