import { createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatchError } from '../../src/shared/errors.js';
import {
  decodePassphraseParams,
  decodeVault,
  encodePassphraseParams,
  encodeVault,
  openBody,
  passphraseSlotType,
  unwrapDataKey,
  wrapDataKey,
} from '../../src/vault/format.js';
import { deriveKey } from '../../src/vault/kdf.js';
import { VaultContents } from '../../src/vault/vault.js';
import { buildVectorVault, vectorInputs } from './vector.js';

const vector = JSON.parse(readFileSync(new URL('../vectors/vault-v1.json', import.meta.url), 'utf8')) as {
  vault: string;
  bodyPlaintext: string;
};
const vaultBytes = new Uint8Array(Buffer.from(vector.vault, 'hex'));
const passphrase = new TextEncoder().encode(vectorInputs.passphrase);

const derived = new Map<string, Promise<Uint8Array>>();
/** Argon2id is deterministic, so the same inputs may share one derivation (keeps the byte sweep fast). */
function deriveOnce(
  secret: Uint8Array,
  salt: Uint8Array,
  kdf: Parameters<typeof deriveKey>[2],
): Promise<Uint8Array> {
  const key = [
    Buffer.from(secret).toString('hex'),
    Buffer.from(salt).toString('hex'),
    JSON.stringify(kdf),
  ].join('/');
  if (!derived.has(key)) derived.set(key, deriveKey(secret, salt, kdf));
  return derived.get(key)!;
}

/** Opens vault bytes the way the store does: decode, derive, unwrap, open. */
async function openWithPassphrase(bytes: Uint8Array, secret: Uint8Array): Promise<Uint8Array> {
  const sealed = decodeVault(bytes);
  const slot = sealed.slots.find((candidate) => candidate.type === passphraseSlotType)!;
  const { kdf, salt } = decodePassphraseParams(slot.params);
  const dataKey = unwrapDataKey(sealed.vaultId, slot, await deriveOnce(secret, salt, kdf));
  if (!dataKey) throw new LatchError('E_BAD_PASSPHRASE', 'wrong passphrase');
  return openBody(sealed, dataKey);
}

describe('vault format v1 known-answer vector', () => {
  it('the same inputs produce the committed bytes', async () => {
    expect(Buffer.from(await buildVectorVault()).toString('hex')).toBe(vector.vault);
  });

  it('the committed bytes decrypt to the committed contents', async () => {
    const plaintext = await openWithPassphrase(vaultBytes, passphrase);
    expect(Buffer.from(plaintext).toString('hex')).toBe(vector.bodyPlaintext);
    const project = VaultContents.decode(plaintext).getProject('myapp')!;
    expect(new TextDecoder().decode(project.environments.dev!.secrets.API_KEY!.value)).toBe(
      'sk-test-0123456789abcdef',
    );
    expect(project.environments.dev!.secrets.API_KEY!.versions).toHaveLength(1);
    expect([...project.environments.prod!.secrets.TLS_KEY!.value]).toEqual([0, 1, 2, 0xff, 0xfe]);
    expect(project.environments.prod!.protected).toBe(true);
  });

  it('decrypts by following docs/format.md alone (offsets, HKDF labels, AAD)', async () => {
    // fixed header 25 bytes, slot count, one slot: type(1) length(2) params(25) nonce(12) wrapped(48)
    const fixed = vaultBytes.subarray(0, 25);
    const slotStart = 26;
    const params = vaultBytes.subarray(slotStart + 3, slotStart + 3 + 25);
    const nonce = vaultBytes.subarray(slotStart + 28, slotStart + 40);
    const wrapped = vaultBytes.subarray(slotStart + 40, slotStart + 88);
    const kek = await deriveKey(passphrase, params.subarray(9), {
      memoryKiB: 8192,
      iterations: 1,
      parallelism: 1,
    });
    const unwrap = createDecipheriv('aes-256-gcm', kek, nonce);
    unwrap.setAAD(Buffer.concat([fixed, Buffer.from([1, 0, 25]), params]));
    unwrap.setAuthTag(wrapped.subarray(32));
    const dataKey = Buffer.concat([unwrap.update(wrapped.subarray(0, 32)), unwrap.final()]);
    expect(dataKey.equals(Buffer.from(vectorInputs.dataKey))).toBe(true);
    const bodyStart = slotStart + 88 + 32 + 32;
    const bodyKey = Buffer.from(hkdfSync('sha256', dataKey, fixed.subarray(9), 'latch vault v1 body', 32));
    const body = vaultBytes.subarray(bodyStart);
    const decipher = createDecipheriv('aes-256-gcm', bodyKey, body.subarray(0, 12));
    decipher.setAAD(fixed);
    decipher.setAuthTag(body.subarray(body.length - 16));
    const plaintext = Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]);
    expect(plaintext.toString('hex')).toBe(vector.bodyPlaintext);
  });
});

