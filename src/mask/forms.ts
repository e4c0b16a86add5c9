/**
 * The encoded forms of a secret value that `latch run` masks in a child's output: the raw
 * bytes, base64 (whole and embedded in a longer base64 string), hex, percent-encoding, JSON
 * string escaping and Python's repr(), for the value and for each long line of a multi-line
 * value; and, for the redactor only, base64 and hex wrapped into lines as `base64` and `xxd -p`
 * print them.
 */

/** Lines of a multi-line value shorter than this are not masked on their own (too common). */
export const minimumLineLength = 8;
/**
 * Lines of one value masked on their own, at most: a PEM key has a few dozen. Each line adds
 * about 17 forms to the masker and to the scan index, so a 4 MiB value of 76-character lines
 * gave 900,000 index entries, a 36 MB index, and seconds of work in every later `set`.
 */
export const maximumMaskedLines = 1024;

const lowerHexCodes = Buffer.from('0123456789abcdef', 'latin1');
const upperHexCodes = Buffer.from('0123456789ABCDEF', 'latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

function toUrlSafe(text: string): string {
  return text.replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * The base64 characters of `value` that do not depend on its neighbours when it sits at byte
 * offset `alignment` (0, 1 or 2) of a base64 group: character k covers bits [6k, 6k+6) of the
 * encoded stream, so it is fixed by the value alone when those bits lie inside the value's bits
 * [8a, 8(a+n)). That keeps `user:value` in a Basic auth header maskable whatever `user` is.
 */
export function base64Core(value: Uint8Array, alignment: 0 | 1 | 2): string {
  const padded = new Uint8Array(alignment + value.length + 2);
  padded.set(value, alignment);
  const first = Math.ceil((8 * alignment) / 6);
  const end = Math.floor((8 * (alignment + value.length)) / 6);
  return end > first ? base64(padded).slice(first, end) : '';
}

/** One flag per ASCII byte: 1 for each of `characters` (ASCII), else 0. */
function asciiTable(characters: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let index = 0; index < characters.length; index++) table[characters.charCodeAt(index)] = 1;
  return table;
}

// encodeURIComponent keeps A-Z a-z 0-9 and - _ . ! ~ * ' ( ); encodeURI also keeps the reserved
// characters; application/x-www-form-urlencoded (URLSearchParams) keeps only * - . _.
// Tables, not a regular expression per byte: `run` makes these forms for every value at start.
// (Made from strings, not by testing a regular expression on each of 128 characters: every
// `latch run` loads this module, and that cost half a millisecond.)
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const componentSafe = asciiTable(`${alphanumeric}-_.!~*'()`);
const uriSafe = asciiTable(`${alphanumeric}-_.!~*'();,/?:@&=+$#`);
const formSafe = asciiTable(`${alphanumeric}*-._`);

/** `bytes` as a latin1 string (one character per byte), made natively. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function percentEncode(value: Uint8Array, safe: Uint8Array, spaceAsPlus: boolean, upper: boolean): string {
  // Most values need no escape at all: then the encoding is the value itself.
  let plain = 0;
  while (plain < value.length && value[plain]! < 0x80 && safe[value[plain]!] === 1) plain++;
  if (plain === value.length) return latin1(value);
  // Written into one buffer, not by adding to a string a byte at a time: a 4 MiB value made
  // millions of string pieces, and seconds of garbage collection, for each of six forms.
  const kept = (byte: number) => (byte < 0x80 && safe[byte] === 1) || (spaceAsPlus && byte === 0x20);
  let length = plain;
  for (let index = plain; index < value.length; index++) length += kept(value[index]!) ? 1 : 3;
  const out = Buffer.allocUnsafe(length);
  out.set(value.subarray(0, plain));
  const digits = upper ? upperHexCodes : lowerHexCodes;
  let at = plain;
  for (let index = plain; index < value.length; index++) {
    const byte = value[index]!;
    if (!kept(byte)) {
      out[at++] = 0x25;
      out[at++] = digits[byte >> 4]!;
      out[at++] = digits[byte & 15]!;
    } else out[at++] = byte === 0x20 ? 0x2b : byte;
  }
  return latin1(out);
}

function hex(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
}

const unicodeEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON escapings of `text`: JSON.stringify's, and the dialects of other encoders: ASCII-only
 * (Python's json.dumps), `\/`, and HTML-safe (Go's encoding/json by default: `<`, `>`, `&`,
 * U+2028 and U+2029 as `\u003c`...).
 */
function jsonForms(text: string): string[] {
  const standard = JSON.stringify(text).slice(1, -1);
  const asciiOnly = standard.replace(/[\u0080-\uffff]/g, unicodeEscape);
  const htmlSafe = standard.replace(/[<>&\u2028\u2029]/g, unicodeEscape);
  const htmlSafeAscii = asciiOnly.replace(/[<>&]/g, unicodeEscape);
  return [
    standard,
    asciiOnly,
    standard.replaceAll('/', '\\/'),
    asciiOnly.replaceAll('/', '\\/'),
    htmlSafe,
    htmlSafeAscii,
  ];
}

const pythonNamed: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const pythonEscape = (character: string) =>
  pythonNamed[character] ?? `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * The inside of Python's repr() of `text` as a str (C0 and C1 controls, DEL, U+00A0 and U+00AD
 * as `\xhh`) and of its bytes (every byte outside printable ASCII as `\xhh`), each with and
 * without `\'` (repr escapes the quote only when the text holds both kinds). A value with a
 * backslash and a `"` has no JSON form that repr() prints.
 */
function pythonForms(unit: Uint8Array, text: string | undefined): string[] {
  const forms: string[] = [];
  const bytesRepr = latin1(unit).replace(/[\\\x00-\x1f\x7f-\xff]/g, pythonEscape);
  const add = (inner: string) => forms.push(inner, inner.replaceAll("'", "\\'"));
  add(bytesRepr);
  if (text !== undefined) add(text.replace(/[\\\x00-\x1f\x7f-\xa0\xad]/g, pythonEscape));
  return forms;
}

/** Every text encoding of one unit (the whole value or one of its lines). */
function encodingsOf(unit: Uint8Array): string[] {
  const forms: string[] = [];
  const standard = base64(unit);
  let unpaddedLength = standard.length;
  while (unpaddedLength > 0 && standard.charCodeAt(unpaddedLength - 1) === 0x3d) unpaddedLength--;
  const unpadded = standard.slice(0, unpaddedLength);
  forms.push(standard, unpadded, toUrlSafe(standard), toUrlSafe(unpadded));
  for (const alignment of [0, 1, 2] as const) {
    const core = base64Core(unit, alignment);
    forms.push(core, toUrlSafe(core));
  }
  const lowerHex = hex(unit);
  forms.push(lowerHex, lowerHex.toUpperCase());
  for (const upper of [true, false]) {
    forms.push(percentEncode(unit, componentSafe, false, upper));
    forms.push(percentEncode(unit, uriSafe, false, upper));
    forms.push(percentEncode(unit, formSafe, true, upper));
  }
  let text: string | undefined;
  try {
    text = utf8.decode(unit);
  } catch {
    // Not UTF-8: no encoder would emit it as a JSON string.
  }
  if (text !== undefined) forms.push(...jsonForms(text));
  forms.push(...pythonForms(unit, text));
  return forms;
}

/** The lines of a multi-line value (split on \n, a trailing \r dropped), or [] for one line. */
function linesOf(value: Uint8Array): Uint8Array[] {
  if (!value.includes(0x0a)) return [];
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(0x0a, start);
    if (end === -1) end = value.length;
    const line = value.subarray(start, end > start && value[end - 1] === 0x0d ? end - 1 : end);
    lines.push(line);
    start = end + 1;
  }
  return lines;
}

