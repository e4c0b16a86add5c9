/**
 * A reader for `.env` files that agrees with the `dotenv` package's `parse()` (v17) on every input,
 * without `$` expansion. `latch import` uses it, so a file imports the way the application that owns
 * it would load it, quirks included.
 *
 * The grammar, as dotenv's pattern applies it (CR LF and lone CR are first turned into LF):
 *
 * - An assignment starts at the beginning of a line, after any whitespace: an optional `export`
 *   and whitespace, a name of `[A-Za-z0-9_.-]+`, then `=` (whitespace, even line breaks, may come
 *   before it) or `:` followed directly by one whitespace character (which may be a line break).
 * - A value that starts, after any whitespace (again even line breaks), with `'`, `"` or a backtick
 *   runs to a closing quote of the same kind, across lines; only whitespace or a `#` comment may
 *   follow it on its line. Inside double quotes `\n` and `\r` become a line feed and a carriage
 *   return; nothing else is unescaped.
 * - Otherwise the value is the rest of the line up to the first `#`, trimmed; if it then starts and
 *   ends with the same quote, that pair is removed, and if it starts with `"` (even an unterminated
 *   one) `\n` and `\r` are expanded.
 * - Any other line defines nothing; for the same name the last assignment wins; `__proto__` is lost.
 */

/** The largest `.env` file latch reads (`import`, `run --env-file`): room for a few values of the largest size. */
export const maxDotenvBytes = 16 * 1024 * 1024;

/** One variable: its name, its final value, and the 1-based line where the winning assignment's name is. */
export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
}

/** A line with content that defines no variable, and why (never the line's text). */
export interface DotenvSkip {
  line: number;
  reason: string;
}

/** The variables of a `.env` file in first-appearance order, and the lines that define nothing. */
export interface DotenvParseResult {
  entries: DotenvEntry[];
  skipped: DotenvSkip[];
}

/**
 * Parses `.env` text the way `dotenv.parse` does: `Object.fromEntries` of the returned entries
 * equals `dotenv.parse(text)`. Each name appears once, at its first position, with its last value
 * and the line of that last assignment. Blank and comment lines are neither entries nor skips.
 * Names are returned as written (they may contain `.` and `-`, or start with a digit); the caller
 * decides which are acceptable. Never throws; runs in linear time (up to a log factor).
 */
export function parseDotenv(text: string): DotenvParseResult {
  const source = text.replace(/\r\n?/g, '\n');
  const closer = createQuoteCloser(source);
  let counted = 0;
  let line = 1;
  /** Positions asked for only grow, so line breaks are counted once. */
  const lineAt = (position: number): number => {
    for (; counted < position; counted++) if (source.charCodeAt(counted) === 0x0a) line++;
    return line;
  };
  const found = new Map<string, { value: string; line: number }>();
  const skipped: DotenvSkip[] = [];
  let lineStart = 0;
  while (lineStart < source.length) {
    const first = skipWhitespace(source, lineStart, false);
    const code = source.charCodeAt(first);
    if (Number.isNaN(code)) break;
    if (isLineTerminator(code)) {
      lineStart = first + 1;
      continue;
    }
    if (code === hash) {
      lineStart = nextLineStart(source, first);
      continue;
    }
    const assignment = readAssignment(source, first, closer);
    if (typeof assignment === 'string') {
      skipped.push({ line: lineAt(first), reason: assignment });
      lineStart = nextLineStart(source, first);
      continue;
    }
    if (assignment.name === '__proto__') {
      // dotenv assigns into a plain object, where this name hits the prototype setter and is lost.
      skipped.push({ line: lineAt(assignment.nameStart), reason: 'the name __proto__ is ignored' });
    } else {
      found.set(assignment.name, { value: assignment.value, line: lineAt(assignment.nameStart) });
    }
    lineStart = lineStartAtOrAfter(source, assignment.end);
  }
  const entries = [...found].map(([name, { value, line }]) => ({ name, value, line }));
  return { entries, skipped };
}

interface Assignment {
  name: string;
  nameStart: number;
  value: string;
  /** Where the value ends; the rest of its line is whitespace or a comment. */
  end: number;
}

