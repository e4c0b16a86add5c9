import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DotenvParseResult, parseDotenv } from '../../src/run/dotenv.js';
import { dotenvText } from './dotenv-texts.js';

/** The shape dotenv.parse returns. */
function toObject(result: DotenvParseResult): Record<string, string> {
  return Object.fromEntries(result.entries.map((entry) => [entry.name, entry.value]));
}

const reasons = [
  'no variable name at the start of the line',
  'no "=" after the variable name',
  'the name __proto__ is ignored',
];

/** Each rule of the dialect, with the values dotenv reads written out by hand. */
const rules: { rule: string; input: string; expected: Record<string, string> }[] = [
  { rule: 'comment line', input: '# A=1\nB=2', expected: { B: '2' } },
  { rule: 'indented comment line', input: '   # A=1\nB=2', expected: { B: '2' } },
  { rule: 'blank and whitespace-only lines', input: '\n\n \t \nA=1\n\n', expected: { A: '1' } },
  { rule: 'empty input', input: '', expected: {} },
  { rule: 'export prefix', input: 'export A=1', expected: { A: '1' } },
  { rule: 'export prefix with a tab', input: 'export\tA=1', expected: { A: '1' } },
  { rule: 'export prefix on its own line', input: 'export\nA=1', expected: { A: '1' } },
  { rule: 'export without a space is part of the name', input: 'exportA=1', expected: { exportA: '1' } },
  { rule: 'export as a name', input: 'export = 1', expected: { export: '1' } },
  { rule: 'export export', input: 'export export=1', expected: { export: '1' } },
  { rule: 'colon form', input: 'A: 1', expected: { A: '1' } },
  { rule: 'colon form, quoted', input: "A:  'q r'", expected: { A: 'q r' } },
  { rule: 'colon needs whitespace after it', input: 'A:1\nB=2', expected: { B: '2' } },
  { rule: 'colon cannot follow whitespace', input: 'A : 1', expected: {} },
  { rule: 'colon and a space at the end', input: 'A: ', expected: { A: '' } },
  { rule: 'colon at the end', input: 'A:', expected: {} },
  { rule: 'colon then line break reads the next line', input: 'A:\nB=1', expected: { A: 'B=1' } },
  { rule: 'colon, space, line break', input: 'A: \nB=1', expected: { A: '', B: '1' } },
  {
    rule: 'names with dots, dashes, digits',
    input: 'a.b-c_D9=1\n1A=2\n-=3',
    expected: { 'a.b-c_D9': '1', '1A': '2', '-': '3' },
  },
  { rule: 'space inside a name', input: 'A B=1', expected: {} },
  { rule: 'non-ASCII name', input: 'ÄB=1', expected: {} },
  { rule: 'spaces around =', input: 'A  =  1', expected: { A: '1' } },
  { rule: '= on the next line', input: 'A\n\n=1', expected: { A: '1' } },
  { rule: '= inside the value', input: 'A==1\nB=b=c', expected: { A: '=1', B: 'b=c' } },
  { rule: 'single quotes', input: "A='x y'", expected: { A: 'x y' } },
  { rule: 'double quotes', input: 'A="x y"', expected: { A: 'x y' } },
  { rule: 'backticks', input: 'A=`x y`', expected: { A: 'x y' } },
  { rule: 'other quotes inside quotes', input: 'A=`say "hi", it\'s`', expected: { A: 'say "hi", it\'s' } },
  { rule: 'multi-line double quotes', input: 'A="one\ntwo"\nB=3', expected: { A: 'one\ntwo', B: '3' } },
  { rule: 'multi-line single quotes', input: "A='one\n\n#two'", expected: { A: 'one\n\n#two' } },
  { rule: 'multi-line backticks', input: 'A=`one\nB=2`', expected: { A: 'one\nB=2' } },
  { rule: 'quote opening on a later line', input: 'A=\n\n  "x"  # c', expected: { A: 'x' } },
  { rule: 'empty value before a quoted line', input: 'A=\nB="x"', expected: { A: '', B: 'x' } },
  { rule: '\\n and \\r in double quotes', input: 'A="a\\nb\\rc"', expected: { A: 'a\nb\rc' } },
  { rule: '\\n in single quotes stays', input: "A='a\\nb'", expected: { A: 'a\\nb' } },
  { rule: '\\n in backticks stays', input: 'A=`a\\nb`', expected: { A: 'a\\nb' } },
  { rule: '\\n unquoted stays', input: 'A=a\\nb', expected: { A: 'a\\nb' } },
  { rule: 'other escapes stay', input: 'A="a\\tb\\\\c"', expected: { A: 'a\\tb\\\\c' } },
  { rule: 'escaped backslash before n', input: 'A="a\\\\nb"', expected: { A: 'a\\\nb' } },
  { rule: 'backslash-quote inside quotes', input: 'A="a\\" b"', expected: { A: 'a\\" b' } },
  { rule: 'backslash-quote may close', input: 'A="a\\\\"\nB="b"', expected: { A: 'a\\\\', B: 'b' } },
  { rule: 'inline comment', input: 'A=abc # note', expected: { A: 'abc' } },
  {
    rule: '# without a space ends the value',
    input: 'A=abc#def\nB=url/#frag',
    expected: { A: 'abc', B: 'url/' },
  },
  { rule: 'value that is only a comment', input: 'A=#c\nB= # c', expected: { A: '', B: '' } },
  { rule: '# inside quotes', input: 'A="a#b"\nB=\'#\'', expected: { A: 'a#b', B: '#' } },
  { rule: 'comment after quotes', input: 'A="a" # c\nB="b"#c', expected: { A: 'a', B: 'b' } },
  { rule: 'text after closing quote', input: 'A="a" b', expected: { A: '"a" b' } },
  { rule: 'text after closing single quote', input: "A='a'b", expected: { A: "'a'b" } },
  { rule: 'outer pair of an unquoted value', input: 'A="a"b"', expected: { A: 'a"b' } },
  { rule: 'text after quotes, then #', input: 'A="a#b" c', expected: { A: '"a' } },
  { rule: 'surrounding whitespace trimmed', input: '  A=\t padded \t ', expected: { A: 'padded' } },
  { rule: 'whitespace inside quotes kept', input: 'A=" padded "', expected: { A: ' padded ' } },
  { rule: 'byte order mark', input: '\ufeffA=1', expected: { A: '1' } },
  { rule: 'CRLF line endings', input: 'A=1\r\nB=2\r\n', expected: { A: '1', B: '2' } },
  { rule: 'lone CR line endings', input: 'A=1\rB=2\r', expected: { A: '1', B: '2' } },
  {
    rule: 'CRLF inside quotes becomes LF',
    input: 'A="x\r\ny"\r\nB=\'p\rq\'',
    expected: { A: 'x\ny', B: 'p\nq' },
  },
  { rule: 'empty values', input: 'A=\nB=""\nC=\'\'\nD=``', expected: { A: '', B: '', C: '', D: '' } },
  { rule: 'later duplicates win', input: 'A=1\nB=2\nA=3', expected: { A: '3', B: '2' } },
  { rule: 'unterminated double quote', input: 'A="abc\nB=2', expected: { A: '"abc', B: '2' } },
  { rule: 'unterminated single quote', input: "A='abc", expected: { A: "'abc" } },
  { rule: 'unterminated double quote still expands', input: 'A="abc\\n', expected: { A: '"abc\n' } },
  { rule: 'unterminated quote closed by a later line', input: 'A="abc\nB="', expected: { A: 'abc\nB=' } },
  { rule: 'a lone quote', input: 'A="', expected: { A: '"' } },
  { rule: 'lines without =', input: 'garbage line\nA=1\nB', expected: { A: '1' } },
  { rule: 'lines not starting with a name', input: '=1\n"A"=1\n$A=1', expected: {} },
  { rule: '__proto__ is dropped', input: '__proto__=x\nB=1', expected: { B: '1' } },
  { rule: 'U+2028 does not end an unquoted value', input: 'A=1\u2028B=2', expected: { A: '1\u2028B=2' } },
  { rule: 'U+2028 ends a comment', input: 'A=1 #c\u2028B=2', expected: { A: '1', B: '2' } },
  { rule: 'U+2028 starts a line for quote removal', input: 'A=x\u2028"b"', expected: { A: 'x\u2028b' } },
];

