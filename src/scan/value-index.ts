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
import { createHmac } from 'node:crypto';
import { maskForms } from '../mask/forms.js';
import { LatchError } from '../shared/errors.js';

/** Values shorter than this are not indexed: too many false alarms in ordinary text. */
export const minimumIndexedLength = 8;
/** Bytes of each form that the anchor hash covers. */
export const anchorLength = 8;
/** The scanner reads a text 4 bytes (one word) at a time; each form has a word hash at offsets 0-3. */
export const wordOffsets = 4;
/** Bytes of a form tag and of a secret fingerprint (truncated HMAC-SHA256). */
export const tagLength = 16;

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
