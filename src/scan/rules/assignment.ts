/**
 * Reads the assignment around a keyword: the name that contains the offset, the operator after
 * it and the value after that, in the forms of the languages and config files people commit:
 * `name = value`, `name: value`, `name := value`, `name => value`, `"name": "value"`,
 * `export NAME=value`, `--name=value`. Hand-written rather than a regular expression run over
 * whole lines: it starts from where the prefilter saw a keyword and reads a few characters.
 */

/** One assignment: its name, and the offsets of its value (without quotes). */
export interface Assignment {
  name: string;
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
}

const maxNameLength = 80;
const maxValueLength = 1000;

function isNameCharacter(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 46 || // .
    code === 45 // -
  );
}

function startsName(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

function isQuote(code: number): boolean {
  return code === 34 || code === 39 || code === 96; // " ' `
}

// A bare value ends at whitespace, a quote or punctuation that closes an expression.
function endsBareValue(code: number): boolean {
  return (
    code <= 32 ||
    isQuote(code) ||
    code === 44 ||
    code === 59 ||
    code === 41 ||
    code === 125 ||
    code === 93 ||
    code === 60 ||
    code === 62
  );
}

/** Offsets of the name around `offset`: [start, end), or null when `offset` is not in a name. */
export function nameAround(text: string, offset: number): [number, number] | null {
  let start = offset;
  while (start > 0 && offset - start < maxNameLength && isNameCharacter(text.charCodeAt(start - 1))) start--;
  // A name starts with a letter or `_` (`--password` names `password`, `.5` is no name).
  while (start <= offset && !startsName(text.charCodeAt(start))) start++;
  if (start > offset) return null;
  let end = offset + 1;
  while (end < text.length && end - start < maxNameLength && isNameCharacter(text.charCodeAt(end))) end++;
  const before = text.charCodeAt(start - 1);
  if (before === 36 || before === 64) return null; // `$name`, `@name`: a reference, not a key
  if (before === 47 && text.charCodeAt(start - 2) === 47) return null; // `//user:password@`: a URL's user part
  return [start, end];
}

function skipBlanks(text: string, from: number): number {
  let index = from;
  while (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9) index++;
  return index;
}

/** Offset after an assignment operator at `index`, or -1 (`==`, `!=`, `<=`, `>=`, `::`, `://` are not). */
function afterOperator(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  if (code === 58) {
    if (next === 61) return index + 2; // :=
    if (next === 58 || next === 47) return -1; // ::, :/
    return index + 1; // :
  }
  if (code === 61) {
    if (next === 62) return index + 2; // =>
    if (next === 61 || next === 126) return -1; // ==, =~
    const previous = text.charCodeAt(index - 1);
    if (previous === 33 || previous === 60 || previous === 62 || previous === 61) return -1; // !=, <=, >=
    return index + 1;
  }
  return -1;
}

/** The assignment whose name spans [nameStart, nameEnd), or null when no value is assigned there. */
export function readAssignment(text: string, nameStart: number, nameEnd: number): Assignment | null {
  let index = nameEnd;
  // `"name": ...`: the closing quote of a quoted key.
  const opening = text.charCodeAt(nameStart - 1);
  if (isQuote(opening) && text.charCodeAt(index) === opening) index++;
  index = afterOperator(text, skipBlanks(text, index));
  if (index === -1) return null;
  index = skipBlanks(text, index);
  const quote = text.charCodeAt(index);
  if (isQuote(quote)) {
    const valueStart = index + 1;
    let end = valueStart;
    while (end < text.length && end - valueStart <= maxValueLength) {
      const code = text.charCodeAt(end);
      if (code === quote) break;
      if (code === 10) return null;
      end += code === 92 ? 2 : 1; // backslash escapes the next character
    }
    if (text.charCodeAt(end) !== quote) return null;
    return {
      name: text.slice(nameStart, nameEnd),
      valueStart: afterScheme(text, valueStart, end),
      valueEnd: end,
      quoted: true,
    };
  }
  let start = index;
  let end = bareEnd(text, start);
  // `Authorization: Bearer TOKEN` in a header line: the value is the token.
  if (authorizationScheme.test(text.slice(start, end)) && text.charCodeAt(end) === 32) {
    start = end + 1;
    end = bareEnd(text, start);
  }
  if (end === start) return null;
  return { name: text.slice(nameStart, nameEnd), valueStart: start, valueEnd: end, quoted: false };
}

const authorizationScheme = /^(?:Bearer|Basic|Token|Bot)$/i;

function bareEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && end - start <= maxValueLength && !endsBareValue(text.charCodeAt(end))) end++;
  return end;
}

/** Where a quoted value's credential starts: after an HTTP scheme word (`"Bearer TOKEN"`). */
function afterScheme(text: string, start: number, end: number): number {
  const space = text.indexOf(' ', start);
  if (space === -1 || space >= end || !authorizationScheme.test(text.slice(start, space))) return start;
  return space + 1;
}
