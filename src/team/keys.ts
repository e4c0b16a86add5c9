/**
 * Recipients and identities as text: `age1...` X25519 recipients and `AGE-SECRET-KEY-1...`
 * identities (bech32, BIP 173), `ssh-ed25519 AAAA...` public keys and unencrypted OpenSSH
 * ed25519 private keys, and the fingerprint a person reads aloud to check a key. Pure.
 */
import { createHash } from 'node:crypto';
import { LatchError } from '../shared/errors.js';
import {
  ed25519SeedToX25519,
  type SshEd25519Key,
  type StanzaParts,
  sshEd25519Key,
  unwrapSshEd25519,
  unwrapX25519,
  wrapSshEd25519,
  wrapX25519,
  type X25519Point,
  x25519Point,
  x25519PrivateKey,
  x25519Secret,
} from './x25519.js';

const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function polymod(values: number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let checksum = 1;
  for (const value of values) {
    const top = checksum >> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) if ((top >> bit) & 1) checksum ^= generators[bit]!;
  }
  return checksum;
}

function expandPrefix(prefix: string): number[] {
  const codes = [...prefix].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >> 5), 0, ...codes.map((code) => code & 31)];
}

function convertBits(data: number[], from: number, to: number, pad: boolean): number[] | null {
  let accumulator = 0;
  let bits = 0;
  const out: number[] = [];
  for (const value of data) {
    accumulator = (accumulator << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((accumulator >> bits) & ((1 << to) - 1));
    }
  }
  if (pad && bits > 0) out.push((accumulator << (to - bits)) & ((1 << to) - 1));
  else if (!pad && (bits >= from || (accumulator << (to - bits)) & ((1 << to) - 1))) return null;
  return out;
}

/** Bech32-encodes `bytes` under `prefix` (lowercase). */
export function bech32Encode(prefix: string, bytes: Uint8Array): string {
  const data = convertBits([...bytes], 8, 5, true)!;
  const check = polymod([...expandPrefix(prefix), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, index) => (check >> (5 * (5 - index))) & 31);
  return `${prefix}1${[...data, ...checksum].map((value) => charset[value]).join('')}`;
}

/** Decodes a bech32 string (one case only) into its prefix and bytes, or null when invalid. */
export function bech32Decode(text: string): { prefix: string; bytes: Uint8Array } | null {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return null;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || lower.length - separator < 7) return null;
  const values = [...lower.slice(separator + 1)].map((char) => charset.indexOf(char));
  if (values.includes(-1)) return null;
  const prefix = lower.slice(0, separator);
  if (polymod([...expandPrefix(prefix), ...values]) !== 1) return null;
  const bytes = convertBits(values.slice(0, -6), 5, 8, false);
  return bytes ? { prefix, bytes: new Uint8Array(bytes) } : null;
}

/** A member's public key, as written in `.latch/recipients`. */
export interface Recipient {
  kind: 'x25519' | 'ssh-ed25519';
  /** The canonical text: `age1...`, or `ssh-ed25519 AAAA...` without its comment. */
  text: string;
  wrap(fileKey: Uint8Array): StanzaParts;
}

function readSshString(bytes: Uint8Array, offset: number): { value: Uint8Array; next: number } | null {
  if (offset + 4 > bytes.length) return null;
  const length = new DataView(bytes.buffer, bytes.byteOffset + offset).getUint32(0);
  if (offset + 4 + length > bytes.length) return null;
  return { value: bytes.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}

function sshEd25519Public(wire: Uint8Array): Uint8Array | null {
  const type = readSshString(wire, 0);
  if (!type || Buffer.from(type.value).toString('latin1') !== 'ssh-ed25519') return null;
  const key = readSshString(wire, type.next);
  return key && key.value.length === 32 && key.next === wire.length ? key.value : null;
}

/**
 * Parses a recipient: `age1...` (X25519) or `ssh-ed25519 AAAA... [comment]`. Returns null
 * for anything else (the caller names the line).
 */
export function parseRecipient(text: string): Recipient | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('age1')) {
    const decoded = bech32Decode(trimmed);
    if (decoded?.prefix !== 'age' || decoded.bytes.length !== 32) return null;
    let point: X25519Point | undefined;
    return {
      kind: 'x25519',
      text: trimmed.toLowerCase(),
      wrap: (fileKey) => {
        point ??= x25519Point(decoded.bytes);
        return wrapX25519(fileKey, point);
      },
    };
  }
  const [type, base64] = trimmed.split(/\s+/);
  if (type !== 'ssh-ed25519' || !base64) return null;
  const wire = new Uint8Array(Buffer.from(base64, 'base64'));
  const edPublic = sshEd25519Public(wire);
  if (!edPublic || Buffer.from(wire).toString('base64') !== base64) return null;
  let key: SshEd25519Key | undefined;
  return {
    kind: 'ssh-ed25519',
    text: `ssh-ed25519 ${base64}`,
    wrap: (fileKey) => {
      key ??= sshEd25519Key(wire, edPublic);
      return wrapSshEd25519(fileKey, key);
    },
  };
}

