/**
 * Inputs of the committed vault known-answer vector (test/vectors/vault-v1.json). Every
 * random choice is fixed, so the same inputs must give the same bytes in any version.
 */
import {
  encodePassphraseParams,
  encodeVault,
  passphraseSlotType,
  sealBody,
  wrapDataKey,
} from '../../src/vault/format.js';
import { deriveKey, type KdfParams } from '../../src/vault/kdf.js';
import { VaultContents } from '../../src/vault/vault.js';

const fill = (length: number, start: number) =>
  Uint8Array.from({ length }, (_, index) => (start + index) & 0xff);

export const vectorInputs = {
  passphrase: 'correct horse battery staple',
  vaultId: fill(16, 0x10),
  dataKey: fill(32, 0x40),
  salt: fill(16, 0x80),
  slotNonce: fill(12, 0xa0),
  bodyNonce: fill(12, 0xc0),
  kdf: { memoryKiB: 8192, iterations: 1, parallelism: 1 } satisfies KdfParams,
  created: '2026-01-02T03:04:05.000Z',
};

/** The contents the vector holds: one project, two environments, a text and a binary secret. */
export function vectorContents(): VaultContents {
  const contents = VaultContents.empty();
  contents.putProject('myapp', {
    environments: {
      dev: {
        protected: false,
        secrets: {
          API_KEY: {
            value: new TextEncoder().encode('sk-test-0123456789abcdef'),
            created: vectorInputs.created,
            updated: vectorInputs.created,
            description: 'used by the summarizer',
            versions: [
              {
                value: new TextEncoder().encode('old-value-1'),
                created: vectorInputs.created,
                replaced: vectorInputs.created,
              },
            ],
          },
        },
      },
      prod: {
        protected: true,
        secrets: {
          TLS_KEY: {
            value: Uint8Array.of(0, 1, 2, 0xff, 0xfe),
            created: vectorInputs.created,
            updated: vectorInputs.created,
            versions: [],
          },
        },
      },
    },
  });
  return contents;
}

/** Builds the vector's bytes from its inputs. */
export async function buildVectorVault(): Promise<Uint8Array> {
  const { vaultId, dataKey, salt, slotNonce, bodyNonce, kdf, passphrase } = vectorInputs;
  const params = encodePassphraseParams({ kdf, salt });
  const keyEncryptionKey = await deriveKey(new TextEncoder().encode(passphrase), salt, kdf);
  const slot = wrapDataKey(vaultId, passphraseSlotType, params, keyEncryptionKey, dataKey, slotNonce);
  const body = sealBody(vaultId, dataKey, vectorContents().encode(), bodyNonce);
  return encodeVault({ vaultId, slots: [slot], body }, dataKey);
}
