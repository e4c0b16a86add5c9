/**
 * The vault file format, version 1 (docs/format.md is the byte-by-byte specification).
 *
 *   fixed header   magic "LATCHVLT", version, 16-byte vault id           (25 bytes)
 *   slot table     count, then key slots that each wrap the data key
 *   header MAC     HMAC-SHA256 under a key derived from the data key     (32 bytes)
 *   checksum       SHA-256 of everything above                           (32 bytes)
 *   body           nonce (12) || AES-256-GCM ciphertext || tag (16), AAD = fixed header
 *
 * The checksum is unkeyed: it catches corruption before the (slow) KDF runs, so a flipped
 * byte reads as "tampered" (exit 6) rather than "wrong passphrase". Authenticity comes from
 * the keyed parts: each slot's GCM tag (AAD = fixed header and the slot's parameters), the
 * header MAC over the whole slot table, and the body's GCM tag. Re-wrapping the data key
 * (`passwd`) rewrites the slot table and MAC only; the body bytes stay as they were.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto';
import { LatchError } from '../shared/errors.js';
import { isAcceptableKdf, type KdfParams } from './kdf.js';

export const magic = new TextEncoder().encode('LATCHVLT');
export const formatVersion = 1;
const fixedLength = 8 + 1 + 16;
const nonceLength = 12;
const tagLength = 16;
const dataKeyLength = 32;
const wrappedLength = dataKeyLength + tagLength;
const macLength = 32;
const checksumLength = 32;
const maxSlots = 8;

/** Slot type 1: the data key wrapped under an Argon2id key derived from the passphrase. */
export const passphraseSlotType = 1;

export interface KeySlot {
  /** 1 = passphrase (Argon2id); other types are kept as they are by this version. */
  type: number;
  /** Type-specific parameters; for type 1, see `encodePassphraseParams`. */
  params: Uint8Array;
  nonce: Uint8Array;
  /** The encrypted data key followed by its GCM tag (48 bytes). */
  wrappedKey: Uint8Array;
}

export interface SealedVault {
  vaultId: Uint8Array;
  slots: KeySlot[];
  /** nonce || ciphertext || tag, exactly as stored. */
  body: Uint8Array;
  /** The header MAC as read from disk; `encodeVault` computes a fresh one. */
  mac?: Uint8Array;
}

export interface PassphraseParams {
  kdf: KdfParams;
  salt: Uint8Array;
}

function tampered(detail: string): LatchError {
  return new LatchError(
    'E_TAMPERED',
    `the vault is corrupt or has been tampered with (${detail}); restore it from vault.prev or a backup`,
  );
}

