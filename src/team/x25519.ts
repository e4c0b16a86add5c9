/**
 * The two recipient stanzas latch writes and reads (age-encryption.org/v1, "X25519" and
 * "ssh-ed25519"), on node:crypto: the npm age package's own X25519 runs in JavaScript, about
 * 3 ms a stanza, and a push of 50 files to 10 members wraps 500 file keys. Pure apart from
 * node:crypto: bytes in, stanza parts out. `unwrap*` return null for a stanza that is not
 * for the key ("not for me") and throw only for one that is malformed.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

/** A stanza as the age header holds it: its arguments and its binary body. */
export interface StanzaParts {
  args: string[];
  body: Uint8Array;
}

const x25519Label = 'age-encryption.org/v1/X25519';
const sshLabel = 'age-encryption.org/v1/ssh-ed25519';
const pkcs8Prefix = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** Base64 without padding, as age writes stanza arguments and bodies. */
export function rawBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/** Decodes a canonical unpadded base64 argument, or returns null. */
export function fromRawBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return rawBase64(bytes) === text ? new Uint8Array(bytes) : null;
}

/** An X25519 private key object from a 32-byte scalar (made once per identity: it is slow). */
export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, scalar]), format: 'der', type: 'pkcs8' });
}

/** An X25519 public key object from its 32 bytes. */
export function x25519PublicKey(point: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(point).toString('base64url') },
    format: 'jwk',
  });
}

function rawPublic(key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url'));
}

/** X25519 with key objects; null for the all-zero result age refuses (a low-order point). */
function agree(privateKey: KeyObject, publicKey: KeyObject): Uint8Array | null {
  try {
    const shared = new Uint8Array(diffieHellman({ privateKey, publicKey }));
    return shared.some((byte) => byte !== 0) ? shared : null;
  } catch {
    return null;
  }
}

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
}

const zeroNonce = Buffer.alloc(12);

function seal(key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
  return new Uint8Array(Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]));
}

function open(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  if (body.length !== 32) return null;
  const decipher = createDecipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
  decipher.setAuthTag(body.subarray(16));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body.subarray(0, 16)), decipher.final()]));
  } catch {
    return null;
  }
}

function ephemeral(): { privateKey: KeyObject; share: Uint8Array } {
  // generateKeyPairSync is ~20 times faster than importing a random scalar.
  const pair = generateKeyPairSync('x25519');
  return { privateKey: pair.privateKey, share: rawPublic(pair.publicKey) };
}

/** An X25519 recipient's bytes and key object, made once and used for every file. */
export interface X25519Point {
  point: Uint8Array;
  key: KeyObject;
}

/** Prepares a recipient point for wrapping. */
export function x25519Point(point: Uint8Array): X25519Point {
  return { point, key: x25519PublicKey(point) };
}

/** Wraps `fileKey` to an X25519 public key: the `-> X25519 SHARE` stanza. */
export function wrapX25519(fileKey: Uint8Array, recipient: X25519Point): StanzaParts {
  const { privateKey, share } = ephemeral();
  const shared = agree(privateKey, recipient.key);
  if (!shared) throw new Error('invalid X25519 recipient');
  const key = hkdf(shared, Buffer.concat([share, recipient.point]), x25519Label);
  return { args: ['X25519', rawBase64(share)], body: seal(key, fileKey) };
}

/** An identity's scalar as key objects, made once and used for every file. */
export interface X25519Secret {
  key: KeyObject;
  point: Uint8Array;
}

/** Prepares a secret scalar for unwrapping. */
export function x25519Secret(scalar: Uint8Array): X25519Secret {
  const key = x25519PrivateKey(scalar);
  return { key, point: rawPublic(createPublicKey(key)) };
}

/**
 * The file key from an X25519 stanza for `secret`, or null when it is not for this key.
 * Throws for an X25519 stanza that is malformed (age: the file is invalid).
 */
