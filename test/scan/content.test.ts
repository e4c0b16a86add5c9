import { describe, expect, it } from 'vitest';
import { pushRevisions } from '../../src/cli/commands/scan/hooks.js';
import { parseSize } from '../../src/cli/commands/scan/scan.js';
import { hookScript, hookTarget, isLatchHook } from '../../src/git/hook-script.js';
import { parseBaseline, renderBaseline } from '../../src/scan/baseline.js';
import { findingFingerprint, scanContent } from '../../src/scan/content.js';
import { type FilePatch, PatchParser, unquoteGitPath } from '../../src/scan/diff.js';
import { parseLatchignore } from '../../src/scan/latchignore.js';
import { ManagedValueMatcher } from '../../src/scan/managed.js';
import { buildSection, deriveIndexKeys } from '../../src/scan/value-index.js';

const keys = deriveIndexKeys(new Uint8Array(32).fill(5));
const secret = ['hunter2', 'but', 'longer', '9f8e7d'].join('-');
const matcher = new ManagedValueMatcher(keys, {
  vaultDigest: new Uint8Array(32),
  sections: [
    buildSection(keys, 'app', new Uint8Array(32), [
      { name: 'dev/DB_PASSWORD', current: new TextEncoder().encode(secret), earlier: [] },
    ]),
  ],
});

