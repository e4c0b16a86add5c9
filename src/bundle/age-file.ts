/**
 * age files (age-encryption.org/v1) as latch writes and reads them: sealed to a passphrase
 * (one scrypt stanza, scrypt-stanza.ts) or to recipients, ASCII-armored; opened from armor
 * or binary. Failures are classified so a person learns whether the password was wrong
 * (null), the file is damaged, or it is not the kind of file expected. Bytes in, bytes out.
 */
import { armor, Decrypter, Encrypter, type Identity, type Stanza } from 'age-encryption';
import { LatchError } from '../shared/errors.js';
import { PassphraseIdentity, PassphraseRecipient, StanzaError } from './scrypt-stanza.js';

const armorBegin = '-----BEGIN AGE ENCRYPTED FILE-----';
const binaryMagic = 'age-encryption.org/v1\n';

/** Encrypts `plaintext` to a passphrase (scrypt, work factor `logN`), ASCII-armored. */
export async function sealWithPassphrase(plaintext: Uint8Array, passphrase: Uint8Array, logN?: number) {
  const encrypter = new Encrypter();
  encrypter.addRecipient(new PassphraseRecipient(passphrase, logN));
  return armor.encode(await encrypter.encrypt(plaintext));
}

/** Encrypts `plaintext` to age recipients (`age1...`), ASCII-armored. Throws E_USAGE for a bad one. */
export async function sealToRecipients(plaintext: Uint8Array, recipients: readonly string[]) {
  const encrypter = new Encrypter();
  for (const recipient of recipients) {
    try {
      encrypter.addRecipient(recipient);
    } catch {
      throw new LatchError('E_USAGE', `${recipient.slice(0, 12)}... is not an age recipient (age1...)`);
    }
  }
  return armor.encode(await encrypter.encrypt(plaintext));
}

/** The binary age file in `file` (armored or not); throws E_UNSUPPORTED_FORMAT when it is neither. */
function binaryOf(file: Uint8Array, shown: string): Uint8Array {
  const start = Buffer.from(file.subarray(0, 64)).toString('latin1').trimStart();
  if (start.startsWith(armorBegin)) {
    try {
      return armor.decode(Buffer.from(file).toString('latin1'));
    } catch {
      throw new LatchError('E_TAMPERED', `${shown} is a damaged or truncated age file (bad armor)`);
    }
  }
  if (start.startsWith(binaryMagic)) return file;
  throw new LatchError('E_UNSUPPORTED_FORMAT', `${shown} is not an age file`);
}

/**
 * Decrypts an age file with a passphrase. Returns null when the passphrase is wrong. Throws
 * E_UNSUPPORTED_FORMAT when `file` is not age or is encrypted to keys rather than a
 * passphrase, E_TAMPERED when it is truncated or changed, naming `shown` in both.
 */
export async function openWithPassphrase(
  file: Uint8Array,
  passphrase: Uint8Array,
  shown: string,
): Promise<Uint8Array | null> {
  const identity = new PassphraseIdentity(passphrase);
  let outcome: 'unwrapped' | 'wrong' | null = null;
  const watched: Identity = {
    async unwrapFileKey(stanzas: Stanza[]) {
      const key = await identity.unwrapFileKey(stanzas);
      outcome = key ? 'unwrapped' : 'wrong';
      return key;
    },
  };
  try {
    return await decryptWith(binaryOf(file, shown), watched);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    if (error instanceof StanzaError) {
      if (error.reason === 'not-passphrase')
        throw new LatchError('E_UNSUPPORTED_FORMAT', `${shown} is encrypted to age keys, not to a password`);
      if (error.reason === 'work-factor')
        throw new LatchError(
          'E_UNSUPPORTED_FORMAT',
          `${shown} asks for a scrypt work factor above 20; refused`,
        );
    }
    if (outcome === 'wrong') return null;
    throw new LatchError('E_TAMPERED', `${shown} is damaged, truncated or was changed; get a good copy`);
  }
}

/**
 * Decrypts an age file with identities (`AGE-SECRET-KEY-1...`). Throws E_BAD_PASSPHRASE when
 * none matches, E_UNSUPPORTED_FORMAT / E_TAMPERED as openWithPassphrase does.
 */
export async function openWithIdentities(file: Uint8Array, identities: readonly string[], shown: string) {
  const binary = binaryOf(file, shown);
  const decrypter = new Decrypter();
  for (const identity of identities) {
    try {
      decrypter.addIdentity(identity);
    } catch {
      throw new LatchError('E_USAGE', 'the identity file holds no age identity (AGE-SECRET-KEY-1...)');
    }
  }
  try {
    return await decrypter.decrypt(binary);
  } catch (error) {
    if (/no identity matched/.test((error as Error).message ?? ''))
      throw new LatchError(
        'E_BAD_PASSPHRASE',
        `none of the given keys opens ${shown}; pass the identity it was made for`,
      );
    throw new LatchError('E_TAMPERED', `${shown} is damaged, truncated or was changed; get a good copy`);
  }
}

async function decryptWith(binary: Uint8Array, identity: Identity): Promise<Uint8Array> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return decrypter.decrypt(binary);
}
