#!/usr/bin/env node
/**
 * Bundles the CLI (src/cli/bin.ts) into dist/cli/bin.js with esbuild, after `tsc` has built
 * the library (dist/index.js and its .d.ts). Why a bundle: Node resolves, reads and compiles
 * every module file on its own, and `latch run` loaded about 120 of them (yaml alone is 74
 * CommonJS files), a cost paid on every command. ESM with code splitting keeps each
 * command, yaml (the manifest parser, needed only when the manifest cache misses) and
 * hash-wasm (Argon2id, needed only when a passphrase is derived) in chunks loaded by
 * `import()` when used, so `latch run` reads a handful of files.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repository = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${repository}dist/cli`;

// Chunk names carry a content hash; clear the old ones so dist/ holds one build's worth.
rmSync(`${outdir}/chunks`, { recursive: true, force: true });

await build({
  absWorkingDir: repository,
  // scan-worker: the worker threads of a large `latch scan` (src/cli/scan-engine.ts).
  entryPoints: { bin: 'src/cli/bin.ts', 'scan-worker': 'src/cli/scan-worker.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // A native addon: loaded from node_modules at run time, and only when a keychain is used.
  external: ['@napi-rs/keyring'],
  // yaml's Node build is CommonJS and calls require('process'); an ES module has no
  // `require`, so give the bundle one (esbuild's shim would throw "Dynamic require").
  banner: {
    js: "import { createRequire as __latchCreateRequire } from 'node:module'; const require = __latchCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
