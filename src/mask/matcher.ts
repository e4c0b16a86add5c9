/**
 * A multi-pattern byte matcher for masking: it finds, at every position of a buffer, the
 * longest of up to tens of thousands of patterns, and says where a pattern may still start
 * in a buffer that ends too early to tell.
 *
 * Matches are rare in real output, so the scan is a Wu–Manber filter: it looks at the last
 * three bytes of a window as long as the shortest pattern and jumps ahead by how far those
 * bytes are from the end of any pattern's first window (often the whole window). Only where
 * the jump is zero does it look up the window's first four bytes in a hash table of pattern
 * prefixes and compare bytes. No allocation happens while scanning.
 */

const gramMultiplier = 0x9e3779b1;
const prefixMultiplier = 0x85ebca6b;
const gramLength = 3;
// Shift values are stored in a Uint8Array, so a window longer than this gains nothing.
const longestWindow = 256;

/** Start, end and pattern index of each match, in increasing start order; reused between scans. */
export class MatchList {
  count = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  ids = new Int32Array(16);

  /** Empties the list, keeping its storage. */
  clear(): void {
    this.count = 0;
  }

  /** Appends a match, growing the storage when full. */
  push(start: number, end: number, id: number): void {
    if (this.count === this.starts.length) {
      const grow = (old: Int32Array) => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.ids = grow(this.ids);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.ids[this.count] = id;
    this.count++;
  }
}

function readWord(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]! | 0;
}

function latin1Window(pattern: Uint8Array, length: number): string {
  return Buffer.from(pattern.buffer, pattern.byteOffset, length).toString('latin1');
}

function bitsFor(count: number, minimum: number, maximum: number): number {
  return Math.min(maximum, Math.max(minimum, Math.ceil(Math.log2(Math.max(count, 1)))));
}

/**
 * A compiled, immutable set of byte patterns, built once per run. The constructor throws
 * RangeError when a pattern is shorter than 4 bytes (the prefix table keys on four bytes).
 */
export class PatternMatcher {
  /** Length of the shortest pattern (0 when there are none). */
  readonly shortest: number;
  /** Length of the longest pattern (0 when there are none). */
  readonly longest: number;
  private readonly bytes: Uint8Array;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly prefixWords: Int32Array;
  private readonly bucketShift: number;
  private readonly bucketStarts: Int32Array;
  private readonly bucketItems: Int32Array;
  private readonly window: number;
  private readonly gramShift: number;
  private readonly shifts: Uint8Array;
  private readonly prefixes1 = new Uint8Array(256);
  private readonly prefixes2 = new Uint8Array(65536);
  private readonly prefixes3 = new Set<number>();
  // Set by longestAt: a longer pattern may match here but the buffer ends first.
  private partial = false;

