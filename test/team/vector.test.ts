/**
 * The committed known-answer vector of a secret file (test/vectors/team-v1.json): made by
 * the age CLI, read by latch's decryption and plaintext parser as docs/format.md describes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptArmored } from '../../src/team/age.js';
import { parseIdentity } from '../../src/team/keys.js';
import { decodeSharedSecret, encodeSharedSecret } from '../../src/team/secret-file.js';

const vector = JSON.parse(readFileSync(new URL('../vectors/team-v1.json', import.meta.url), 'utf8')) as {
  identity: string;
  recipient: string;
  environment: string;
  name: string;
  value: string;
  file: string;
  plaintext: string;
};

describe('team file vector v1', () => {
  it('decrypts to the documented plaintext and parses to the value', async () => {
    const identity = parseIdentity(vector.identity);
    expect(identity.recipient.text).toBe(vector.recipient);
    const plaintext = await decryptArmored(vector.file, identity);
    expect(Buffer.from(plaintext as Uint8Array).toString()).toBe(vector.plaintext);
    const secret = decodeSharedSecret(plaintext as Uint8Array, vector.environment, vector.name, 'vector');
    expect(Buffer.from(secret.value).toString()).toBe(vector.value);
    expect(Buffer.from(encodeSharedSecret(secret)).toString()).toBe(vector.plaintext);
  });

  it('refuses the same file under another name (a file copied over another)', async () => {
    const plaintext = (await decryptArmored(vector.file, parseIdentity(vector.identity))) as Uint8Array;
    expect(() => decodeSharedSecret(plaintext, vector.environment, 'OTHER', 'x')).toThrow(
      /holds API_KEY of dev/,
    );
    expect(() => decodeSharedSecret(plaintext, 'prod', vector.name, 'x')).toThrow(/not API_KEY of prod/);
  });
});
