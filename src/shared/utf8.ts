/**
 * Strict UTF-8 for the text files people hand to latch (`.env` files, latch.yaml). Lenient
 * decoding turns every byte that is not UTF-8 into U+FFFD, which would silently change an
 * imported value, or a byte of a manifest that latch rewrites; so such a file is refused,
 * naming the line to fix.
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
