/**
 * Passphrase key derivation: Argon2id (RFC 9106) through hash-wasm's WebAssembly build.
 * The parameters travel in the vault header, so a vault made with other parameters (older
 * defaults, or cheap ones for tests) still opens.
 */
import { LatchError } from '../shared/errors.js';

export interface KdfParams {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes. */
export const defaultKdfParams: KdfParams = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 };

/**
 * Bounds a header may carry. A flipped bit must not make latch allocate gigabytes or spin
 * for minutes before it notices; anything outside these is refused as corrupt.
 */
const limits = {
  memoryKiB: [8 * 1024, 4 * 1024 * 1024],
  iterations: [1, 64],
  parallelism: [1, 16],
} as const;

/** Returns true when the parameters are inside the bounds latch accepts. */
export function isAcceptableKdf(params: KdfParams): boolean {
  return (Object.keys(limits) as (keyof KdfParams)[]).every((key) => {
    const [low, high] = limits[key];
    const value = params[key];
    return Number.isInteger(value) && value >= low && value <= high;
  });
}

/**
 * Parses `m=65536,t=3,p=4` (memory in KiB). Used by `LATCH_KDF_PARAMS` for tests and slow
 * machines. Throws E_USAGE on malformed text or out-of-bounds values.
 */
export function parseKdfParams(text: string): KdfParams {
  const fields = new Map(text.split(',').map((part) => part.trim().split('=') as [string, string]));
  const params: KdfParams = {
    memoryKiB: Number(fields.get('m')),
    iterations: Number(fields.get('t')),
    parallelism: Number(fields.get('p')),
  };
  if (!isAcceptableKdf(params)) {
    throw new LatchError('E_USAGE', `bad kdf parameters "${text}": use m=KiB,t=N,p=N with m at least 8192`);
  }
  return params;
}

/**
 * Derives a 32-byte key-encryption key from a passphrase. hash-wasm is loaded here, and
 * only its Argon2id build (30 KB, not the 280 KB of every algorithm): a command unlocked by
 * a session never derives a key, so it never pays for loading it. It is required from
 * node_modules, not imported: the CLI's bundle leaves it out (scripts/bundle-cli.mjs) and
 * runs as a vm.Script, which has no `import()`.
 */
type Argon2Module = typeof import('hash-wasm/dist/argon2.umd.min.js')['default'];

export async function deriveKey(
  passphrase: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  // node:module too is loaded only here (Node >= 20.16 has getBuiltinModule): a command
  // that derives nothing never loads it.
  const { createRequire } = process.getBuiltinModule('node:module');
  const { argon2id } = createRequire(import.meta.url)('hash-wasm/dist/argon2.umd.min.js') as Argon2Module;
  return argon2id({
    password: passphrase,
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
}