const hash = 0x23;
const equals = 0x3d;
const colon = 0x3a;
const backslash = 0x5c;
const doubleQuote = 0x22;

/** Reads the assignment whose first non-blank character is at `start`, or returns why there is none. */
function readAssignment(source: string, start: number, closer: QuoteCloser): Assignment | string {
  if (source.startsWith('export', start) && isWhitespace(source.charCodeAt(start + 6))) {
    const exported = readNameAndValue(source, skipWhitespace(source, start + 6, true), closer);
    if (exported) return exported;
    // `export = 1` and the like: dotenv then reads `export` itself as the name.
  }
  if (!isNameChar(source.charCodeAt(start))) return 'no variable name at the start of the line';
  return readNameAndValue(source, start, closer) ?? 'no "=" after the variable name';
}

function readNameAndValue(source: string, nameStart: number, closer: QuoteCloser): Assignment | undefined {
  let nameEnd = nameStart;
  while (isNameChar(source.charCodeAt(nameEnd))) nameEnd++;
  if (nameEnd === nameStart) return undefined;
  const valueStart = findValueStart(source, nameEnd);
  if (valueStart < 0) return undefined;
  return { name: source.slice(nameStart, nameEnd), nameStart, ...readValue(source, valueStart, closer) };
}

/** After the name: `=` after any whitespace (line breaks included), or `:` and one whitespace character. */
function findValueStart(source: string, nameEnd: number): number {
  const afterSpace = skipWhitespace(source, nameEnd, true);
  if (source.charCodeAt(afterSpace) === equals) return afterSpace + 1;
  if (source.charCodeAt(nameEnd) === colon && isWhitespace(source.charCodeAt(nameEnd + 1)))
    return nameEnd + 2;
  return -1;
}

function readValue(source: string, start: number, closer: QuoteCloser): { value: string; end: number } {
  // A quote may open the value even on a later line (`A=` then `"x"` below it), because dotenv
  // skips all whitespace before looking for one.
  const open = skipWhitespace(source, start, true);
  const quote = source.charCodeAt(open);
  if (isQuote(quote)) {
    const close = closer(open);
    if (close >= 0) {
      const inner = source.slice(open + 1, close);
      return { value: quote === doubleQuote ? expandEscapes(inner) : inner, end: close + 1 };
    }
  }
  let end = start;
  while (end < source.length && source.charCodeAt(end) !== hash && source.charCodeAt(end) !== 0x0a) end++;
  return { value: cleanUnquoted(source.slice(start, end)), end };
}

/** An unquoted (or unterminated) value: trimmed, one matching quote pair removed, escapes if it began with `"`. */
function cleanUnquoted(raw: string): string {
  const trimmed = raw.trim();
  const stripped = stripQuotePairs(trimmed);
  return trimmed.charCodeAt(0) === doubleQuote ? expandEscapes(stripped) : stripped;
}

/**
 * Removes the outer quotes of `value` when it starts and ends with the same quote. dotenv does this
 * with a multiline-mode pattern, so each U+2028 or U+2029 in a value starts a "line" of its own that
 * may lose a quote pair too: from a quote at a line's start to the last same quote ending a line.
 */
function stripQuotePairs(value: string): string {
  const lastClosing = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isQuote(code) && (i + 1 === value.length || isLineTerminator(value.charCodeAt(i + 1)))) {
      lastClosing.set(code, i);
    }
  }
  let result = '';
  let copied = 0;
  for (let start = 0; start < value.length; start = nextLineStart(value, start)) {
    const close = lastClosing.get(value.charCodeAt(start)) ?? -1;
    if (close > start) {
      result += value.slice(copied, start) + value.slice(start + 1, close);
      copied = close + 1;
      start = close;
    }
  }
  return copied === 0 ? value : result + value.slice(copied);
}