describe('scanContent', () => {
  it('reports line, column and a redacted excerpt, never the value', () => {
    const text = `first line\n  const url = "postgres://u:${secret}@db/x"; // é\n`;
    const { findings } = scanContent({ path: 'src/db.ts', text }, matcher);
    const managed = findings.find((finding) => finding.ruleId === 'managed-value')!;
    expect(managed).toMatchObject({
      path: 'src/db.ts',
      line: 2,
      column: 29,
      secretNames: ['app/dev/DB_PASSWORD'],
    });
    expect(managed.endColumn - managed.column).toBe(secret.length);
    expect(managed.excerpt).toBe('const url = "postgres://u:[managed:app/dev/DB_PASSWORD]@db/x"; // é');
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it.each([
    ['UTF-16LE, even offset', 0, 'le'],
    ['UTF-16LE, odd offset', 1, 'le'],
    ['UTF-16BE, even offset', 0, 'be'],
    ['UTF-16BE, odd offset', 1, 'be'],
  ] as const)('finds a value in %s binary content once, and runs no rule there', (_kind, pad, order) => {
    const utf16 = Buffer.from(`x = ${secret}\n`, 'utf16le');
    if (order === 'be') utf16.swap16();
    const aws = Buffer.from(['AKIA', 'IOSFODNN7', 'EXAMPLE'].join(''));
    const bytes = Buffer.concat([Buffer.alloc(2 + pad), utf16, aws]);
    const { findings } = scanContent(
      { path: 'a.db', text: bytes.toString('latin1'), bytes, binary: true },
      matcher,
    );
    // ASCII as UTF-16LE one byte off is UTF-16BE: either name is right.
    expect(findings.map((finding) => [finding.ruleId, finding.line, finding.excerpt])).toEqual([
      [
        'managed-value',
        1,
        expect.stringMatching(/^\[managed:app\/dev\/DB_PASSWORD\] \(in UTF-16(LE|BE) text\)$/),
      ],
    ]);
  });

  it('searches UTF-16 only where a NUL byte or a byte-order mark says it may be there', () => {
    const spaced = Buffer.from(secret, 'utf16le').toString('latin1');
    expect(scanContent({ path: 'a.ps1', text: `x ${spaced}` }, matcher).findings).toHaveLength(1);
    const nonAscii = 'p\u00e4\u00df\u00f6\u00fc\u00e9\u00e8\u00e0';
    const accented = new ManagedValueMatcher(keys, {
      vaultDigest: new Uint8Array(32),
      sections: [
        buildSection(keys, 'app', new Uint8Array(32), [
          { name: 'dev/K', current: new TextEncoder().encode(nonAscii), earlier: [] },
        ]),
      ],
    });
    const withMark = Buffer.from(`\ufeff${nonAscii}`, 'utf16le');
    const unit = { path: 'a.ps1', text: withMark.toString('utf8'), bytes: withMark };
    expect(scanContent(unit, accented).findings.map((finding) => finding.line)).toEqual([1]);
  });

  it('maps byte offsets to characters after non-ASCII text', () => {
    const { findings } = scanContent({ path: 'a.txt', text: `ééé ${secret}` }, matcher);
    expect(findings[0]).toMatchObject({ line: 1, column: 5 });
  });

  it('drops findings on a line with latch:allow, and uses given line numbers', () => {
    const text = `x = "${secret}" # latch:allow\ny = "${secret}"`;
    const { findings, allowed } = scanContent({ path: 'a.py', text, lineNumbers: [10, 42] }, matcher);
    expect(allowed).toBe(1);
    expect(findings.map((finding) => finding.line)).toEqual([42]);
  });

  it('gives line-independent fingerprints', () => {
    const one = scanContent({ path: 'a', text: secret }, matcher).findings[0]!;
    const two = scanContent({ path: 'a', text: `\n\n  ${secret}` }, matcher).findings[0]!;
    expect(one.fingerprint).toBe(two.fingerprint);
    expect(one.fingerprint).toBe(findingFingerprint('app/dev/DB_PASSWORD', 'a', secret));
    expect(scanContent({ path: 'b', text: secret }, matcher).findings[0]!.fingerprint).not.toBe(
      one.fingerprint,
    );
  });

  it('flags a committed .env file but not an example', () => {
    expect(scanContent({ path: 'config/.env', text: 'PORT=8080\n' }, null).findings[0]!.ruleId).toBe(
      'env-file-committed',
    );
    expect(scanContent({ path: '.env.example', text: 'PORT=\n' }, null).findings).toEqual([]);
  });
});

describe('PatchParser', () => {
  it('collects added lines with their line numbers, per commit and file', () => {
    const patches: FilePatch[] = [];
    const parser = new PatchParser((patch) => patches.push(patch));
    const output = [
      '\x01abc123\x01Ann <ann@example.com>\x012026-01-02T03:04:05+00:00',
      '',
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3,2 @@',
      '-old',
      '+++ not a header',
      '+diff --git a/x b/x',
      '@@ -10,0 +12 @@ context',
      '+twelve',
      'diff --git a/img.png b/img.png',
      'new file mode 100644',
      'Binary files /dev/null and b/img.png differ',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git "a/sp\\303\\251cial\\ttab" "b/sp\\303\\251cial\\ttab"',
      '--- /dev/null',
      '+++ "b/sp\\303\\251cial\\ttab"',
      '@@ -0,0 +1 @@',
      '+hello',
    ];
    for (const line of output) parser.line(line);
    parser.end();
    expect(
      patches.map(({ path, text, lineNumbers, binary }) => ({ path, text, lineNumbers, binary })),
    ).toEqual([
      {
        path: 'src/a.ts',
        text: '++ not a header\ndiff --git a/x b/x\ntwelve',
        lineNumbers: [3, 4, 12],
        binary: false,
      },
      { path: 'img.png', text: '', lineNumbers: [], binary: true },
      { path: 'spécial\ttab', text: 'hello', lineNumbers: [1], binary: false },
    ]);
    expect(patches[0]!.commit).toEqual({
      sha: 'abc123',
      author: 'Ann <ann@example.com>',
      date: '2026-01-02T03:04:05+00:00',
    });
    expect(unquoteGitPath('plain')).toBe('plain');
  });
});

describe('.latchignore', () => {
  const ignored = parseLatchignore('# comment\n\nfixtures/\n*.snap\n/docs/*.md\nsrc/**/generated.ts\n');
  it.each([
    ['fixtures/a.json', true],
    ['test/fixtures/deep/a.json', true],
    ['a/b/c.snap', true],
    ['docs/guide.md', true],
    ['other/docs/guide.md', false],
    ['src/x/y/generated.ts', true],
    ['src/generated.ts', true],
    ['src/main.ts', false],
  ])('%s → %s', (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });
});

describe('baseline, sizes, push ranges, hook scripts', () => {
  it('round-trips a baseline and refuses other JSON', () => {
    const finding = scanContent({ path: 'a', text: secret }, matcher).findings[0]!;
    expect(parseBaseline(renderBaseline([finding, finding]))).toEqual(new Set([finding.fingerprint]));
    expect(parseBaseline(renderBaseline([finding], ['0000']))).toEqual(
      new Set(['0000', finding.fingerprint]),
    );
    expect(() => parseBaseline('{"version":2,"fingerprints":[]}')).toThrow(/not a latch baseline/);
    expect(() => parseBaseline('nope')).toThrow(/not JSON/);
  });

  it.each([
    ['5M', 5 * 1024 * 1024],
    ['512k', 512 * 1024],
    ['100', 100],
    ['1GiB', 1024 ** 3],
  ])('parseSize(%s)', (text, expected) => expect(parseSize(text)).toBe(expected));

  it('turns pre-push input into revision ranges', () => {
    const zero = '0'.repeat(40);
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const input = [
      `refs/heads/main ${a} refs/heads/main ${b}`,
      `refs/heads/new ${a} refs/heads/new ${zero}`,
      `(delete) ${zero} refs/heads/old ${b}`,
      `refs/heads/forced ${a} refs/heads/forced ${'c'.repeat(40)}`,
      '',
    ].join('\n');
    expect(pushRevisions(input, (sha) => sha !== 'c'.repeat(40))).toEqual([
      [`${b}..${a}`],
      [a, '--not', '--remotes'],
      [a, '--not', '--remotes'],
    ]);
  });

  it('writes hook scripts that name the latch that installed them', () => {
    const script = hookScript('pre-push', "/opt/it's/node", '/x/bin.js');
    expect(isLatchHook(script)).toBe(true);
    expect(hookTarget(script)).toEqual({ node: "/opt/it's/node", bin: '/x/bin.js' });
    expect(isLatchHook('#!/bin/sh\necho hi\n')).toBe(false);
  });
});