/**
 * The fingerprint of a recipient: SHA-256 of its canonical text, the first 10 bytes in five
 * groups of four hex digits. Short enough to read over the phone, long enough that nobody
 * can make a second key with the same one.
 */
export function fingerprintOf(recipientText: string): string {
  const hex = createHash('sha256').update(recipientText).digest('hex').slice(0, 20);
  return hex.match(/.{4}/g)!.join(':');
}

/** True when `typed` is `fingerprint`, ignoring case, spaces and colons. */
export function sameFingerprint(typed: string, fingerprint: string): boolean {
  const plain = (text: string) => text.toLowerCase().replace(/[\s:]/g, '');
  return plain(typed) === plain(fingerprint) && plain(typed).length > 0;
}

/** Your own key: what decrypts, and the recipient others encrypt to. */
export interface Identity {
  /** The identity as stored in the vault (and exported): an age or OpenSSH secret key file. */
  text: string;
  recipient: Recipient;
  /** The file key from the stanzas, or null when none is for this identity; throws if malformed. */
  unwrap(stanzas: StanzaParts[]): Uint8Array | null;
}

function badIdentity(): LatchError {
  return new LatchError(
    'E_USAGE',
    'not an age identity (AGE-SECRET-KEY-1...) or an unencrypted OpenSSH ed25519 key; check the file',
  );
}

function x25519Identity(line: string): Identity {
  const decoded = bech32Decode(line);
  if (decoded?.prefix !== 'age-secret-key-' || decoded.bytes.length !== 32) throw badIdentity();
  const secret = x25519Secret(decoded.bytes);
  const recipient = parseRecipient(bech32Encode('age', secret.point))!;
  return {
    text: `${line.toUpperCase()}\n`,
    recipient,
    unwrap: (stanzas) => {
      for (const stanza of stanzas) {
        const key = unwrapX25519(stanza, secret);
        if (key) return key;
      }
      return null;
    },
  };
}

function opensshIdentity(text: string): Identity {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!body) throw badIdentity();
  const bytes = new Uint8Array(Buffer.from(body[1]!.replace(/\s+/g, ''), 'base64'));
  const magic = 'openssh-key-v1\0';
  if (Buffer.from(bytes.subarray(0, magic.length)).toString('latin1') !== magic) throw badIdentity();
  const fields: Uint8Array[] = [];
  let offset = magic.length;
  for (let index = 0; index < 3; index++) {
    const field = readSshString(bytes, offset);
    if (!field) throw badIdentity();
    fields.push(field.value);
    offset = field.next;
  }
  if (Buffer.from(fields[0]!).toString('latin1') !== 'none') {
    throw new LatchError(
      'E_USAGE',
      'the ssh key is passphrase-protected; import an unencrypted copy (ssh-keygen -p -N "" on a copy)',
    );
  }
  offset += 4; // the number of keys: one
  const publicWire = readSshString(bytes, offset);
  const privateBlock = publicWire && readSshString(bytes, publicWire.next);
  if (!publicWire || !privateBlock) throw badIdentity();
  const edPublic = sshEd25519Public(publicWire.value);
  const block = privateBlock.value;
  const type = readSshString(block, 8);
  const publicAgain = type && readSshString(block, type.next);
  const secret = publicAgain && readSshString(block, publicAgain.next);
  if (!edPublic || !secret || secret.value.length !== 64) throw badIdentity();
  const scalar = x25519PrivateKey(ed25519SeedToX25519(secret.value.subarray(0, 32)));
  const wire = publicWire.value.slice();
  const sshKey = sshEd25519Key(wire, edPublic);
  const recipient = parseRecipient(`ssh-ed25519 ${Buffer.from(wire).toString('base64')}`)!;
  return {
    text: `${body[0]}\n`,
    recipient,
    unwrap: (stanzas) => {
      for (const stanza of stanzas) {
        const key = unwrapSshEd25519(stanza, sshKey, scalar);
        if (key) return key;
      }
      return null;
    },
  };
}

/**
 * Parses an identity file: `age-keygen` output (comments and one AGE-SECRET-KEY-1 line) or an
 * unencrypted OpenSSH ed25519 private key. Throws E_USAGE for anything else.
 */
export function parseIdentity(text: string): Identity {
  if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) return opensshIdentity(text);
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (keys.length !== 1 || !keys[0]!.startsWith('AGE-SECRET-KEY-1')) throw badIdentity();
  return x25519Identity(keys[0]!);
}
