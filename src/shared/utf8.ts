/**
 * Strict UTF-8 for the text files people hand to latch (`.env` files, latch.yaml). Lenient
 * decoding turns every byte that is not UTF-8 into U+FFFD, which would silently change an
 * imported value, or a byte of a manifest that latch rewrites; so such a file is refused,
 * naming the line to fix. And text from files and the vault printed on a terminal is made
 * printable first.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of `bytes`, or, when they are not UTF-8, the 1-based line of the first byte that
 * is not. A byte order mark is kept in the text, as Buffer's `toString` keeps it. Never throws.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidLine: number } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    let line = 1;
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(0x0a, start);
      try {
        strict.decode(bytes.subarray(start, end < 0 ? bytes.length : end));
      } catch {
        return { invalidLine: line };
      }
      if (end < 0) return { invalidLine: line };
      line++;
      start = end + 1;
    }
  }
}

/**
 * `text` with control characters (C0 but tab, DEL, C1) written as `\xNN`. Everything latch
 * prints that came from a file, the repository or the vault (paths, excerpts, descriptions,
 * owners, names, error messages that echo them) goes through it: a terminal would obey an
 * escape sequence in them (to rewrite the screen or set the window title), and a newline
 * would forge a line of the output.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g,
    (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