function trailingNewlineLength(value: Uint8Array): number {
  if (value[value.length - 1] !== 0x0a) return 0;
  return value[value.length - 2] === 0x0d ? 2 : 1;
}

/** `value` with every bare \n turned into \r\n, as a terminal's output processing prints it. */
function withCrlf(value: Uint8Array): Uint8Array {
  let bare = 0;
  for (let index = 0; index < value.length; index++)
    if (value[index] === 0x0a && value[index - 1] !== 0x0d) bare++;
  const out = new Uint8Array(value.length + bare);
  let at = 0;
  for (let index = 0; index < value.length; index++) {
    const byte = value[index]!;
    if (byte === 0x0a && value[index - 1] !== 0x0d) out[at++] = 0x0d;
    out[at++] = byte;
  }
  return out;
}

/**
 * Every form of `value` that must not appear in output, deduplicated, each at least `minLength`
 * bytes long: the raw bytes; base64 standard and URL-safe, padded and not; the base64 cores of
 * the value at the three byte alignments (see `base64Core`); hex lower and upper; percent-
 * encoding (encodeURIComponent, encodeURI and form style, upper- and lower-case escapes); JSON
 * string escaping (when the value is UTF-8); Python's repr() of it as a str and as bytes. A multi-line value also gives the same forms of
 * each line of at least `minimumLineLength` bytes (the first `maximumMaskedLines` such lines),
 * and the raw value with CRLF line ends (what a terminal prints); a value ending in a newline
 * also gives the forms of the value without it.
 * Returns [] when the value itself is shorter than `minLength`. Never throws.
 */