export function unwrapX25519(stanza: StanzaParts, secret: X25519Secret): Uint8Array | null {
  if (stanza.args[0] !== 'X25519') return null;
  const share = stanza.args.length === 2 ? fromRawBase64(stanza.args[1]!) : null;
  if (!share || share.length !== 32 || stanza.body.length !== 32) throw new Error('malformed X25519 stanza');
  const shared = agree(secret.key, x25519PublicKey(share));
  if (!shared) throw new Error('malformed X25519 stanza');
  const key = hkdf(shared, Buffer.concat([share, secret.point]), x25519Label);
  return open(key, stanza.body);
}

const fieldPrime = 2n ** 255n - 19n;

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let square = base % fieldPrime;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % fieldPrime;
    square = (square * square) % fieldPrime;
  }
  return result;
}

/** The Montgomery (X25519) form of an Ed25519 public key: u = (1 + y) / (1 - y) (RFC 7748, 4.1). */
export function ed25519ToX25519(publicKeyBytes: Uint8Array): Uint8Array {
  const little = Buffer.from(publicKeyBytes).reverse();
  const y = BigInt(`0x${little.toString('hex')}`) & ((1n << 255n) - 1n);
  const u = ((1n + y) * modPow((1n - y + fieldPrime) % fieldPrime, fieldPrime - 2n)) % fieldPrime;
  return new Uint8Array(Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse());
}

/** The X25519 scalar of an Ed25519 private seed: the first half of SHA-512(seed). */
export function ed25519SeedToX25519(seed: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha512').update(seed).digest().subarray(0, 32));
}

/** The 4-byte tag naming an ssh key in its stanzas: SHA-256 of the key's wire form. */
export function sshTag(sshKeyWire: Uint8Array): string {
  return rawBase64(createHash('sha256').update(sshKeyWire).digest().subarray(0, 4));
}

/** An ssh-ed25519 recipient prepared once: its wire form, Montgomery point and tweak. */
export interface SshEd25519Key {
  wire: Uint8Array;
  tag: string;
  point: X25519Point;
  tweak: KeyObject;
}

/** Prepares an ssh-ed25519 public key (its wire form and the 32-byte Ed25519 key). */
export function sshEd25519Key(wire: Uint8Array, edPublic: Uint8Array): SshEd25519Key {
  return {
    wire,
    tag: sshTag(wire),
    point: x25519Point(ed25519ToX25519(edPublic)),
    tweak: x25519PrivateKey(hkdf(new Uint8Array(0), wire, sshLabel)),
  };
}

function sshWrapKey(shared: Uint8Array, key: SshEd25519Key, share: Uint8Array) {
  const tweaked = agree(key.tweak, x25519PublicKey(shared));
  return tweaked && hkdf(tweaked, Buffer.concat([share, key.point.point]), sshLabel);
}

/** Wraps `fileKey` to an ssh-ed25519 key: the `-> ssh-ed25519 TAG SHARE` stanza. */
export function wrapSshEd25519(fileKey: Uint8Array, key: SshEd25519Key): StanzaParts {
  const { privateKey, share } = ephemeral();
  const shared = agree(privateKey, key.point.key);
  const wrapKey = shared && sshWrapKey(shared, key, share);
  if (!wrapKey) throw new Error('invalid ssh-ed25519 recipient');
  return { args: ['ssh-ed25519', key.tag, rawBase64(share)], body: seal(wrapKey, fileKey) };
}

/**
 * The file key from an ssh-ed25519 stanza for this key, or null when the stanza names another
 * key. Throws for a stanza with this key's tag that is malformed. `secret` is the X25519 form
 * of the ssh key's seed (`ed25519SeedToX25519`).
 */
export function unwrapSshEd25519(
  stanza: StanzaParts,
  key: SshEd25519Key,
  secret: KeyObject,
): Uint8Array | null {
  if (stanza.args[0] !== 'ssh-ed25519' || stanza.args[1] !== key.tag) return null;
  const share = stanza.args.length === 3 ? fromRawBase64(stanza.args[2]!) : null;
  if (!share || share.length !== 32 || stanza.body.length !== 32)
    throw new Error('malformed ssh-ed25519 stanza');
  const shared = agree(secret, x25519PublicKey(share));
  const wrapKey = shared && sshWrapKey(shared, key, share);
  if (!wrapKey) throw new Error('malformed ssh-ed25519 stanza');
  return open(wrapKey, stanza.body);
}
