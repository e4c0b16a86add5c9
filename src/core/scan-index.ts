/**
 * The scan index, version 1 (docs/format.md, "Scan index"): what lets `latch scan` recognise
 * every managed value, in every form the masker knows, while the vault stays locked, without
 * holding any value in the clear.
 *
 * Each form of each value (current and earlier, at least 8 bytes; see `maskForms`) becomes
 * one entry: keyed 32-bit hashes of its 4-byte words at offsets 0 to 3, a keyed 32-bit hash of
 * its first 8 bytes (the anchor), its length, the secret it belongs to, and a 128-bit
 * HMAC-SHA256 tag of the whole form. The scanner hashes every 4th word of a text (any form
 * has one of its first four words there), checks the anchor only where a word is known, and
 * computes the HMAC only where the anchor matches too. The whole body, names included, is encrypted with AES-256-GCM under a
 * key derived from the index key, which lives beside the index (the scan must work while
 * the vault is locked); docs/threat-model.md says what the pair gives away.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { LatchError } from './errors.js';
import { maskForms } from './mask-forms.js';

export const scanIndexMagic = new TextEncoder().encode('LATCHSCN');
export const scanIndexVersion = 1;
/** Values shorter than this are not indexed: too many false alarms in ordinary text. */
export const minimumIndexedLength = 8;
/** Bytes of each form that the anchor hash covers. */
export const anchorLength = 8;
/** The scanner reads a text 4 bytes (one word) at a time; each form has a word hash at offsets 0-3. */
export const wordOffsets = 4;
const tagLength = 16;
const nonceLength = 12;
const gcmTagLength = 16;
const headerLength = scanIndexMagic.length + 1;

/** One form of one value: where the scanner looks (anchor, length) and what confirms it (tag). */
export interface IndexEntry {
  anchor: number;
  length: number;
  /** Index into the section's `names`. */
  name: number;
  /** True when the form is of an earlier (replaced) value. */
  earlier: boolean;
  /** `wordHash` of the form's bytes [k, k+4) for k = 0..3. */
  words: number[];
  tag: Uint8Array;
}

/** The entries of one project, with a fingerprint of the project's document to reuse them. */
export interface IndexSection {
  project: string;
  fingerprint: Uint8Array;
  /** `env/NAME` of each secret the entries point at. */
  names: string[];
  /** `secretFingerprint` of each name's values: an unchanged secret keeps its entries. */
  secretFingerprints: Uint8Array[];
  entries: IndexEntry[];
}

export interface ScanIndex {
  /** SHA-256 of the vault file the index was built from (tells a stale index). */
  vaultDigest: Uint8Array;
  sections: IndexSection[];
}

/** The keys derived from the 32-byte index key, each for one purpose. */
export interface IndexKeys {
  encryption: Uint8Array;
  tag: Uint8Array;
  /** Odd multiplier of the anchor hash. */
  multiplier: number;
  /** The two 32-bit keys of `wordHash`. */
  wordKeys: [number, number];
}

function derive(indexKey: Uint8Array, purpose: string): Buffer {
  return createHmac('sha256', indexKey).update(`latch scan index v1 ${purpose}`).digest();
}

/** Derives the keys of an index key (docs/format.md, "Scan index"). Throws on a key not 32 bytes. */
export function deriveIndexKeys(indexKey: Uint8Array): IndexKeys {
  if (indexKey.length !== 32)
    throw new LatchError('E_TAMPERED', 'the scan index key is damaged; run `latch scan --reindex`');
  const word = derive(indexKey, 'word');
  return {
    encryption: new Uint8Array(derive(indexKey, 'encryption')),
    tag: new Uint8Array(derive(indexKey, 'form tag')),
    multiplier: (derive(indexKey, 'anchor').readUInt32BE(0) | 1) >>> 0,
    wordKeys: [word.readUInt32BE(0), (word.readUInt32BE(4) | 1) >>> 0],
  };
}

