#!/usr/bin/env node
'use strict';
/**
 * Makes dist/cli/latch-main.cjs.cache, the V8 code cache the `latch` command starts from
 * (src/cli/latch.cjs). V8 caches the functions that have run, so this loads the bundle the
 * way the command does and runs the everyday commands once, in one process, against a
 * throwaway vault (cheap KDF, no keychain): run with and without masking, get and ls. Then
 * it writes the cache behind the key of the bundle it was made from. Called by
 * scripts/bundle-cli.mjs with the output directory.
 */
const { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const outdir = require('node:path').resolve(process.argv[2]);
const { load, cacheFile, encodeCache } = require(join(outdir, 'latch.cjs'));
const { exports: cli, script, key } = load(false);

const root = mkdtempSync(join(tmpdir(), 'latch-code-cache-'));
const sink = { write: () => true, isTTY: false };

async function main() {
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    LATCH_HOME: join(root, 'home'),
    LATCH_PASSPHRASE: 'code cache warm-up passphrase',
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    LATCH_KEYCHAIN: 'off',
  };
  const io = () => ({
    env,
    cwd,
    stdin: [],
    stdout: sink,
    stderr: sink,
    terminal: null,
    now: () => new Date(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  });
  // Set up in separate processes, so their code (init, set, Argon2id) stays out of the cache:
  // V8 deserializes all of it on every start.
  const setUp = [
    [['init', '--project', 'warm-up'], ''],
    [['set', 'WARM_UP_TOKEN'], 'warm-up-value-0123456789'],
    // Fills the manifest cache, as any earlier command in a project has: the steps below
    // then skip the YAML parser (about 180 KB of cache that `run` rarely needs).
    [['run', '--', process.execPath, '-e', '0'], ''],
  ];
  for (const [argv, input] of setUp) {
    const done = spawnSync(process.execPath, [join(outdir, 'latch.cjs'), ...argv], {
      cwd,
      env: { ...env, LATCH_CODE_CACHE: 'off' },
      input,
    });
    if (done.status !== 0) throw new Error(`latch ${argv.join(' ')} exited ${done.status}: ${done.stderr}`);
  }
  // The children are Node itself, not sh or true: the build runs on any system Node does.
  const steps = [
    ['run', '--', process.execPath, '-e', "console.log('warm-up-value-0123456789')"],
    ['run', '--no-mask', '--', process.execPath, '-e', '0'],
    ['get', 'WARM_UP_TOKEN'],
    ['ls'],
  ];
  for (const argv of steps) {
    const code = await cli.runMain(argv, io());
    if (code !== 0) throw new Error(`latch ${argv.join(' ')} exited ${code} while warming the code cache`);
  }
  const temporary = `${cacheFile}.tmp-${process.pid}`;
  writeFileSync(temporary, encodeCache(key, script.createCachedData()));
  renameSync(temporary, cacheFile);
}

main()
  .then(() => {
    rmSync(root, { recursive: true, force: true });
    process.exit(0);
  })
  .catch((error) => {
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
