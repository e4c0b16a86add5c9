#!/usr/bin/env node
/**
 * `npm run bench:bundle` (issue 17): what one bundle password guess costs through latch and
 * through the Go `age -d` (scrypt, work factor 18, is the point: latch must cost at most 1.5x
 * the Go tool), and `latch run --bundle F -- true` with 20 secrets beside `latch run -- true`.
 * Every command is a fresh process, as a user runs it; tools alternate within each round.
 *
 * Environment: BENCH_RUNS (timed rounds, default 5), BENCH_KEEP=1 (keep the directory).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeLatchProject, makeSecrets } from './fixtures.mjs';
import { runForOutput, timeRun } from './measure.mjs';
import { formatMs, formatRatio, median, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(repository, 'dist');
const node = process.execPath;
const latch = [node, join(distDirectory, 'cli', 'latch.cjs')];
const runs = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '5', 10) || 5);
const cheapKdf = 'm=8192,t=1,p=1';

/** `age -d FILE` on a pty (age reads passphrases from the terminal only); wall ms, spawn to exit. */
function timeAgeDecrypt(file, password, cwd) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('script', ['-qefc', `age -d '${file}'`, '/dev/null'], { cwd, stdio: 'pipe' });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!answered && /passphrase/i.test(output)) {
        answered = true;
        child.stdin.write(`${password}\r`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0 || !output.includes('latch-bundle/1')) reject(new Error(`age -d failed: ${output}`));
      else resolve(elapsed);
    });
  });
}

/** `script -qefc true`: the pty harness's own cost, subtracted from the age row. */
function timeScriptFloor(cwd) {
  const start = process.hrtime.bigint();
  spawnSync('script', ['-qefc', 'true', '/dev/null'], { cwd, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  if (spawnSync('age', ['--version']).status !== 0)
    throw new Error('the Go `age` tool is not installed (apt-get install age)');
  const work = mkdtempSync(join(tmpdir(), 'latch-bench-bundle-'));
  try {
    const baseEnv = {
      PATH: process.env.PATH,
      HOME: join(work, 'user-home'),
      TMPDIR: tmpdir(),
      LANG: 'C.UTF-8',
    };
    mkdirSync(baseEnv.HOME);
    const secrets = makeSecrets();
    const declared = secrets.map((secret) => secret.name);
    // The vault that makes the bundle, and one that holds none of the values (run --bundle fills them all).
    const full = await makeLatchProject({
      root: work,
      name: 'full',
      kdf: cheapKdf,
      secrets,
      declared,
      distDirectory,
      baseEnv,
    });
    const empty = await makeLatchProject({
      root: work,
      name: 'empty',
      kdf: cheapKdf,
      secrets: [],
      declared,
      distDirectory,
      baseEnv,
    });
    const bundle = join(work, 'secrets.encrypted');
    const password = runForOutput({
      file: latch[0],
      args: [latch[1], 'bundle', 'create', '--generate-password', '-o', bundle],
      cwd: full.project,
      env: full.env,
    }).trim();
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, password);
    const withPassword = (env) => ({ ...env, LATCH_BUNDLE_PASSWORD_FILE: passwordFile });
    const { openWithPassphrase } = await import(
      pathToFileURL(join(distDirectory, 'bundle', 'age-file.js')).href
    );
    const { readFileSync } = await import('node:fs');
    const bundleBytes = readFileSync(bundle);

    const samples = { inProcess: [], inspect: [], age: [], scriptFloor: [], run: [], runBundle: [] };
    for (let round = 0; round < runs; round++) {
      process.stderr.write(`round ${round + 1}/${runs}\n`);
      const start = performance.now();
      await openWithPassphrase(bundleBytes, new TextEncoder().encode(password), 'bench');
      samples.inProcess.push(performance.now() - start);
      samples.inspect.push(
        timeRun({
          file: latch[0],
          args: [latch[1], 'bundle', 'inspect', bundle],
          cwd: full.project,
          env: withPassword(full.env),
        }),
      );
      samples.age.push(await timeAgeDecrypt(bundle, password, work));
      samples.scriptFloor.push(timeScriptFloor(work));
      samples.run.push(
        timeRun({ file: latch[0], args: [latch[1], 'run', '--', 'true'], cwd: full.project, env: full.env }),
      );
      samples.runBundle.push(
        timeRun({
          file: latch[0],
          args: [latch[1], 'run', '--bundle', bundle, '--', 'true'],
          cwd: empty.project,
          env: withPassword(empty.env),
        }),
      );
    }
    const m = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
    const ageGuess = m.age - m.scriptFloor;
    console.log(
      `latch bundle benchmarks: ${runs} rounds, medians in ms; load average ${loadavg()[0].toFixed(2)}`,
    );
    console.log('');
    console.log(
      'One password guess (scrypt N=2^18, r=8, p=1: the cost an offline attacker pays per guess too)',
    );
    console.log(
      renderTable(
        ['what', 'ms', 'vs age -d'],
        [
          [
            'latch, in process (openWithPassphrase)',
            formatMs(m.inProcess),
            formatRatio(m.inProcess / ageGuess),
          ],
          ['latch bundle inspect (whole command)', formatMs(m.inspect), formatRatio(m.inspect / ageGuess)],
          ['age -d (Go), pty harness subtracted', formatMs(ageGuess), '1.00x'],
          ['  (pty harness alone: script -c true)', formatMs(m.scriptFloor), ''],
        ],
      ),
    );
    console.log('');
    console.log('Starting `true` with 20 secrets (cheap test KDF for the vault, so the bundle cost shows)');
    console.log(
      renderTable(
        ['command', 'ms', 'vs run'],
        [
          ['latch run -- true (values from the vault)', formatMs(m.run), '1.00x'],
          [
            'latch run --bundle F -- true (values from the bundle)',
            formatMs(m.runBundle),
            formatRatio(m.runBundle / m.run),
          ],
        ],
      ),
    );
    const ratio = m.inspect / ageGuess;
    console.log('');
    console.log(
      `target: a guess through latch at most 1.5x age -d: ${ratio <= 1.5 ? 'met' : 'NOT met'} (${formatRatio(ratio)})`,
    );
  } finally {
    if (process.env.BENCH_KEEP === '1') console.error(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
