/**
 * Finds managed values in bytes with the scan index. The text is read one aligned 32-bit word
 * at a time (every form is at least 8 bytes, so one of its first four words is aligned); each
 * word's keyed hash is looked up in a bitmap (a multiply, a shift and a memory read per four
 * bytes of text that holds no secret). A known word is checked against the 8-byte anchor of
 * the forms it belongs to, and only a matching anchor has the HMAC of its span computed. The
 * index holds no values, so neither does this.
 */

import { timingSafeEqual } from 'node:crypto';
import { endianness } from 'node:os';
import { anchorHash, formTag, type IndexKeys, type ScanIndex, wordOffsets } from './value-index.js';

/** One occurrence of a managed value. */
export interface ManagedMatch {
  start: number;
  end: number;
  /** `project/env/NAME` of every secret with this value, an earlier value marked. */
  names: string[];
}

interface Candidate {
  anchor: number;
  length: number;
  tag: Uint8Array;
  names: string[];
}

/** A form whose word at `offset` has a given hash. */
interface WordHit {
  offset: number;
  candidate: Candidate;
}

const littleEndian = endianness() === 'LE';

/** A matcher over one loaded index. */
export class ManagedValueMatcher {
  private readonly byWord = new Map<number, WordHit[]>();
  private readonly bitmap: Uint8Array;
  private readonly shift: number;

  constructor(
    private readonly keys: IndexKeys,
    index: ScanIndex,
  ) {
    const unique = new Map<string, Candidate>();
    for (const section of index.sections) {
      for (const entry of section.entries) {
        const label = `${section.project}/${section.names[entry.name]}${entry.earlier ? ' (an earlier value)' : ''}`;
        const id = `${entry.length}:${Buffer.from(entry.tag).toString('hex')}`;
        const known = unique.get(id);
        if (known) {
          if (!known.names.includes(label)) known.names.push(label);
          continue;
        }
        const candidate = { anchor: entry.anchor, length: entry.length, tag: entry.tag, names: [label] };
        unique.set(id, candidate);
        entry.words.forEach((word, offset) => {
          const hits = this.byWord.get(word) ?? [];
          hits.push({ offset, candidate });
          this.byWord.set(word, hits);
        });
      }
    }
    // About 64 bits per known word keeps ordinary text out of the Map nearly always.
    let bits = 16;
    while (bits < 27 && 2 ** bits < this.byWord.size * 64) bits++;
    this.shift = 32 - bits;
    this.bitmap = new Uint8Array(2 ** (bits - 3));
    for (const word of this.byWord.keys()) {
      const slot = word >>> this.shift;
      this.bitmap[slot >>> 3]! |= 1 << (slot & 7);
    }
  }

  /** True when the index holds no value (the scan can skip this pass). */
  get isEmpty(): boolean {
    return this.byWord.size === 0;
  }

  /**
   * Every occurrence of a managed form in `bytes`, left to right, not overlapping; at one
   * position the longest form wins. Never throws.
   */
  find(bytes: Uint8Array): ManagedMatch[] {
    if (bytes.length < wordOffsets * 2 || this.byWord.size === 0) return [];
    const found: ManagedMatch[] = [];
    const lead = (4 - (bytes.byteOffset % 4)) % 4;
    const count = Math.floor((bytes.length - lead) / 4);
    const bitmap = this.bitmap;
    const shift = this.shift;
    const [key0, key1] = this.keys.wordKeys;
    const words = littleEndian ? new Uint32Array(bytes.buffer, bytes.byteOffset + lead, count) : null;
    const view = littleEndian ? null : new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let index = 0; index < count; index++) {
      const word = words ? words[index]! : view!.getUint32(lead + index * 4, true);
      // wordHash, inlined: this loop runs once per four bytes of every scanned file.
      let hash = Math.imul((word ^ key0) >>> 0, key1);
      hash ^= hash >>> 15;
      hash = Math.imul(hash, 0x2c1b3c6d) >>> 0;
      const slot = hash >>> shift;
      if ((bitmap[slot >>> 3]! & (1 << (slot & 7))) === 0) continue;
      const hits = this.byWord.get(hash);
      if (hits) this.confirm(bytes, lead + index * 4, hits, found);
    }
    return settle(found);
  }

  private confirm(bytes: Uint8Array, at: number, hits: WordHit[], found: ManagedMatch[]): void {
    for (const { offset, candidate } of hits) {
      const start = at - offset;
      const end = start + candidate.length;
      if (start < 0 || end > bytes.length) continue;
      if (anchorHash(bytes, start, this.keys.multiplier) !== candidate.anchor) continue;
      if (timingSafeEqual(formTag(this.keys, bytes.subarray(start, end)), candidate.tag)) {
        found.push({ start, end, names: candidate.names });
      }
    }
  }
}

/** Sorts matches and keeps, of overlapping ones, the earliest and then the longest. */
function settle(matches: ManagedMatch[]): ManagedMatch[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: ManagedMatch[] = [];
  for (const match of matches) {
    const last = kept[kept.length - 1];
    if (last && match.start < last.end) continue;
    kept.push(match);
  }
  return kept;
}

/** One decoding of some bytes as UTF-16, which the managed-value search also runs on. */
export interface Utf16Decoding {
  encoding: 'UTF-16LE' | 'UTF-16BE';
  text: string;
}

/**
 * The UTF-16LE and UTF-16BE decodings of `bytes`, each at both byte alignments (a string in a
 * binary file, such as an SQLite page, may start at an odd offset), when `bytes` may hold
 * UTF-16 text: a NUL byte (every ASCII character in UTF-16 has one) or a UTF-16 byte-order
 * mark at the start. Otherwise none, so UTF-8 text costs one search for a NUL byte.
 * Unpaired surrogates decode to U+FFFD. Never throws.
 */
export function utf16Decodings(bytes: Uint8Array): Utf16Decoding[] {
  if (bytes.length < wordOffsets * 2) return [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const byteOrderMark = (view[0] === 0xff && view[1] === 0xfe) || (view[0] === 0xfe && view[1] === 0xff);
  if (!byteOrderMark && view.indexOf(0) < 0) return [];
  const decodings: Utf16Decoding[] = [];
  for (const alignment of [0, 1]) {
    const units = view.subarray(alignment, alignment + ((view.length - alignment) & ~1));
    decodings.push({ encoding: 'UTF-16LE', text: units.toString('utf16le') });
    decodings.push({ encoding: 'UTF-16BE', text: Buffer.from(units).swap16().toString('utf16le') });
  }
  return decodings;
}
