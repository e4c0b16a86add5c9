/**
 * An obviously fake example of what a rule's pattern matches, for docs/scan-rules.md: the
 * pattern walked once, literals kept, each character class written as one character of it
 * (an `X`, `x` or `0` where the class has one), each repeat at its least count (at least
 * once), optional parts left out, lookarounds skipped, the first branch of each alternation
 * (or `=`, among assignment operators).
 * The secret part comes out as a run of one character, which every rule drops as a
 * placeholder, so the page stays free of findings (test/scan/self.test.ts checks it).
 */

const lookbehindMarker = '\u0001';

interface Cursor {
  source: string;
  at: number;
}

function classCharacter(body: string): string {
  if (body.startsWith('^')) return 'X';
  const expanded = body.replace(/\\d/g, '0-9').replace(/\\w/g, 'A-Za-z0-9_').replace(/\\s/g, ' ');
  for (const candidate of ['X', 'x', '0']) {
    const set = new RegExp(`[${expanded}]`);
    if (set.test(candidate)) return candidate;
  }
  const unescaped = expanded.replace(/^\\/, '');
  return unescaped[0] ?? 'X';
}

/**
 * One atom at the cursor: its text (null for zero-width), and the cursor moved past it. A
 * positive lookbehind is the text that ends where it stands, so it replaces what came before
 * (`@(?<=://user:(pass)@)` reads `://user:pass@`).
 */
function atom(cursor: Cursor): string | null {
  const { source } = cursor;
  const character = source[cursor.at]!;
  if (character === '(') {
    cursor.at++;
    let lookaround = false;
    let lookbehind = false;
    if (source[cursor.at] === '?') {
      const rest = source.slice(cursor.at);
      const prefix = /^\?(?:<[=!]|[=!]|:|<[A-Za-z_]\w*>)/.exec(rest)?.[0] ?? '?:';
      lookaround = /^\?<?[=!]/.test(prefix);
      lookbehind = prefix === '?<=';
      cursor.at += prefix.length;
    }
    const inner = sequence(cursor);
    cursor.at++; // )
    if (lookbehind) return `${lookbehindMarker}${inner}`;
    return lookaround ? null : inner;
  }
  if (character === '[') {
    let end = cursor.at + 1;
    if (source[end] === '^') end++;
    if (source[end] === ']') end++;
    while (source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
    const body = source.slice(cursor.at + 1, end);
    cursor.at = end + 1;
    return classCharacter(body);
  }
  if (character === '\\') {
    const next = source[cursor.at + 1]!;
    cursor.at += 2;
    if (next === 'b' || next === 'B') return null;
    if (next === 'd') return '0';
    if (next === 'w') return 'X';
    if (next === 's') return ' ';
    if (next === 'r') return '';
    if (next === 'n') return '\n';
    if (next === 't') return '\t';
    if (/\d/.test(next)) return '';
    return next;
  }
  cursor.at++;
  if (character === '^' || character === '$') return null;
  if (character === '.') return 'X';
  return character;
}

/** How many times the atom before the cursor repeats (its least, at least once when required). */
function repeat(cursor: Cursor): number {
  const { source } = cursor;
  const quantifier = /^(?:\{(\d+)(?:,(\d*))?\}|[*+?])\??/.exec(source.slice(cursor.at));
  if (!quantifier) return 1;
  cursor.at += quantifier[0].length;
  if (quantifier[0].startsWith('*') || quantifier[0].startsWith('?')) return 0;
  if (quantifier[0].startsWith('+')) return 1;
  return Number(quantifier[1]);
}

function sequence(cursor: Cursor): string {
  const branches = [''];
  while (cursor.at < cursor.source.length && cursor.source[cursor.at] !== ')') {
    if (cursor.source[cursor.at] === '|') {
      branches.push('');
      cursor.at++;
      continue;
    }
    const text = atom(cursor);
    const count = repeat(cursor);
    if (text?.startsWith(lookbehindMarker)) branches[branches.length - 1] = text.slice(1);
    else if (text !== null) branches[branches.length - 1] += text.repeat(count);
  }
  // An assignment operator reads best as `=`; otherwise the first branch.
  return branches.includes('=') ? '=' : branches[0]!;
}

/** The example for a pattern source, on one line. */
export function exampleOf(source: string): string {
  return sequence({ source, at: 0 }).replace(/\r?\n/g, '\\n');
}