/**
 * The keyed hash of one 4-byte word (the bytes read as a little-endian 32-bit integer): cheap
 * enough to run on every word of every scanned file. Not a PRF: with the key it can be inverted,
 * which docs/threat-model.md accounts for.
 */
export function wordHash(word: number, wordKeys: readonly [number, number]): number {
  let hash = Math.imul((word ^ wordKeys[0]) >>> 0, wordKeys[1]);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) >>> 0;
}

function littleEndianWord(bytes: Uint8Array, start: number): number {
  return (
    (bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24)) >>> 0
  );
}

/** The rolling hash of `bytes[start, start + 8)`: sum of b[k] * multiplier^(7-k), mod 2^32. */
export function anchorHash(bytes: Uint8Array, start: number, multiplier: number): number {
  let hash = 0;
  for (let k = 0; k < anchorLength; k++) hash = (Math.imul(hash, multiplier) + bytes[start + k]!) | 0;
  return hash >>> 0;
}

/** The 128-bit tag that confirms a form. */
export function formTag(keys: IndexKeys, form: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', keys.tag).update(form).digest().subarray(0, tagLength));
}

/** Fingerprint of a project's stored document: an unchanged project keeps its section. */
export function projectFingerprint(keys: IndexKeys, project: string, document: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHmac('sha256', keys.tag).update(`project\0${project}\0`).update(document).digest(),
  );
}

/** A secret to index: `env/NAME`, its current value and earlier ones. */
export interface IndexedSecret {
  name: string;
  current: Uint8Array;
  earlier: Uint8Array[];
}

/** Fingerprint of a secret's name and values (current first): 16 bytes of HMAC under the tag key. */
export function secretFingerprint(keys: IndexKeys, secret: IndexedSecret): Uint8Array {
  const hmac = createHmac('sha256', keys.tag).update(`secret\0${secret.name}\0`);
  for (const value of [secret.current, ...secret.earlier]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    hmac.update(length).update(value);
  }
  return new Uint8Array(hmac.digest().subarray(0, tagLength));
}

/**
 * Builds the section of one project: an entry per form of every value of 8 bytes or more.
 * Entries of a secret whose fingerprint is the same in `previous` are copied, not rebuilt
 * (one `set` in a project of thousands of secrets indexes one secret).
 */
export function buildSection(
  keys: IndexKeys,
  project: string,
  fingerprint: Uint8Array,
  secrets: IndexedSecret[],
  previous?: IndexSection,
): IndexSection {
  const names: string[] = [];
  const secretFingerprints: Uint8Array[] = [];
  const entries: IndexEntry[] = [];
  const reusable = new Map<string, IndexEntry[]>();
  if (previous) {
    const byName = previous.names.map((): IndexEntry[] => []);
    for (const entry of previous.entries) byName[entry.name]!.push(entry);
    previous.names.forEach((name, index) => {
      reusable.set(
        `${name}\0${Buffer.from(previous.secretFingerprints[index]!).toString('hex')}`,
        byName[index]!,
      );
    });
  }
  for (const secret of secrets) {
    const name = names.push(secret.name) - 1;
    const secretPrint = secretFingerprint(keys, secret);
    secretFingerprints.push(secretPrint);
    const kept = reusable.get(`${secret.name}\0${Buffer.from(secretPrint).toString('hex')}`);
    if (kept) {
      for (const entry of kept) entries.push({ ...entry, name });
      continue;
    }
    const values = [
      { value: secret.current, earlier: false },
      ...secret.earlier.map((value) => ({ value, earlier: true })),
    ];
    for (const { value, earlier } of values) {
      for (const form of maskForms(value, minimumIndexedLength)) {
        const words: number[] = [];
        for (let k = 0; k < wordOffsets; k++) words.push(wordHash(littleEndianWord(form, k), keys.wordKeys));
        entries.push({
          anchor: anchorHash(form, 0, keys.multiplier),
          length: form.length,
          name,
          earlier,
          words,
          tag: formTag(keys, form),
        });
      }
    }
  }
  return { project, fingerprint, names, secretFingerprints, entries };
}

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
