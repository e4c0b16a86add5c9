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
 * bundle is compiled as usual, just slower, and the command leaves a cache of its own in the
 * user's cache directory for the next start (see `userCacheFile`). The checksum matters: V8
 * does not verify a code cache, and a damaged one crashes Node or, worse, runs damaged
 * bytecode.
 *
 * LATCH_CODE_CACHE=off ignores the cache; LATCH_DEBUG_LOAD=1 says on stderr whether it was used.
 */
const { createHash } = require('node:crypto');
const { lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, 'latch-main.cjs');
const cacheFile = `${bundle}.cache`;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Node's options for this process, as far as they change V8's flags (a common
 * NODE_OPTIONS=--max-old-space-size=... makes V8 reject a cache made without it): a short
 * hash, or '' without any.
 */
function flagsTag() {
  const flags = [process.env.NODE_OPTIONS ?? '', ...process.execArgv].join(' ').trim();
  return flags === '' ? '' : sha256(flags).slice(0, 16);
}

/**
 * Which bundle, Node and options a cache belongs to (the start of the cache's first line):
 * the build id that the build writes as the bundle's first line, the bundle's length,
 * Node's version, and the options' tag.
 */
function cacheKey(source) {
  const tag = flagsTag();
  return `latch-code-cache v1 ${source.slice(0, source.indexOf('\n'))} ${source.length} ${process.version}${tag ? ` ${tag}` : ''}`;
}

/**
 * This user's own cache, for when the build's cannot serve (latch built with another Node
 * version, or run with other Node options): $XDG_CACHE_HOME/latch (default ~/.cache/latch), made 0700, used only while it
 * belongs to this user and nobody else can write it (a cache is code). Null where there is
 * no such directory.
 */
function userCacheFile() {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return null;
  const base = process.env.XDG_CACHE_HOME || join(require('node:os').homedir(), '.cache');
  const directory = join(base, 'latch');
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stat = lstatSync(directory);
    if (!stat.isDirectory() || stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0) return null;
  } catch {
    return null;
  }
  const tag = flagsTag();
  return join(directory, `code-cache-${process.version}${tag ? `-${tag}` : ''}`);
}

/** Writes a cache file whole or not at all (a temporary name, then a rename). */
function writeCache(file, key, script) {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, encodeCache(key, script.createCachedData()), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {}
  }
}

/** A cache file's bytes: `KEY SHA256\n` then V8's data. */
function encodeCache(key, data) {
  return Buffer.concat([Buffer.from(`${key} ${sha256(data)}\n`), data]);
}

/** The cached data for this bundle, or why there is none: absent, stale (another bundle's), damaged. */
function readCache(key, file) {
  let bytes;
  try {
    bytes = readFileSync(file);
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
 * (the build makes the cache from it), which cache was used and, when none was, the user's
 * cache file to write at exit (`userCache`: 'user' allows it, 'build' reads the build's only).
 */
function load(useCache, userCache = 'build') {
  // The build keeps the bundle ASCII (scripts/bundle-cli.mjs checks), so latin1 reads it as
  // it is, and much faster than UTF-8 decoding: a one-byte string, no validation.
  const source = readFileSync(bundle, 'latin1');
  const key = cacheKey(source);
  let { data: cachedData, state } = useCache ? readCache(key, cacheFile) : { data: undefined, state: 'off' };
  let from = 'build';
  const userFile = useCache && userCache === 'user' && state !== 'read' ? userCacheFile() : null;
  if (userFile) {
    const user = readCache(key, userFile);
    if (user.state === 'read') [cachedData, state, from] = [user.data, user.state, 'user'];
    else state = `${state}; user cache ${user.state}`;
  }
  // The bundle is a function expression (scripts/bundle-cli.mjs wraps it): compiled as it is.
  const script = new Script(source, { filename: bundle, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, require, loaded, bundle, __dirname);
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const cache = used ? `used (${from})` : cachedData === undefined ? state : 'rejected by V8';
  return { exports: loaded.exports, script, key, cache, writeTo: used ? null : userFile };
}

if (require.main === module) {
  const loaded = load(process.env.LATCH_CODE_CACHE !== 'off', 'user');
  if (process.env.LATCH_DEBUG_LOAD === '1') process.stderr.write(`latch: code cache ${loaded.cache}\n`);
  // No usable cache (latch was built with another Node): make this user's own, with what
  // this command compiled, for the next start.
  if (loaded.writeTo) process.once('exit', () => writeCache(loaded.writeTo, loaded.key, loaded.script));
  loaded.exports.main();
} else {
  module.exports = { load, cacheFile, encodeCache };
}