export function maskForms(value: Uint8Array, minLength = 6): Uint8Array[] {
  if (value.length < minLength) return [];
  const units = [value];
  // A value read from a file often ends with a newline that the program does not print.
  const trimmed = value.subarray(0, value.length - trailingNewlineLength(value));
  if (trimmed.length < value.length && trimmed.length >= minLength) units.push(trimmed);
  let lines = 0;
  for (const line of linesOf(value)) {
    if (line.length < Math.max(minimumLineLength, minLength)) continue;
    if (++lines > maximumMaskedLines) break;
    units.push(line);
  }
  const forms: Uint8Array[] = [];
  // Each form's bytes as latin1 text. An ASCII text form is its own key: no second copy.
  const seen = new Set<string>();
  const add = (form: Uint8Array, key: string) => {
    if (form.length < minLength || seen.has(key)) return;
    seen.add(key);
    forms.push(form);
  };
  const addBytes = (form: Uint8Array) => add(form, latin1(form));
  addBytes(value);
  if (value.includes(0x0a)) addBytes(withCrlf(value));
  for (const unit of units) {
    addBytes(unit);
    for (const form of encodingsOf(unit)) {
      // Buffer.from takes small strings from Node's pool: far cheaper than TextEncoder's
      // one allocation per call, for the thousands of forms of a large run.
      const bytes = Buffer.from(form, 'utf8');
      add(bytes, bytes.length === form.length ? form : bytes.toString('latin1'));
    }
  }
  return forms;
}

/** Line widths of wrapped encodings: `base64` and MIME (76), PEM and `openssl base64` (64), `xxd -p` (60). */
const wrapWidths = { base64: [76, 64], hex: [60] } as const;

function wrapped(text: string, width: number, lineEnd: string): string {
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return lines.join(lineEnd);
}

/**
 * The value, and the value without a final newline, encoded alone and wrapped into lines as
 * `base64` (76 columns), `openssl base64` (64) and `xxd -p` (60) print it, with LF and with CRLF
 * line ends (a terminal's output processing); the base64 also without its last group, which
 * depends on what follows (`echo "$VALUE" | base64` encodes a newline after it). Only forms
 * longer than one line: a shorter one is already among `maskForms`. Not for the scan index:
 * the redactor masks these, a scan reads files line by line. Returns [] for a value shorter
 * than `minLength`. Never throws.
 */
export function wrappedForms(value: Uint8Array, minLength = 6): Uint8Array[] {
  if (value.length < minLength) return [];
  const units = [value];
  const trimmed = value.subarray(0, value.length - trailingNewlineLength(value));
  if (trimmed.length < value.length && trimmed.length >= minLength) units.push(trimmed);
  const texts = new Set<string>();
  for (const unit of units) {
    const encodings = { base64: [base64(unit), base64Core(unit, 0)], hex: [hex(unit)] };
    for (const kind of ['base64', 'hex'] as const) {
      for (const width of wrapWidths[kind]) {
        for (const text of encodings[kind]) {
          if (text.length <= width) continue;
          texts.add(wrapped(text, width, '\n'));
          texts.add(wrapped(text, width, '\r\n'));
        }
      }
    }
  }
  return [...texts].map((text) => Buffer.from(text, 'latin1'));
}
