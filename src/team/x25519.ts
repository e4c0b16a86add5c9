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
const spkiPrefix = Buffer.from('302a300506032b656e032100', 'hex');

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

function privateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, scalar]), format: 'der', type: 'pkcs8' });
}

function publicKey(point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([spkiPrefix, point]), format: 'der', type: 'spki' });
}

function rawPublic(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length));
}

/** X25519(scalar, point); null for the all-zero result age refuses (a low-order point). */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array | null {
  try {
    const shared = new Uint8Array(
      diffieHellman({ privateKey: privateKey(scalar), publicKey: publicKey(point) }),
    );
    return shared.some((byte) => byte !== 0) ? shared : null;
  } catch {
    return null;
  }
}

/** The X25519 public key of a 32-byte secret scalar. */
export function x25519Public(scalar: Uint8Array): Uint8Array {
  return rawPublic(createPublicKey(privateKey(scalar)));
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

function ephemeral(): { secret: Uint8Array; share: Uint8Array } {
  const pair = generateKeyPairSync('x25519');
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  return { secret: new Uint8Array(der.subarray(pkcs8Prefix.length)), share: rawPublic(pair.publicKey) };
}

/** Wraps `fileKey` to an X25519 public key: the `-> X25519 SHARE` stanza. */
export function wrapX25519(fileKey: Uint8Array, recipient: Uint8Array): StanzaParts {
  const { secret, share } = ephemeral();
  const shared = x25519(secret, recipient);
  if (!shared) throw new Error('invalid X25519 recipient');
  const key = hkdf(shared, Buffer.concat([share, recipient]), x25519Label);
  return { args: ['X25519', rawBase64(share)], body: seal(key, fileKey) };
}

/**
 * The file key from an X25519 stanza for `secret`, or null when it is not for this key.
 * Throws for an X25519 stanza that is malformed (age: the file is invalid).
 */
export function unwrapX25519(stanza: StanzaParts, secret: Uint8Array): Uint8Array | null {
  if (stanza.args[0] !== 'X25519') return null;
  const share = stanza.args.length === 2 ? fromRawBase64(stanza.args[1]!) : null;
  if (!share || share.length !== 32 || stanza.body.length !== 32) throw new Error('malformed X25519 stanza');
  const shared = x25519(secret, share);
  if (!shared) throw new Error('malformed X25519 stanza');
  const key = hkdf(shared, Buffer.concat([share, x25519Public(secret)]), x25519Label);
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

function sshWrapKey(shared: Uint8Array, sshKeyWire: Uint8Array, share: Uint8Array, point: Uint8Array) {
  const tweak = hkdf(new Uint8Array(0), sshKeyWire, sshLabel);
  const tweaked = x25519(tweak, shared);
  if (!tweaked) return null;
  return hkdf(tweaked, Buffer.concat([share, point]), sshLabel);
}

/** Wraps `fileKey` to an ssh-ed25519 key (its wire form): the `-> ssh-ed25519 TAG SHARE` stanza. */
export function wrapSshEd25519(
  fileKey: Uint8Array,
  sshKeyWire: Uint8Array,
  edPublic: Uint8Array,
): StanzaParts {
  const point = ed25519ToX25519(edPublic);
  const { secret, share } = ephemeral();
  const shared = x25519(secret, point);
  const key = shared && sshWrapKey(shared, sshKeyWire, share, point);
  if (!key) throw new Error('invalid ssh-ed25519 recipient');
  return { args: ['ssh-ed25519', sshTag(sshKeyWire), rawBase64(share)], body: seal(key, fileKey) };
}

/**
 * The file key from an ssh-ed25519 stanza for this key, or null when the stanza names another
 * key. Throws for a stanza with this key's tag that is malformed.
 */
export function unwrapSshEd25519(
  stanza: StanzaParts,
  sshKeyWire: Uint8Array,
  seed: Uint8Array,
): Uint8Array | null {
  if (stanza.args[0] !== 'ssh-ed25519' || stanza.args[1] !== sshTag(sshKeyWire)) return null;
  const share = stanza.args.length === 3 ? fromRawBase64(stanza.args[2]!) : null;
  if (!share || share.length !== 32 || stanza.body.length !== 32)
    throw new Error('malformed ssh-ed25519 stanza');
  const scalar = ed25519SeedToX25519(seed);
  const shared = x25519(scalar, share);
  const key = shared && sshWrapKey(shared, sshKeyWire, share, x25519Public(scalar));
  if (!key) throw new Error('malformed ssh-ed25519 stanza');
  return open(key, stanza.body);
}