describe('tampering and corruption', () => {
  it('flipping any single byte is refused as tampered (exit 6), never a crash or partial data', async () => {
    const outcomes = new Map<string, number>();
    for (let position = 0; position < vaultBytes.length; position++) {
      for (const mask of [0x01, 0x80]) {
        const copy = vaultBytes.slice();
        copy[position]! ^= mask;
        const error = await openWithPassphrase(copy, passphrase).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error, `byte ${position} mask ${mask}`).toBeInstanceOf(LatchError);
        expect((error as LatchError).exitCode, `byte ${position}: ${(error as Error).message}`).toBe(6);
        const code = (error as LatchError).code;
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    }
    expect(
      [...outcomes.keys()].every((code) => code === 'E_TAMPERED' || code === 'E_UNSUPPORTED_FORMAT'),
    ).toBe(true);
  });

  it('every truncation and an appended byte are refused as tampered', async () => {
    for (let length = 0; length < vaultBytes.length; length++) {
      const error = await openWithPassphrase(vaultBytes.slice(0, length), passphrase).catch(
        (caught: unknown) => caught,
      );
      expect((error as LatchError).exitCode, `length ${length}`).toBe(6);
    }
    const longer = new Uint8Array(vaultBytes.length + 1);
    longer.set(vaultBytes);
    await expect(openWithPassphrase(longer, passphrase)).rejects.toMatchObject({ code: 'E_TAMPERED' });
  });

  it('a wrong passphrase is an authentication failure (exit 3), not tampering', async () => {
    await expect(openWithPassphrase(vaultBytes, new TextEncoder().encode('wrong'))).rejects.toMatchObject({
      exitCode: 3,
    });
  });

  it('a file that is not a vault says so', () => {
    expect(() => decodeVault(new TextEncoder().encode('API_KEY=hello\n'))).toThrow(/not a latch vault/);
  });

  it('a newer format version is refused with advice to upgrade', () => {
    const sealed = decodeVault(vaultBytes);
    const bytes = encodeVault(sealed, vectorInputs.dataKey);
    bytes[8] = 2;
    // Recompute the unkeyed checksum so only the version differs.
    const headerEnd = 26 + 88 + 32;
    bytes.set(createHash('sha256').update(bytes.subarray(0, headerEnd)).digest(), headerEnd);
    expect(() => decodeVault(bytes)).toThrow(/newer than this latch/);
  });
});

describe('re-wrapping the data key', () => {
  it('replaces the slot and keeps the body bytes identical', async () => {
    const sealed = decodeVault(vaultBytes);
    const salt = new Uint8Array(16).fill(7);
    const kdf = { memoryKiB: 8192, iterations: 1, parallelism: 1 };
    const newPassphrase = new TextEncoder().encode('a new passphrase');
    const slot = wrapDataKey(
      sealed.vaultId,
      passphraseSlotType,
      encodePassphraseParams({ kdf, salt }),
      await deriveKey(newPassphrase, salt, kdf),
      vectorInputs.dataKey,
      new Uint8Array(12).fill(9),
    );
    const rewrapped = encodeVault({ ...sealed, slots: [slot] }, vectorInputs.dataKey);
    expect(
      Buffer.from(rewrapped.subarray(rewrapped.length - sealed.body.length)).equals(Buffer.from(sealed.body)),
    ).toBe(true);
    expect(Buffer.from(await openWithPassphrase(rewrapped, newPassphrase)).toString('hex')).toBe(
      vector.bodyPlaintext,
    );
    await expect(openWithPassphrase(rewrapped, passphrase)).rejects.toMatchObject({
      code: 'E_BAD_PASSPHRASE',
    });
  });
});
