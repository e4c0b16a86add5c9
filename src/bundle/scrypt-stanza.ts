/**
 * age's scrypt recipient stanza (age-encryption.org/v1, "scrypt recipient stanza") computed
 * with node:crypto, which runs OpenSSL's scrypt: the pure-JavaScript scrypt inside
 * age-encryption is several times slower than the Go `age`, and scrypt's cost is the whole
 * defence of a copied bundle, so a guess through latch must cost what it costs elsewhere.
 * Bytes in, bytes out: no fs, env or process.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { type Identity, type Recipient, Stanza } from 'age-encryption';

/** The work factor latch writes (log2 N); age-encryption and age refuse more than 20. */
export const defaultWorkFactor = 18;
export const maxWorkFactor = 20;

const label = 'age-encryption.org/v1/scrypt';
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

/** scrypt(passphrase, label || salt, N = 2^logN, r = 8, p = 1), 32 bytes, off the main thread. */
function deriveKey(passphrase: Uint8Array, salt: Uint8Array, logN: number): Promise<Buffer> {
  const labelAndSalt = Buffer.concat([Buffer.from(label), salt]);
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase,
      labelAndSalt,
      32,
      { N: 2 ** logN, r: 8, p: 1, maxmem: 129 * 8 * 2 ** logN + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

const zeroNonce = Buffer.alloc(12);

/** Wraps a file key to a passphrase: one `scrypt` stanza, which must be the file's only one. */
export class PassphraseRecipient implements Recipient {
  constructor(
    private readonly passphrase: Uint8Array,
    private readonly logN = defaultWorkFactor,
  ) {}

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await deriveKey(this.passphrase, salt, this.logN);
    const cipher = createCipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
    key.fill(0);
    return [new Stanza(['scrypt', base64(salt), String(this.logN)], body)];
  }
}

/** Why a file's header cannot be opened with a passphrase (thrown by PassphraseIdentity). */
export class StanzaError extends Error {
  constructor(readonly reason: 'not-passphrase' | 'malformed' | 'work-factor') {
    super(reason);
  }
}

/**
 * Unwraps a file key with a passphrase. Returns null when the passphrase is wrong (the
 * stanza's tag does not verify); throws StanzaError when the file is not a passphrase file
 * (`not-passphrase`), its stanza is malformed, or its work factor is above 20.
 */
export class PassphraseIdentity implements Identity {
  constructor(private readonly passphrase: Uint8Array) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const stanza = stanzas.find((candidate) => candidate.args[0] === 'scrypt');
    if (!stanza) throw new StanzaError('not-passphrase');
    // The spec: a scrypt stanza must be alone, or anyone could add a recipient to the file.
    if (stanzas.length !== 1 || stanza.args.length !== 3) throw new StanzaError('malformed');
    const [, saltText, logNText] = stanza.args as [string, string, string];
    if (!/^[1-9][0-9]*$/.test(logNText)) throw new StanzaError('malformed');
    const logN = Number(logNText);
    if (logN > maxWorkFactor) throw new StanzaError('work-factor');
    if (!/^[A-Za-z0-9+/]{22}$/.test(saltText)) throw new StanzaError('malformed');
    const salt = Buffer.from(saltText, 'base64');
    if (salt.length !== 16 || stanza.body.length !== 32) throw new StanzaError('malformed');
    const key = await deriveKey(this.passphrase, salt, logN);
    const decipher = createDecipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: 16 });
    decipher.setAuthTag(stanza.body.subarray(16));
    try {
      return new Uint8Array(Buffer.concat([decipher.update(stanza.body.subarray(0, 16)), decipher.final()]));
    } catch {
      return null;
    } finally {
      key.fill(0);
    }
  }
}
