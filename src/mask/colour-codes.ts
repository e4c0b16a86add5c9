/**
 * SGR colour codes (`ESC [ params m`) inside a child's output. A program on a terminal may
 * colour part of a value (`sk-\x1b[31mabc...`); the redactor also searches the output with
 * these codes removed, maps matches back to the original bytes, and keeps the codes.
 */

const escapeByte = 0x1b;
/** Longest `ESC [ params m` treated as colour: a bound on what an interrupted value holds back. */
const longestSgr = 32;
const empty = new Uint8Array(0);

/**
 * The SGR sequences of a buffer and the text without them. An unfinished sequence at the very
 * end also counts (unless final): it may be the middle of a coloured value, continued in the
 * next chunk.
 */
export class SgrStripping {
  count = 0;
  /** Per sequence: offset in the original buffer, and length (negative while unfinished). */
  originalStarts = new Int32Array(64);
  lengths = new Int32Array(64);
  /** Per sequence: offset in the stripped text of the byte that followed it, and bytes removed up to it. */
  strippedStarts = new Int32Array(64);
  removedThrough = new Int32Array(64);
  stripped: Uint8Array = empty;
  strippedLength = 0;

  /**
   * Strips `buffer` into `stripped` (reused between calls) and records each sequence removed.
   * Returns false, having done nothing, when `buffer` holds no SGR sequence. Never throws.
   */
  strip(buffer: Uint8Array, final: boolean): boolean {
    this.count = 0;
    let at = findByte(buffer, escapeByte, 0);
    if (at === -1) return false;
    const length = buffer.length;
    if (this.stripped.length < length)
      this.stripped = new Uint8Array(Math.max(length, 2 * this.stripped.length));
    // Copy once, then close each gap with copyWithin (a memmove, no view per segment).
    const out = this.stripped;
    out.set(buffer);
    let copied = 0;
    let written = 0;
    let removed = 0;
    while (at !== -1) {
      let end = at + 1;
      let complete = false;
      if (end < length && buffer[end] === 0x5b) {
        end++;
        while (end < length && end - at < longestSgr && isSgrParameter(buffer[end]!)) end++;
        if (end < length && buffer[end] === 0x6d) {
          complete = true;
          end++;
        }
      }
      if (complete || (!final && end === length && end - at < longestSgr)) {
        if (written !== copied) out.copyWithin(written, copied, at);
        written += at - copied;
        removed += end - at;
        this.record(at, complete ? end - at : at - end, written, removed);
        copied = end;
      }
      at = end < length ? findByte(buffer, escapeByte, end) : -1;
    }
    if (this.count === 0) return false;
    out.copyWithin(written, copied, length);
    this.strippedLength = written + length - copied;
    return true;
  }

  private record(originalStart: number, length: number, strippedStart: number, removed: number): void {
    if (this.count === this.lengths.length) {
      const grow = (old: Int32Array) => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.originalStarts = grow(this.originalStarts);
      this.lengths = grow(this.lengths);
      this.strippedStarts = grow(this.strippedStarts);
      this.removedThrough = grow(this.removedThrough);
    }
    this.originalStarts[this.count] = originalStart;
    this.lengths[this.count] = length;
    this.strippedStarts[this.count] = strippedStart;
    this.removedThrough[this.count] = removed;
    this.count++;
  }

  /** Returns the offset in the original buffer of the byte at `index` of the stripped text (or of its end). */
  toOriginal(index: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.strippedStarts[middle]! <= index) low = middle + 1;
      else high = middle;
    }
    return index + (low === 0 ? 0 : this.removedThrough[low - 1]!);
  }
}

// Buffer's indexOf is memchr; TypedArray's is an element loop, twenty times slower.
const nativeIndexOf = Buffer.prototype.indexOf;

function findByte(bytes: Uint8Array, byte: number, from: number): number {
  return nativeIndexOf.call(bytes, byte, from);
}

function isSgrParameter(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x3b || byte === 0x3a;
}