function fixedHeader(vaultId: Uint8Array): Uint8Array {
  const out = new Uint8Array(fixedLength);
  out.set(magic, 0);
  out[8] = formatVersion;
  out.set(vaultId, 9);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function deriveSubkey(dataKey: Uint8Array, vaultId: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', dataKey, vaultId, `latch vault v1 ${purpose}`, 32));
}

/** AES-256-GCM encryption; returns ciphertext || tag. */
export function sealBytes(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  return concat([head, tail, cipher.getAuthTag()]);
}

/** AES-256-GCM decryption of ciphertext || tag; returns null when authentication fails. */
export function openBytes(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | null {
  if (sealed.length < tagLength) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
  const head = decipher.update(sealed.subarray(0, sealed.length - tagLength));
  try {
    return concat([head, decipher.final()]);
  } catch {
    head.fill(0);
    return null;
  }
}

/** Encodes Argon2id parameters and salt for a passphrase slot (25 bytes). */
export function encodePassphraseParams(params: PassphraseParams): Uint8Array {
  const out = new Uint8Array(9 + params.salt.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, params.kdf.memoryKiB);
  view.setUint32(4, params.kdf.iterations);
  out[8] = params.kdf.parallelism;
  out.set(params.salt, 9);
  return out;
}

/** Decodes a passphrase slot's parameters; throws E_TAMPERED when they are out of bounds. */
export function decodePassphraseParams(bytes: Uint8Array): PassphraseParams {
  if (bytes.length !== 25) throw tampered('passphrase slot has the wrong size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const kdf: KdfParams = {
    memoryKiB: view.getUint32(0),
    iterations: view.getUint32(4),
    parallelism: bytes[8]!,
  };
  if (!isAcceptableKdf(kdf)) throw tampered('key derivation parameters out of range');
  return { kdf, salt: bytes.slice(9) };
}

function slotAad(vaultId: Uint8Array, type: number, params: Uint8Array): Uint8Array {
  return concat([
    fixedHeader(vaultId),
    Uint8Array.of(type, params.length >> 8, params.length & 0xff),
    params,
  ]);
}

/** Wraps the data key under a key-encryption key into a slot of the given type. */
export function wrapDataKey(
  vaultId: Uint8Array,
  type: number,
  params: Uint8Array,
  keyEncryptionKey: Uint8Array,
  dataKey: Uint8Array,
  nonce: Uint8Array,
): KeySlot {
  const wrappedKey = sealBytes(keyEncryptionKey, nonce, dataKey, slotAad(vaultId, type, params));
  return { type, params, nonce, wrappedKey };
}

/** Unwraps the data key from a slot; returns null when the key does not fit (wrong passphrase). */
export function unwrapDataKey(
  vaultId: Uint8Array,
  slot: KeySlot,
  keyEncryptionKey: Uint8Array,
): Uint8Array | null {
  return openBytes(keyEncryptionKey, slot.nonce, slot.wrappedKey, slotAad(vaultId, slot.type, slot.params));
}

function encodeSlotTable(slots: KeySlot[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(slots.length)];
  for (const slot of slots) {
    parts.push(Uint8Array.of(slot.type, slot.params.length >> 8, slot.params.length & 0xff));
    parts.push(slot.params, slot.nonce, slot.wrappedKey);
  }
  return concat(parts);
}

/** Encrypts a body plaintext; returns nonce || ciphertext || tag. */
export function sealBody(
  vaultId: Uint8Array,
  dataKey: Uint8Array,
  plaintext: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  const key = deriveSubkey(dataKey, vaultId, 'body');
  return concat([nonce, sealBytes(key, nonce, plaintext, fixedHeader(vaultId))]);
}

/**
 * Serialises a vault: fixed header, slot table, a header MAC computed with `dataKey`, the
 * checksum, then the body as given.
 */
export function encodeVault(vault: SealedVault, dataKey: Uint8Array): Uint8Array {
  if (vault.slots.length === 0 || vault.slots.length > maxSlots)
    throw new Error('a vault needs 1 to 8 key slots');
  const header = concat([fixedHeader(vault.vaultId), encodeSlotTable(vault.slots)]);
  const mac = createHmac('sha256', deriveSubkey(dataKey, vault.vaultId, 'header'))
    .update(header)
    .digest();
  const checked = concat([header, mac]);
  const checksum = createHash('sha256').update(checked).digest();
  return concat([checked, checksum, vault.body]);
}

/**
 * Parses vault bytes and verifies the unkeyed checksum. Throws E_UNSUPPORTED_FORMAT for a
 * file that is not a latch vault or is a newer version, E_TAMPERED for anything malformed.
 * Nothing is decrypted here.
 */
export function decodeVault(bytes: Uint8Array): SealedVault {
  if (bytes.length < fixedLength || !magic.every((byte, index) => bytes[index] === byte)) {
    if (bytes.length >= 4 && magic.subarray(0, 4).every((byte, index) => bytes[index] === byte)) {
      throw tampered('bad magic');
    }
    throw new LatchError(
      'E_UNSUPPORTED_FORMAT',
      'the vault file is not a latch vault (empty, or another kind of file); restore it from vault.prev or a backup',
    );
  }
  let offset = fixedLength;
  const need = (count: number): Uint8Array => {
    if (offset + count > bytes.length) throw tampered('truncated header');
    const part = bytes.subarray(offset, offset + count);
    offset += count;
    return part;
  };
  const slotCount = need(1)[0]!;
  const slots: KeySlot[] = [];
  for (let index = 0; index < slotCount; index++) {
    const [type, high, low] = need(3);
    const params = need((high! << 8) | low!).slice();
    slots.push({
      type: type!,
      params,
      nonce: need(nonceLength).slice(),
      wrappedKey: need(wrappedLength).slice(),
    });
  }
  const headerEnd = offset;
  const mac = need(macLength).slice();
  const checksum = need(checksumLength);
  const expected = createHash('sha256')
    .update(bytes.subarray(0, headerEnd + macLength))
    .digest();
  if (!timingSafeEqual(expected, checksum)) throw tampered('header checksum mismatch');
  // The checksum passed, so these checks catch only a file that latch did not write.
  if (bytes[8] !== formatVersion) {
    throw new LatchError(
      'E_UNSUPPORTED_FORMAT',
      `vault format version ${bytes[8]} is newer than this latch understands; upgrade latch`,
    );
  }
  if (slotCount === 0 || slotCount > maxSlots) throw tampered('bad key slot count');
  if (bytes.length - offset < nonceLength + tagLength) throw tampered('truncated body');
  return { vaultId: bytes.slice(9, fixedLength), slots, body: bytes.slice(offset), mac };
}

/**
 * Verifies the header MAC and decrypts the body with an unwrapped data key. Throws
 * E_TAMPERED when either fails; never returns partial plaintext.
 */
export function openBody(vault: SealedVault, dataKey: Uint8Array): Uint8Array {
  const header = concat([fixedHeader(vault.vaultId), encodeSlotTable(vault.slots)]);
  const mac = createHmac('sha256', deriveSubkey(dataKey, vault.vaultId, 'header'))
    .update(header)
    .digest();
  if (!vault.mac || !timingSafeEqual(mac, vault.mac)) throw tampered('header authentication failed');
  const key = deriveSubkey(dataKey, vault.vaultId, 'body');
  const nonce = vault.body.subarray(0, nonceLength);
  const plaintext = openBytes(key, nonce, vault.body.subarray(nonceLength), fixedHeader(vault.vaultId));
  if (!plaintext) throw tampered('body authentication failed');
  return plaintext;
}