describe('parseDotenv', () => {
  it.each(rules)('$rule', ({ input, expected }) => {
    expect(toObject(parseDotenv(input))).toEqual(expected);
  });

  it.each(rules)('agrees with dotenv.parse: $rule', ({ input }) => {
    expect(toObject(parseDotenv(input))).toEqual(dotenv.parse(input));
  });

  it.each([
    {
      input: 'A=1\n\n# c\nB=2',
      entries: [
        { name: 'A', value: '1', line: 1 },
        { name: 'B', value: '2', line: 4 },
      ],
      skipped: [],
    },
    {
      input: 'garbage line without equals\nA=1\n"B"=2',
      entries: [{ name: 'A', value: '1', line: 2 }],
      skipped: [
        { line: 1, reason: 'no "=" after the variable name' },
        { line: 3, reason: 'no variable name at the start of the line' },
      ],
    },
    {
      input: 'A="x\ny"\nB=2',
      entries: [
        { name: 'A', value: 'x\ny', line: 1 },
        { name: 'B', value: '2', line: 3 },
      ],
      skipped: [],
    },
    {
      input: 'A=1\r\nB=2\rC=3',
      entries: [
        { name: 'A', value: '1', line: 1 },
        { name: 'B', value: '2', line: 2 },
        { name: 'C', value: '3', line: 3 },
      ],
      skipped: [],
    },
    {
      input: 'A=1\nB=2\nA=3',
      entries: [
        { name: 'A', value: '3', line: 3 },
        { name: 'B', value: '2', line: 2 },
      ],
      skipped: [],
    },
    { input: 'export\n\nA\n=1', entries: [{ name: 'A', value: '1', line: 3 }], skipped: [] },
    { input: '__proto__=x', entries: [], skipped: [{ line: 1, reason: 'the name __proto__ is ignored' }] },
  ])('reports lines for $input', ({ input, entries, skipped }) => {
    expect(parseDotenv(input)).toEqual({ entries, skipped });
  });

  it('never puts a value in a skip reason', () => {
    const { skipped } = parseDotenv('SECRET hunter2\n"KEY"=hunter2\nKEY:hunter2\n__proto__=hunter2');
    expect(skipped).toHaveLength(4);
    for (const skip of skipped) expect(skip.reason).not.toContain('hunter2');
  });

  it('agrees with dotenv.parse on generated files', () => {
    const piece = fc.constantFrom(
      ...['A', 'B', 'a.b-c', '__proto__', 'export', 'export ', 'x', 'n', 'r', '1'],
      ...['=', ' = ', ':', ': ', '#', ' #c', ' ', '\t', '\n', '\r\n', '\r', '\u2028', '\u00a0'],
      ...['"', "'", '`', '\\', '\\n', '\\r', '\\"', "\\'"],
    );
    const file = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(file, (input) => {
        const result = parseDotenv(input);
        expect(toObject(result)).toEqual(dotenv.parse(input));
        const lineCount = input.split(/\r\n?|\n/).length;
        for (const { line } of [...result.entries, ...result.skipped]) {
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lineCount);
        }
        for (const { reason } of result.skipped) expect(reasons).toContain(reason);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with dotenv.parse on generated lines of assignments', () => {
    const line = fc
      .tuple(
        fc.constantFrom('', ' ', 'export '),
        fc.constantFrom('A', 'B', 'C_1', 'd.e', 'f-g'),
        fc.constantFrom('=', ' = ', ': ', ':'),
        fc.string({
          unit: fc.constantFrom('v', ' ', '#', '"', "'", '`', '\\', 'n', '\n', '\r'),
          maxLength: 12,
        }),
      )
      .map((parts) => parts.join(''));
    const file = fc
      .array(line, { maxLength: 8 })
      .chain((lines) => fc.constantFrom('\n', '\r\n', '\r').map((ending) => lines.join(ending)));
    fc.assert(
      fc.property(file, (input) => {
        expect(toObject(parseDotenv(input))).toEqual(dotenv.parse(input));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with dotenv.parse on generated assignments (quotes, escapes, comments, export, line ends)', () => {
    fc.assert(
      fc.property(dotenvText, (input) => {
        expect(toObject(parseDotenv(input))).toEqual(dotenv.parse(input));
      }),
      { numRuns: 2000 },
    );
  });

  it("treats whitespace as JavaScript's \\s does, for every UTF-16 code unit", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      const input = `${c}A=${c}v${c}\nB:${c}"w"`;
      expect(toObject(parseDotenv(input))).toEqual(dotenv.parse(input));
    }
  });

  it('parses a 1 MiB single-line value', () => {
    const value = 'x'.repeat(1024 * 1024);
    expect(parseDotenv(`A=${value}\nB="${value}"\nC="${value}`).entries).toEqual([
      { name: 'A', value, line: 1 },
      { name: 'B', value, line: 2 },
      { name: 'C', value: `"${value}`, line: 3 },
    ]);
  });
});
