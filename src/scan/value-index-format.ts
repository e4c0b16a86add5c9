/**
 * The scan index file, version 1 (docs/format.md, "Scan index"): the body's byte layout, its
 * encryption, and the section slices that a refresh copies without parsing. The model, the
 * keys and the hashes are in scan-index.ts.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { LatchError } from '../shared/errors.js';
import {
  anchorLength,
  type IndexEntry,
  type IndexKeys,
  type IndexSection,
  type ScanIndex,
  tagLength,
  wordOffsets,
} from './value-index.js';

export const scanIndexMagic = new TextEncoder().encode('LATCHSCN');
export const scanIndexVersion = 1;
const nonceLength = 12;
const gcmTagLength = 16;
const headerLength = scanIndexMagic.length + 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes of one entry: anchor, length, name (u32 each), flags (u8), 4 word hashes, tag. */
const entrySize = 4 + 4 + 4 + 1 + 4 * wordOffsets + tagLength;

/** A writer into one buffer allocated up front (an index can hold hundreds of thousands of entries). */
class Writer {
  private readonly out: Buffer;
  private offset = 0;
  constructor(size: number) {
    this.out = Buffer.allocUnsafe(size);
  }
  u8(value: number) {
    this.out.writeUInt8(value, this.offset);
    this.offset += 1;
  }
  u16(value: number) {
    this.out.writeUInt16BE(value, this.offset);
    this.offset += 2;
  }
  u32(value: number) {
    this.out.writeUInt32BE(value >>> 0, this.offset);
    this.offset += 4;
  }
  bytes(value: Uint8Array) {
    this.out.set(value, this.offset);
    this.offset += value.length;
  }
  text(encoded: Uint8Array) {
    this.u16(encoded.length);
    this.bytes(encoded);
  }
  finish(): Uint8Array {
    if (this.offset !== this.out.length) throw new Error('scan index size miscounted');
    return new Uint8Array(this.out.buffer, this.out.byteOffset, this.out.length);
  }
}

function damaged(detail: string): LatchError {
  return new LatchError(
    'E_TAMPERED',
    `the scan index is damaged (${detail}); rebuild it with \`latch scan --reindex\``,
  );
}

class Reader {
  offset = 0;
  private readonly view: DataView;
  constructor(readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.length);
  }
  need(count: number): number {
    if (this.offset + count > this.data.length) throw damaged('truncated');
    const start = this.offset;
    this.offset += count;
    return start;
  }
  u8() {
    return this.view.getUint8(this.need(1));
  }
  u16() {
    return this.view.getUint16(this.need(2));
  }
  u32() {
    return this.view.getUint32(this.need(4));
  }
  /** A view into the body (not a copy). */
  bytes(count: number) {
    const start = this.need(count);
    return new Uint8Array(this.data.buffer, this.data.byteOffset + start, count);
  }
  text() {
    return decoder.decode(this.bytes(this.u16()));
  }
  done() {
    if (this.offset !== this.data.length) throw damaged('trailing bytes');
  }
}

/** Serialises one section (a part of the body that a later refresh can copy as it is). */
export function encodeSection(section: IndexSection): Uint8Array {
  const project = encoder.encode(section.project);
  const names = section.names.map((name) => encoder.encode(name));
  const size =
    2 +
    project.length +
    32 +
    4 +
    names.reduce((sum, name) => sum + 2 + name.length + tagLength, 0) +
    4 +
    section.entries.length * entrySize;
  const out = new Writer(size);
  out.text(project);
  out.bytes(section.fingerprint);
  out.u32(names.length);
  names.forEach((name, index) => {
    out.text(name);
    out.bytes(section.secretFingerprints[index]!);
  });
  out.u32(section.entries.length);
  for (const entry of section.entries) {
    out.u32(entry.anchor);
    out.u32(entry.length);
    out.u32(entry.name);
    out.u8(entry.earlier ? 1 : 0);
    for (const word of entry.words) out.u32(word);
    out.bytes(entry.tag);
  }
  return out.finish();
}

/** The body from already encoded sections. */
export function assembleIndexBody(vaultDigest: Uint8Array, sections: Uint8Array[]): Uint8Array {
  const out = new Writer(32 + 4 + sections.reduce((sum, section) => sum + section.length, 0));
  out.bytes(vaultDigest);
  out.u32(sections.length);
  for (const section of sections) out.bytes(section);
  return out.finish();
}

/** Serialises the index body (the plaintext that `sealScanIndex` encrypts). */
export function encodeIndexBody(index: ScanIndex): Uint8Array {
  return assembleIndexBody(index.vaultDigest, index.sections.map(encodeSection));
}

/** One section as stored: its project, fingerprint and encoded bytes, entries not parsed. */
export interface EncodedSection {
  project: string;
  fingerprint: Uint8Array;
  encoded: Uint8Array;
}

