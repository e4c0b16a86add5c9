/**
 * Terminal control sequences inside a child's output. A program on a terminal may colour part
 * of a value (`sk-\x1b[31mabc...`), clear the line in the middle of it (`\x1b[K`), set the
 * window title (an OSC string) or print a character and a backspace over it: the terminal, and
 * anyone reading the bytes, still gets the value. The redactor also searches the output with
 * these removed, maps matches back to the original bytes, and keeps the colour codes (SGR) of
 * a masked region. Removed: every ESC sequence (CSI `ESC [ ... final`, the strings OSC, DCS,
 * SOS, PM and APC up to BEL or ST, and the short `ESC intermediates final` ones), and
 * backspaces: a run of them together with as many printable ASCII characters before it, which
 * the next characters overwrite on a terminal (`eraseBeforeBackspace`), or alone, as a reader
 * of the bytes who ignores them sees the text (the redactor searches both ways).
 */

const escapeByte = 0x1b;
const backspaceByte = 0x08;
/** Longest CSI or short ESC sequence recognised: a bound on what an interrupted value holds back. */
const longestSequence = 32;
/** Longest OSC, DCS, SOS, PM or APC string recognised (a window title, a hyperlink). */
const longestString = 512;
const empty = new Uint8Array(0);

/**
 * The control sequences of a buffer and the text without them. An unfinished sequence at the
 * very end also counts (unless final): it may be the middle of a value, continued in the next
 * chunk.
 */
export class ControlStripping {
  count = 0;
  /** Per sequence: offset in the original buffer, and length (negative while unfinished). */
  originalStarts = new Int32Array(64);
  lengths = new Int32Array(64);
  /** Per sequence: offset in the stripped text of the byte that followed it, and bytes removed up to it. */
  strippedStarts = new Int32Array(64);
  removedThrough = new Int32Array(64);
  /** Per sequence: 1 for a complete colour code (SGR), which a masked region keeps, else 0. */
  kept = new Uint8Array(64);
  stripped: Uint8Array = empty;
  strippedLength = 0;
  /** Whether the last `strip` removed a backspace. */
  sawBackspace = false;

  /** `eraseBeforeBackspace`: remove the characters a run of backspaces backs over, too. */
  constructor(private readonly eraseBeforeBackspace = true) {}

  /**
   * Strips `buffer` into `stripped` (reused between calls) and records each sequence removed.
   * Returns false, having done nothing, when `buffer` holds no control sequence. Never throws.
   */
  strip(buffer: Uint8Array, final: boolean): boolean {
    this.count = 0;
    this.sawBackspace = false;
    let nextEscape = findByte(buffer, escapeByte, 0);
    let nextBackspace = findByte(buffer, backspaceByte, 0);
    if (nextEscape === -1 && nextBackspace === -1) return false;
    const length = buffer.length;
    if (this.stripped.length < length)
      this.stripped = new Uint8Array(Math.max(length, 2 * this.stripped.length));
    // Copy once, then close each gap with copyWithin (a memmove, no view per segment).
    const out = this.stripped;
    out.set(buffer);
    let copied = 0;
    let written = 0;
    let removed = 0;
    let at =
      nextEscape === -1
        ? nextBackspace
        : nextBackspace === -1
          ? nextEscape
          : Math.min(nextEscape, nextBackspace);
    while (at !== -1) {
      let start = at;
      let end: number;
      let state: Sequence;
      if (buffer[at] === backspaceByte) {
        end = at + 1;
        while (end < length && buffer[end] === backspaceByte) end++;
        // The characters they back over, as far as they are still here and not in a sequence.
        if (this.eraseBeforeBackspace)
          while (at - start < end - at && start > copied && isPrintableAscii(buffer[start - 1]!)) start--;
        state = Sequence.Complete;
        this.sawBackspace = true;
      } else {
        state = readEscape(buffer, at, final);
        end = escapeEnd;
      }
      if (state !== Sequence.None) {
        if (written !== copied) out.copyWithin(written, copied, start);
        written += start - copied;
        removed += end - start;
        const complete = state !== Sequence.Unfinished;
        this.record(start, complete ? end - start : start - end, written, removed, state === Sequence.Colour);
        copied = end;
      }
      // Past the sequence; past the ESC alone when none starts there (what follows is text).
      const from = state === Sequence.None ? at + 1 : end;
      if (nextEscape !== -1 && nextEscape < from)
        nextEscape = from < length ? findByte(buffer, escapeByte, from) : -1;
      if (nextBackspace !== -1 && nextBackspace < from)
        nextBackspace = from < length ? findByte(buffer, backspaceByte, from) : -1;
      at =
        nextEscape === -1
          ? nextBackspace
          : nextBackspace === -1
            ? nextEscape
            : Math.min(nextEscape, nextBackspace);
    }
    if (this.count === 0) return false;
    out.copyWithin(written, copied, length);
    this.strippedLength = written + length - copied;
    return true;
  }

