#!/usr/bin/env node
'use strict';
/**
 * The `latch` command (copied to dist/cli/latch.cjs by scripts/bundle-cli.mjs). It runs the
 * CLI from one CommonJS bundle (dist/cli/latch-main.cjs) compiled with a V8 code cache
 * (latch-main.cjs.cache, made at build time by running the common commands once), because
 * Node's ES module loader and V8's parsing and compiling were most of what `latch run` cost
 * on top of Node's own start-up (issue 3). The cache is used only when it was made from this
 * very bundle (its build id and length are in the cache's first line), its SHA-256
 * (also in that line) matches, and V8 accepts it (same Node and V8 flags); otherwise the
 * bundle is compiled as usual, just slower. The checksum matters: V8 does not verify a code
 * cache, and a damaged one crashes Node or, worse, runs damaged bytecode.
 *
 * LATCH_CODE_CACHE=off ignores the cache; LATCH_DEBUG_LOAD=1 says on stderr whether it was used.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, 'latch-main.cjs');
const cacheFile = `${bundle}.cache`;

/**
 * Which bundle a cache belongs to (the start of the cache's first line): the build id that
 * the build writes as the bundle's first line, and the bundle's length.
 */
function cacheKey(source) {
  return `latch-code-cache v1 ${source.slice(0, source.indexOf('\n'))} ${source.length}`;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A cache file's bytes: `KEY SHA256\n` then V8's data. */
function encodeCache(key, data) {
  return Buffer.concat([Buffer.from(`${key} ${sha256(data)}\n`), data]);
}

/** The cached data for this bundle, or why there is none: absent, stale (another bundle's), damaged. */
function readCache(key) {
  let bytes;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return { data: undefined, state: 'absent' };
  }
  const newline = bytes.indexOf(10);
  const header = newline < 65 ? '' : bytes.toString('latin1', 0, newline - 65);
  if (header !== key) return { data: undefined, state: 'stale' };
  const data = bytes.subarray(newline + 1);
  if (bytes.toString('latin1', newline - 64, newline) !== sha256(data))
    return { data: undefined, state: 'damaged' };
  return { data, state: 'read' };
}

/**
 * Compiles and runs the bundle; returns its exports (`main`, `runMain`), the compiled script
 * (the build makes the cache from it) and whether the cache was used.
 */
function load(useCache) {
  // The build keeps the bundle ASCII (scripts/bundle-cli.mjs checks), so latin1 reads it as
  // it is, and much faster than UTF-8 decoding: a one-byte string, no validation.
  const source = readFileSync(bundle, 'latin1');
  const key = cacheKey(source);
  const { data: cachedData, state } = useCache ? readCache(key) : { data: undefined, state: 'off' };
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, require, loaded, bundle, __dirname);
  const cache = cachedData === undefined ? state : script.cachedDataRejected ? 'rejected by V8' : 'used';
  return { exports: loaded.exports, script, key, cache };
}

if (require.main === module) {
  const loaded = load(process.env.LATCH_CODE_CACHE !== 'off');
  if (process.env.LATCH_DEBUG_LOAD === '1') process.stderr.write(`latch: code cache ${loaded.cache}\n`);
  loaded.exports.main();
} else {
  module.exports = { load, cacheFile, encodeCache };
}
