#!/usr/bin/env node
/**
 * Bundles the CLI (src/cli/bin.ts) into dist/cli/bin.js with esbuild, after `tsc` has built
 * the library (dist/index.js and its .d.ts). Why a bundle: Node resolves, reads and compiles
 * every module file on its own, and `latch run` loaded about 120 of them (yaml alone is 74
 * CommonJS files), a cost paid on every command. ESM with code splitting keeps each
 * command and yaml (the manifest parser, needed only when the manifest cache misses) in
 * chunks loaded by `import()` when used, so `latch run` reads a handful of files. hash-wasm's
 * Argon2id (needed only when a passphrase is derived) is in neither build: src/vault/kdf.ts
 * requires it from node_modules.
 *
 * The `latch` command itself is dist/cli/latch.cjs (src/cli/latch.cjs): it runs a second
 * build of the same code, one CommonJS file (dist/cli/latch-main.cjs), with a V8 code cache
 * that scripts/code-cache.cjs makes by running the common commands once. Node's ES module
 * loader alone cost `latch run` several milliseconds per start; a CommonJS file compiled
 * from a code cache costs almost nothing beyond reading it. The ESM build stays for
 * bin.js, which git hooks installed by earlier versions name.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repository = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${repository}dist/cli`;

// Chunk names carry a content hash; clear the old ones so dist/ holds one build's worth.
rmSync(`${outdir}/chunks`, { recursive: true, force: true });

await build({
  absWorkingDir: repository,
  // scan-worker: the worker threads of a large `latch scan` (src/scan/engine.ts).
  entryPoints: { bin: 'src/cli/bin.ts', 'scan-worker': 'src/scan/worker.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // A native addon: loaded from node_modules at run time, and only when a keychain is used.
  // The MCP SDK: required from node_modules by `latch mcp` alone (src/mcp/sdk.ts).
  external: ['@napi-rs/keyring', '@modelcontextprotocol/sdk'],
  // yaml's Node build is CommonJS and calls require('process'); an ES module has no
  // `require`, so give the bundle one (esbuild's shim would throw "Dynamic require").
  banner: {
    js: "import { createRequire as __latchCreateRequire } from 'node:module'; const require = __latchCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The page of `latch ui` (src/ui/page/): browser code in one file, with its HTML and CSS, in
// dist/ui/, where the server reads them (src/ui/assets.ts). No inline script: the
// Content-Security-Policy allows only these files.
await build({
  absWorkingDir: repository,
  entryPoints: ['src/ui/page/app.ts'],
  outdir: `${repository}dist/ui/`,
  // ES modules split in chunks: the timeline's chart library (uPlot, 50 KB) is fetched and
  // run only when the timeline is opened, not before the first page (about 35 ms here).
  // Chunks are named page-chunk-HASH.js; src/ui/assets.ts serves those and nothing else
  // of the folder besides the page's own files.
  bundle: true,
  format: 'esm',
  splitting: true,
  chunkNames: 'page-chunk-[hash]',
  platform: 'browser',
  target: 'es2022',
  // Minified: under half the bytes to fetch and parse before the first page renders (the
  // sources are in src/ui/page/).
  minify: true,
  logLevel: 'warning',
});
for (const name of ['index.html', 'style.css', 'favicon.svg'])
  copyFileSync(`${repository}src/ui/page/${name}`, `${repository}dist/ui/${name}`);
// uPlot (bundled into app.js for the timeline's charts) comes with a stylesheet of its own,
// served as it is: a file, not inline styles, which the Content-Security-Policy forbids.
copyFileSync(`${repository}node_modules/uplot/dist/uPlot.min.css`, `${repository}dist/ui/uplot.css`);

// The `latch` command: one CommonJS bundle, its loader, and the loader's code cache.
const shared = {
  absWorkingDir: repository,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  // hash-wasm's Argon2id too: loaded from node_modules when a passphrase is derived (a third
  // of a second of work), so its code is not in the bundle, nor in the code cache that every
  // start deserializes.
  // The MCP SDK likewise (src/mcp/sdk.ts): none of the other commands' start-up pays for it.
  external: ['@napi-rs/keyring', 'hash-wasm/dist/argon2.umd.min.js', '@modelcontextprotocol/sdk'],
  logLevel: 'warning',
};
await build({
  ...shared,
  entryPoints: ['src/cli/cli.ts'],
  outfile: `${outdir}/latch-main.cjs`,
  format: 'cjs',
  // Minified: the loader reads, hashes and compiles every byte of it on every start, and the
  // code cache holds every name; minifying halves the bundle (about 1 ms of `latch run`).
  // The ES module build (bin.js) stays readable, and LATCH_BUILD_READABLE=1 keeps this one
  // readable too, for reading a CPU profile.
  minify: process.env.LATCH_BUILD_READABLE !== '1',
  // import.meta.url: the bundle's own URL (the keychain module and the scan worker are found
  // relative to it), made when first asked for: node:url's pathToFileURL is not free.
  define: { 'import.meta.url': '__latch.bundleUrl' },
  // The first line is this build's id: the code cache names the bundle it was made from.
  // Then the bundle is one function expression, the CommonJS wrapper that Node's loader
  // would add: the loader compiles the file's text as it is, with no copy of a large string.
  banner: {
    js: `// latch-build ${randomBytes(16).toString('hex')}\n(function (exports, require, module, __filename, __dirname) {"use strict";const __latch = { get bundleUrl() { return require('node:url').pathToFileURL(__filename).href; } };`,
  },
  footer: { js: '\n})' },
});
// The loader reads the bundle as latin1 (a fast one-byte string): it must be plain ASCII.
// esbuild escapes non-ASCII in strings and names; this catches a character in a kept comment.
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(`${outdir}/latch-main.cjs`, 'latin1'));
if (nonAscii) throw new Error(`dist/cli/latch-main.cjs has a non-ASCII character at ${nonAscii.index}`);
// The loader runs the bundle as a vm.Script, which has no `import()`: esbuild turns a dynamic
// import of a bundled module into a function call, but keeps one of anything external (a
// builtin included), which would fail only when reached. Load those with require.
const dynamicImport = /\bimport\(/.exec(readFileSync(`${outdir}/latch-main.cjs`, 'latin1'));
if (dynamicImport) throw new Error(`dist/cli/latch-main.cjs has an import() at ${dynamicImport.index}`);
copyFileSync(`${repository}src/cli/latch.cjs`, `${outdir}/latch.cjs`);
chmodSync(`${outdir}/latch.cjs`, 0o755);
const warmed = spawnSync(process.execPath, [`${repository}scripts/code-cache.cjs`, outdir], {
  stdio: 'inherit',
});
if (warmed.status !== 0) throw new Error('scripts/code-cache.cjs failed; the build has no code cache');