  private record(
    originalStart: number,
    length: number,
    strippedStart: number,
    removed: number,
    kept: boolean,
  ): void {
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
      const keptBefore = this.kept;
      this.kept = new Uint8Array(keptBefore.length * 2);
      this.kept.set(keptBefore);
    }
    this.originalStarts[this.count] = originalStart;
    this.lengths[this.count] = length;
    this.strippedStarts[this.count] = strippedStart;
    this.removedThrough[this.count] = removed;
    this.kept[this.count] = kept ? 1 : 0;
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

/** What starts at an ESC: no sequence (a lone ESC, printed as it is), one, or one cut by the end. */
enum Sequence {
  None,
  Complete,
  Colour,
  Unfinished,
}

/** Where the sequence `readEscape` last read ends (a number, not a tuple: no allocation per sequence). */
let escapeEnd = 0;

function ending(state: Sequence, end: number): Sequence {
  escapeEnd = end;
  return state;
}

/** The sequence starting at the ESC at `at` (ECMA-48 section 5); where it ends is left in `escapeEnd`. */
function readEscape(buffer: Uint8Array, at: number, final: boolean): Sequence {
  const length = buffer.length;
  const cutState = final ? Sequence.None : Sequence.Unfinished;
  let end = at + 1;
  if (end === length) return ending(cutState, end);
  const kind = buffer[end]!;
  end++;
  if (kind === 0x5b) {
    // CSI: parameter bytes, intermediate bytes, one final byte.
    let colour = true;
    while (end < length && end - at < longestSequence && buffer[end]! >= 0x30 && buffer[end]! <= 0x3f) {
      if (!isSgrParameter(buffer[end]!)) colour = false;
      end++;
    }
    while (end < length && end - at < longestSequence && buffer[end]! >= 0x20 && buffer[end]! <= 0x2f) {
      colour = false;
      end++;
    }
    if (end === length) return ending(end - at < longestSequence ? cutState : Sequence.None, end);
    const last = buffer[end]!;
    if (last < 0x40 || last > 0x7e) return ending(Sequence.None, end);
    return ending(colour && last === 0x6d ? Sequence.Colour : Sequence.Complete, end + 1);
  }
  if (kind === 0x5d || kind === 0x50 || kind === 0x58 || kind === 0x5e || kind === 0x5f) {
    // A control string: up to BEL or ST (ESC \); another ESC ends it too, as terminals do.
    const limit = Math.min(length, at + longestString);
    while (end < limit && buffer[end] !== 0x07 && buffer[end] !== escapeByte) end++;
    if (end === limit) return ending(limit === length ? cutState : Sequence.None, end);
    if (buffer[end] === 0x07) return ending(Sequence.Complete, end + 1);
    if (end + 1 === length) return ending(cutState, end + 1);
    return ending(Sequence.Complete, buffer[end + 1] === 0x5c ? end + 2 : end);
  }
  // ESC, intermediate bytes, one final byte (`ESC ( B`, `ESC 7`, `ESC M`).
  let next = kind;
  end--;
  while (next >= 0x20 && next <= 0x2f && end - at < longestSequence) {
    end++;
    if (end === length) return ending(cutState, end);
    next = buffer[end]!;
  }
  if (next < 0x30 || next > 0x7e) return ending(Sequence.None, end);
  return ending(Sequence.Complete, end + 1);
}

// Buffer's indexOf is memchr; TypedArray's is an element loop, twenty times slower.
const nativeIndexOf = Buffer.prototype.indexOf;

function findByte(bytes: Uint8Array, byte: number, from: number): number {
  return nativeIndexOf.call(bytes, byte, from);
}

function isSgrParameter(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x3b || byte === 0x3a;
}

function isPrintableAscii(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}
