/**
 * Armored age files (age-encryption.org/v1) through the `age-encryption` package, loaded
 * only when a team command runs: it is required from node_modules (like hash-wasm in
 * vault/kdf.ts), so neither the CLI bundle nor `latch run`'s start-up carry it. The
 * recipient stanzas are latch's own (x25519.ts, on node:crypto); the package does the
 * header MAC, the STREAM payload and the armor.
 */
import { createRequire } from 'node:module';
import type { Identity, Recipient } from './keys.js';
import type { StanzaParts } from './x25519.js';

type AgeModule = typeof import('age-encryption');

let loaded: AgeModule | undefined;

function ageModule(): AgeModule {
  loaded ??= createRequire(import.meta.url)('age-encryption') as AgeModule;
  return loaded;
}

/** Encrypts `plaintext` to every recipient; returns the armored file (ends with a newline). */
export async function encryptArmored(plaintext: Uint8Array, recipients: Recipient[]): Promise<string> {
  const age = ageModule();
  const encrypter = new age.Encrypter();
  for (const recipient of recipients) {
    encrypter.addRecipient({
      wrapFileKey: (fileKey) => [recipient.wrap(fileKey) as InstanceType<AgeModule['Stanza']>],
    });
  }
  return age.armor.encode(await encrypter.encrypt(plaintext));
}

/** The stanzas of an armored file's header (type and arguments), or null when it is not one. */
export function headerStanzas(armored: string): string[][] | null {
  let binary: Uint8Array;
  try {
    binary = ageModule().armor.decode(armored);
  } catch {
    return null;
  }
  const text = Buffer.from(binary).toString('latin1');
  const end = text.indexOf('\n---');
  if (!text.startsWith('age-encryption.org/v1\n') || end < 0) return null;
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.startsWith('-> '))
    .map((line) => line.slice(3).split(' '));
}

/** Why a file could not be read: not encrypted to the identity, or not a whole age file. */
export type DecryptFailure = 'not-for-me' | 'malformed';

/**
 * Decrypts an armored file with `identity`. Returns the plaintext, or the failure: a file
 * whose stanzas are all for other keys is `not-for-me`; a bad armor, header, MAC or payload
 * (tampered, truncated) is `malformed`.
 */
export async function decryptArmored(
  armored: string,
  identity: Identity,
): Promise<Uint8Array | DecryptFailure> {
  const age = ageModule();
  let binary: Uint8Array;
  try {
    binary = age.armor.decode(armored);
  } catch {
    return 'malformed';
  }
  let matched = false;
  const decrypter = new age.Decrypter();
  decrypter.addIdentity({
    unwrapFileKey: (stanzas: StanzaParts[]) => {
      const key = identity.unwrap(stanzas);
      matched = key !== null;
      return key;
    },
  });
  try {
    return await decrypter.decrypt(binary);
  } catch {
    return matched ? 'malformed' : headerStanzas(armored) ? 'not-for-me' : 'malformed';
  }
}
