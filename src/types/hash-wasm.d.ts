/**
 * hash-wasm ships one UMD file per algorithm without its own declarations; kdf.ts imports
 * the Argon2id one (a CommonJS module, so its exports arrive as `default`).
 */
declare module 'hash-wasm/dist/argon2.umd.min.js' {
  const argon2: Pick<typeof import('hash-wasm'), 'argon2id'>;
  export default argon2;
}
