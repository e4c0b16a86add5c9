/**
 * The plaintext of one shared secret file, `.latch/envs/<env>/<NAME>.age` (docs/format.md):
 * a JSON document with the value and what a merge needs (when it was created and last
 * changed, by which key) and the fingerprints it was encrypted to (for `push` and `team
 * verify`). Pure.
 */
import { LatchError } from '../shared/errors.js';

export interface SharedSecret {
  environment: string;
  name: string;
  value: Uint8Array;
  created: string;
  updated: string;
  /** Fingerprint of the key of the member who wrote this value. */
  by: string;
  /** Fingerprints of the recipients the file was encrypted to, sorted. */
  to: string[];
}

const version = 1;

/** Serialises a shared secret for encryption. */
export function encodeSharedSecret(secret: SharedSecret): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      v: version,
      env: secret.environment,
      name: secret.name,
      value: Buffer.from(secret.value).toString('base64'),
      created: secret.created,
      updated: secret.updated,
      by: secret.by,
      to: secret.to,
    }),
  );
}

/**
 * Parses a decrypted file. Throws E_TAMPERED when it is not latch's document, or names
 * another environment or secret than its path (a file copied over another one).
 */
export function decodeSharedSecret(
  plaintext: Uint8Array,
  environment: string,
  name: string,
  shown: string,
): SharedSecret {
  const tampered = (why: string) =>
    new LatchError('E_TAMPERED', `${shown}: ${why}; restore it from git history (git log -- ${shown})`);
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw tampered('the decrypted file is not a latch secret');
  }
  const strings = ['env', 'name', 'value', 'created', 'updated', 'by'] as const;
  if (
    document.v !== version ||
    strings.some((key) => typeof document[key] !== 'string') ||
    !Array.isArray(document.to)
  ) {
    throw tampered('the decrypted file is not a latch secret (version 1)');
  }
  if (document.env !== environment || document.name !== name) {
    throw tampered(
      `it holds ${String(document.name)} of ${String(document.env)}, not ${name} of ${environment}`,
    );
  }
  return {
    environment,
    name,
    value: new Uint8Array(Buffer.from(document.value as string, 'base64')),
    created: document.created as string,
    updated: document.updated as string,
    by: document.by as string,
    to: (document.to as unknown[]).filter((item): item is string => typeof item === 'string'),
  };
}