function readSectionHeader(input: Reader) {
  const project = input.text();
  const fingerprint = input.bytes(32);
  const names: string[] = [];
  const secretFingerprints: Uint8Array[] = [];
  const nameCount = input.u32();
  for (let n = 0; n < nameCount; n++) {
    names.push(input.text());
    secretFingerprints.push(input.bytes(tagLength));
  }
  return { project, fingerprint, names, secretFingerprints };
}

/** Splits a body into its sections without parsing their entries (what a refresh reuses). */
export function splitIndexBody(body: Uint8Array): { vaultDigest: Uint8Array; sections: EncodedSection[] } {
  const input = new Reader(body);
  const vaultDigest = input.bytes(32);
  const sections: EncodedSection[] = [];
  const sectionCount = input.u32();
  for (let s = 0; s < sectionCount; s++) {
    const start = input.offset;
    const { project, fingerprint } = readSectionHeader(input);
    input.need(input.u32() * entrySize);
    sections.push({ project, fingerprint, encoded: body.subarray(start, input.offset) });
  }
  input.done();
  return { vaultDigest, sections };
}

function readSection(input: Reader): IndexSection {
  const { project, fingerprint, names, secretFingerprints } = readSectionHeader(input);
  const entries: IndexEntry[] = [];
  const entryCount = input.u32();
  for (let e = 0; e < entryCount; e++) {
    const anchor = input.u32();
    const length = input.u32();
    const name = input.u32();
    const earlier = input.u8() === 1;
    const words: number[] = [];
    for (let k = 0; k < wordOffsets; k++) words.push(input.u32());
    const tag = input.bytes(tagLength);
    if (name >= names.length || length < anchorLength) throw damaged('bad entry');
    entries.push({ anchor, length, name, earlier, words, tag });
  }
  return { project, fingerprint, names, secretFingerprints, entries };
}

/** Parses one section as `encodeSection` writes it; throws E_TAMPERED otherwise. */
export function decodeSection(encoded: Uint8Array): IndexSection {
  const input = new Reader(encoded);
  const section = readSection(input);
  input.done();
  return section;
}

/** Parses an index body; throws E_TAMPERED when it is not what `encodeIndexBody` writes. */
export function decodeIndexBody(body: Uint8Array): ScanIndex {
  const input = new Reader(body);
  const vaultDigest = input.bytes(32);
  const sections: IndexSection[] = [];
  const sectionCount = input.u32();
  for (let s = 0; s < sectionCount; s++) sections.push(readSection(input));
  input.done();
  return { vaultDigest, sections };
}

function header(): Uint8Array {
  const out = new Uint8Array(headerLength);
  out.set(scanIndexMagic);
  out[scanIndexMagic.length] = scanIndexVersion;
  return out;
}

/** Encrypts a body: magic, version, then nonce || AES-256-GCM(body) || tag, AAD = magic and version. */
export function sealIndexBody(keys: IndexKeys, body: Uint8Array, nonce: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, nonce);
  cipher.setAAD(header());
  const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
  return Buffer.concat([header(), nonce, ciphertext, cipher.getAuthTag()]);
}

/** Encrypts an index (see `sealIndexBody`). */
export function sealScanIndex(keys: IndexKeys, index: ScanIndex, nonce: Uint8Array): Uint8Array {
  return sealIndexBody(keys, encodeIndexBody(index), nonce);
}

/**
 * Decrypts an index file to its body. Returns null when it was sealed under another key (the
 * key was replaced: rebuild), throws E_UNSUPPORTED_FORMAT for a newer version and E_TAMPERED
 * for a file that is not an index.
 */
export function openIndexBody(keys: IndexKeys, file: Uint8Array): Uint8Array | null {
  if (file.length < headerLength + nonceLength + gcmTagLength) throw damaged('too short');
  if (!Buffer.from(file.subarray(0, scanIndexMagic.length)).equals(scanIndexMagic))
    throw damaged('bad magic');
  if (file[scanIndexMagic.length] !== scanIndexVersion) {
    throw new LatchError(
      'E_UNSUPPORTED_FORMAT',
      'the scan index was written by a newer latch; upgrade latch or run `latch scan --reindex`',
    );
  }
  const nonce = file.subarray(headerLength, headerLength + nonceLength);
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, nonce);
  decipher.setAAD(file.subarray(0, headerLength));
  decipher.setAuthTag(file.subarray(file.length - gcmTagLength));
  try {
    return Buffer.concat([
      decipher.update(file.subarray(headerLength + nonceLength, file.length - gcmTagLength)),
      decipher.final(),
    ]);
  } catch {
    return null;
  }
}

/** Decrypts and parses an index file: null under another key; throws as `openIndexBody` and `decodeIndexBody`. */
export function openScanIndex(keys: IndexKeys, file: Uint8Array): ScanIndex | null {
  const body = openIndexBody(keys, file);
  return body ? decodeIndexBody(body) : null;
}