/** dotenv's only escapes: `\n` and `\r`, in double-quoted values. A backslash never escapes a backslash. */
function expandEscapes(value: string): string {
  if (!value.includes('\\')) return value;
  let result = '';
  let copied = 0;
  for (let i = value.indexOf('\\'); i >= 0 && i + 1 < value.length; i = value.indexOf('\\', i + 1)) {
    const next = value[i + 1];
    if (next !== 'n' && next !== 'r') continue;
    result += `${value.slice(copied, i)}${next === 'n' ? '\n' : '\r'}`;
    copied = i + 2;
    i++;
  }
  return result + value.slice(copied);
}

/**
 * Finds where a quoted value closes. A value opened by a quote at `open` may close at the first same
 * quote not preceded by a backslash, or at any backslash-preceded one before it, provided only
 * whitespace and then a line break, a `#` or the end of the text follow; dotenv takes the last such
 * quote. Per quote kind, the positions and two lookup tables are built once, on first use, so that
 * many unterminated quotes cannot make parsing quadratic.
 */
function createQuoteCloser(source: string): QuoteCloser {
  const tables = new Map<number, QuoteTable>();
  return (open) => {
    const quote = source.charCodeAt(open);
    let table = tables.get(quote);
    if (!table) {
      table = buildQuoteTable(source, quote);
      tables.set(quote, table);
    }
    return table.closeAt[binarySearch(table.positions, open)] ?? -1;
  };
}

/** The index of the quote closing the value opened by the quote at `open`, or -1 when there is none. */
type QuoteCloser = (open: number) => number;

interface QuoteTable {
  /** Every position of this quote in the source, ascending. */
  positions: number[];
  /** Per position: where a value opened by that quote closes, or -1. */
  closeAt: Int32Array;
}

function buildQuoteTable(source: string, quote: number): QuoteTable {
  const character = String.fromCharCode(quote);
  const positions: number[] = [];
  for (let i = source.indexOf(character); i >= 0; i = source.indexOf(character, i + 1)) positions.push(i);
  const count = positions.length;
  const lastEnding = new Int32Array(count);
  for (let index = 0, last = -1; index < count; index++) {
    if (canEndValue(source, positions[index]! + 1)) last = index;
    lastEnding[index] = last;
  }
  const closeAt = new Int32Array(count);
  // Candidates for a quote opened at `index` run up to the next quote without a backslash before it.
  for (let index = count - 1, limit = count - 1; index >= 0; index--) {
    const best = lastEnding[limit]!;
    closeAt[index] = best > index ? positions[best]! : -1;
    if (source.charCodeAt(positions[index]! - 1) !== backslash) limit = index;
  }
  return { positions, closeAt };
}

/** True when only whitespace follows `from`, up to a line break, a `#` or the end of the text. */
function canEndValue(source: string, from: number): boolean {
  for (let i = from; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (isLineTerminator(code) || code === hash) return true;
    if (!isWhitespace(code)) return false;
  }
  return true;
}

function binarySearch(sorted: number[], target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function skipWhitespace(source: string, from: number, acrossLines: boolean): number {
  let i = from;
  for (let code = source.charCodeAt(i); isWhitespace(code); code = source.charCodeAt(++i)) {
    if (!acrossLines && isLineTerminator(code)) break;
  }
  return i;
}

function nextLineStart(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (isLineTerminator(source.charCodeAt(i))) return i + 1;
  }
  return source.length;
}

function lineStartAtOrAfter(source: string, position: number): number {
  if (position === 0 || isLineTerminator(source.charCodeAt(position - 1))) return position;
  return nextLineStart(source, position);
}

/** JavaScript's `\s` and `String#trim` set, which dotenv's pattern is written in. */
function isWhitespace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || (code >= 0x2000 && code <= 0x200a) || otherWhitespace.has(code);
}
const otherWhitespace = new Set([0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);

/** Line ends as a multiline-mode pattern sees them (CR is gone by now): they bound lines and comments. */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x2028 || code === 0x2029;
}

/** `[A-Za-z0-9_.-]`, the characters of a name. */
function isNameChar(code: number): boolean {
  return nameChars[code] === 1;
}
const nameChars = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-')
  nameChars[c.charCodeAt(0)] = 1;

function isQuote(code: number): boolean {
  return code === 0x27 || code === doubleQuote || code === 0x60;
}
