/**
 * Finds managed values in bytes with the scan index: a rolling hash of every 8-byte window
 * is looked up in a bitmap of the indexed anchors (one multiply and one memory read per byte
 * for text that holds no secret), and only a window whose anchor is known has the HMAC of its
 * candidate spans computed. The index holds no values, so neither does this.
 */
import { timingSafeEqual } from 'node:crypto';
import { anchorLength, formTag, type IndexKeys, type ScanIndex } from './scan-index.js';

/** One occurrence of a managed value. */
export interface ManagedMatch {
  start: number;
  end: number;
  /** `project/env/NAME` of every secret with this value, an earlier value marked. */
  names: string[];
}

interface Candidate {
  length: number;
  tag: Uint8Array;
  names: string[];
}

const spread = 0x9e3779b1;

/** A matcher over one loaded index. */
export class ManagedValueMatcher {
  private readonly candidates = new Map<number, Candidate[]>();
  private readonly bitmap: Uint8Array;
  private readonly shift: number;
  private readonly multiplier: number;
  /** multiplier^7 mod 2^32: the weight of the byte that leaves the window. */
  private readonly outgoing: number;

  constructor(
    private readonly keys: IndexKeys,
    index: ScanIndex,
  ) {
    this.multiplier = keys.multiplier;
    let power = 1;
    for (let k = 1; k < anchorLength; k++) power = Math.imul(power, keys.multiplier);
    this.outgoing = power;
    for (const section of index.sections) {
      for (const entry of section.entries) {
        const label = `${section.project}/${section.names[entry.name]}${entry.earlier ? ' (an earlier value)' : ''}`;
        const list = this.candidates.get(entry.anchor) ?? [];
        const same = list.find(
          (candidate) => candidate.length === entry.length && Buffer.from(candidate.tag).equals(entry.tag),
        );
        if (same) {
          if (!same.names.includes(label)) same.names.push(label);
        } else list.push({ length: entry.length, tag: entry.tag, names: [label] });
        this.candidates.set(entry.anchor, list);
      }
    }
    for (const list of this.candidates.values()) list.sort((a, b) => b.length - a.length);
    // About 64 bits per anchor keeps a window of ordinary text out of the Map nearly always.
    let bits = 16;
    while (bits < 26 && 1 << bits < this.candidates.size * 64) bits++;
    this.shift = 32 - bits;
    this.bitmap = new Uint8Array(1 << (bits - 3));
    for (const anchor of this.candidates.keys()) {
      const slot = Math.imul(anchor, spread) >>> this.shift;
      this.bitmap[slot >>> 3]! |= 1 << (slot & 7);
    }
  }

  /** True when the index holds no value (the scan can skip this pass). */
  get isEmpty(): boolean {
    return this.candidates.size === 0;
  }

  /**
   * Every occurrence of a managed form in `bytes`, left to right, not overlapping; at one
   * position the longest form wins. Never throws.
   */
  find(bytes: Uint8Array): ManagedMatch[] {
    const matches: ManagedMatch[] = [];
    const length = bytes.length;
    if (length < anchorLength || this.candidates.size === 0) return matches;
    const { multiplier, outgoing, bitmap, shift } = this;
    let hash = 0;
    for (let k = 0; k < anchorLength; k++) hash = (Math.imul(hash, multiplier) + bytes[k]!) | 0;
    let coveredUntil = 0;
    for (let position = 0; ; position++) {
      const slot = Math.imul(hash, spread) >>> shift;
      if ((bitmap[slot >>> 3]! & (1 << (slot & 7))) !== 0 && position >= coveredUntil) {
        const found = this.confirm(bytes, position, hash >>> 0);
        if (found) {
          matches.push(found);
          coveredUntil = found.end;
        }
      }
      const next = position + anchorLength;
      if (next >= length) break;
      hash = (Math.imul(hash - Math.imul(bytes[position]!, outgoing), multiplier) + bytes[next]!) | 0;
    }
    return matches;
  }

  private confirm(bytes: Uint8Array, start: number, anchor: number): ManagedMatch | null {
    const list = this.candidates.get(anchor);
    if (!list) return null;
    for (const candidate of list) {
      const end = start + candidate.length;
      if (end > bytes.length) continue;
      const tag = formTag(this.keys, bytes.subarray(start, end));
      if (timingSafeEqual(tag, candidate.tag)) return { start, end, names: candidate.names };
    }
    return null;
  }
}