  constructor(patterns: readonly Uint8Array[]) {
    const count = patterns.length;
    this.lengths = Int32Array.from(patterns, (pattern) => pattern.length);
    this.shortest = count === 0 ? 0 : this.lengths.reduce((shortest, length) => Math.min(shortest, length));
    this.longest = count === 0 ? 0 : this.lengths.reduce((longest, length) => Math.max(longest, length));
    if (count > 0 && this.shortest < 4) throw new RangeError('mask patterns must be at least 4 bytes long');
    this.offsets = new Int32Array(count);
    let total = 0;
    for (let id = 0; id < count; id++) {
      this.offsets[id] = total;
      total += patterns[id]!.length;
    }
    this.bytes = new Uint8Array(total);
    for (let id = 0; id < count; id++) this.bytes.set(patterns[id]!, this.offsets[id]);
    this.prefixWords = Int32Array.from(patterns, (pattern) => readWord(pattern, 0));

    // Prefix hash table in compressed-row form; within a bucket, longest pattern first. A
    // counting sort by bucket (a run compiles thousands of patterns before its first output).
    const bucketBits = bitsFor(count * 2, 8, 24);
    this.bucketShift = 32 - bucketBits;
    const buckets = new Int32Array(count);
    this.bucketStarts = new Int32Array((1 << bucketBits) + 1);
    for (let id = 0; id < count; id++) {
      buckets[id] = Math.imul(this.prefixWords[id]!, prefixMultiplier) >>> this.bucketShift;
      this.bucketStarts[buckets[id]! + 1]!++;
    }
    let running = 0;
    for (let bucket = 0; bucket <= 1 << bucketBits; bucket++) {
      running += this.bucketStarts[bucket]!;
      this.bucketStarts[bucket] = running;
    }
    // Placed longest first (the earlier pattern first among equals), so each bucket's run is
    // in that order too: ids sorted by one numeric key, natively, with no comparator.
    this.bucketItems = new Int32Array(count);
    const filled = this.bucketStarts.slice(0, -1);
    const order = new Float64Array(count);
    for (let id = 0; id < count; id++) order[id] = (this.longest - this.lengths[id]!) * count + id;
    order.sort();
    for (let index = 0; index < count; index++) {
      const id = order[index]! % count;
      this.bucketItems[filled[buckets[id]!]!++] = id;
    }

    // Wu–Manber shift table over the first `window` bytes of every pattern.
    this.window = Math.min(this.shortest, longestWindow);
    const gramsPerPattern = Math.max(this.window - gramLength + 1, 1);
    // Sized by the distinct first windows, which alone give the table its entries: forms that
    // begin alike (a value's hex and the same hex wrapped into lines) add none, and a table
    // twice the size for them costs a tenth of the scan's speed in cache misses.
    const windows = new Set<string>();
    for (let id = 0; id < count; id++) windows.add(latin1Window(patterns[id]!, this.window));
    const gramBits = bitsFor(windows.size * gramsPerPattern * 4, 12, 20);
    this.gramShift = 32 - gramBits;
    // Locals and the one byte array, not `this` and the callers' arrays (Buffers and plain
    // Uint8Arrays): the loop runs once, mostly before V8 optimizes it.
    const shifts = new Uint8Array(1 << gramBits).fill(gramsPerPattern);
    const { bytes, window, gramShift } = this;
    for (let id = 0; id < count; id++) {
      const offset = this.offsets[id]!;
      for (let end = gramLength - 1; end < window; end++) {
        const at = offset + end;
        const gram = (bytes[at - 2]! << 16) | (bytes[at - 1]! << 8) | bytes[at]!;
        const slot = Math.imul(gram, gramMultiplier) >>> gramShift;
        const shift = window - 1 - end;
        if (shift < shifts[slot]!) shifts[slot] = shift;
      }
      this.prefixes1[bytes[offset]!] = 1;
      this.prefixes2[(bytes[offset]! << 8) | bytes[offset + 1]!] = 1;
      this.prefixes3.add((bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!);
    }
    this.shifts = shifts;
  }

  /** Number of patterns. */
  get count(): number {
    return this.lengths.length;
  }

  /**
   * Appends to `found` the longest pattern starting at each position of `buffer`, in order
   * (overlapping matches included). Returns the first position where a pattern may start but
   * the buffer ends before it can be told (`buffer.length` if none). Unless `final`, the scan
   * stops there; with `final` it goes on, taking the end of the buffer as the end of the data.
   */
  scan(buffer: Uint8Array, final: boolean, found: MatchList): number {
    const length = buffer.length;
    if (this.count === 0) return length;
    const window = this.window;
    const shifts = this.shifts;
    const gramShift = this.gramShift;
    let undecided = length;
    let position = window - 1;
    while (position < length) {
      const gram = (buffer[position - 2]! << 16) | (buffer[position - 1]! << 8) | buffer[position]!;
      const shift = shifts[Math.imul(gram, gramMultiplier) >>> gramShift]!;
      if (shift !== 0) {
        position += shift;
        continue;
      }
      const start = position - window + 1;
      const id = this.longestAt(buffer, start, final);
      if (this.partial) {
        if (!final) return start;
        if (undecided === length) undecided = start;
      }
      if (id >= 0) found.push(start, start + this.lengths[id]!, id);
      position++;
    }
    if (undecided < length) return undecided;
    for (let start = Math.max(0, length - window + 1); start < length; start++) {
      if (this.isPrefix(buffer, start)) return start;
    }
    return length;
  }

  /** Longest pattern wholly at `start` (or -1); sets `partial` when a longer one runs past the end. */
  private longestAt(buffer: Uint8Array, start: number, final: boolean): number {
    this.partial = false;
    const word = readWord(buffer, start);
    const bucket = Math.imul(word, prefixMultiplier) >>> this.bucketShift;
    const last = this.bucketStarts[bucket + 1]!;
    const remaining = buffer.length - start;
    for (let item = this.bucketStarts[bucket]!; item < last; item++) {
      const id = this.bucketItems[item]!;
      if (this.prefixWords[id] !== word) continue;
      const length = this.lengths[id]!;
      const offset = this.offsets[id]!;
      const available = length < remaining ? length : remaining;
      let index = 4;
      while (index < available && this.bytes[offset + index] === buffer[start + index]) index++;
      if (index < available) continue;
      if (available < length) {
        this.partial = true;
        if (!final) return -1;
        continue;
      }
      return id;
    }
    return -1;
  }

  /** True when the bytes from `start` to the end of `buffer` begin some pattern. */
  private isPrefix(buffer: Uint8Array, start: number): boolean {
    const remaining = buffer.length - start;
    const first = buffer[start]!;
    if (remaining === 1) return this.prefixes1[first] === 1;
    const second = buffer[start + 1]!;
    if (remaining === 2) return this.prefixes2[(first << 8) | second] === 1;
    if (remaining === 3) return this.prefixes3.has((first << 16) | (second << 8) | buffer[start + 2]!);
    const word = readWord(buffer, start);
    const bucket = Math.imul(word, prefixMultiplier) >>> this.bucketShift;
    const last = this.bucketStarts[bucket + 1]!;
    for (let item = this.bucketStarts[bucket]!; item < last; item++) {
      const id = this.bucketItems[item]!;
      if (this.prefixWords[id] !== word) continue;
      const offset = this.offsets[id]!;
      let index = 4;
      while (index < remaining && this.bytes[offset + index] === buffer[start + index]) index++;
      if (index === remaining) return true;
    }
    return false;
  }
}
