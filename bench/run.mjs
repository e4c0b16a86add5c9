#!/usr/bin/env node
/**
 * `npm run bench`: latch side by side with Node's own start-up and dotenvx, on the same 20
 * secrets; `latch get` on a small and a large vault; latch's start-up floor. Every command is
 * spawned fresh, as a user would run it; tools are interleaved within each round so machine
 * noise hits them all alike. See bench/README.md for what each figure means.
 *
 * Environment: BENCH_RUNS (timed rounds, default 15), BENCH_WARMUP (default 2),
 * BENCH_MEM_RUNS (peak-memory rounds, default 3), BENCH_RSS=proc (force the /proc poller),
 * BENCH_KEEP=1 (keep the working directory), BENCH_COMPARE=/path/to/other/dist/cli/latch.cjs
 * (another build of latch, e.g. an earlier commit's: a session row for it beside this one's).
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { manySecrets } from './build-vault.mjs';
import {
  digestCommand,
  expectedDigest,
  makeDotenvEncrypted,
  makeDotenvPlain,
  makeLatchProject,
  makeSecrets,
} from './fixtures.mjs';
import { startSecretService } from './keyring.mjs';
import { measurePeakRss, peakRssMethod, runForOutput, timeRun } from './measure.mjs';
import { formatMiB, formatMs, formatRatio, median, percentile, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const positiveInteger = (text, fallback) => {
  const value = Number(text ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`expected a whole number, got "${text}"`);
  return value;
};
const config = {
  runs: Math.max(1, positiveInteger(process.env.BENCH_RUNS, 15)),
  warmup: positiveInteger(process.env.BENCH_WARMUP, 2),
  memoryRuns: positiveInteger(process.env.BENCH_MEM_RUNS, 3),
  keep: process.env.BENCH_KEEP === '1',
  compare: process.env.BENCH_COMPARE ? resolve(process.env.BENCH_COMPARE) : null,
};
const cheapKdf = 'm=8192,t=1,p=1';
const node = process.execPath;
const distDirectory = join(repository, 'dist');
const latch = [node, join(distDirectory, 'cli', 'latch.cjs')];
const dotenvxBin = join(repository, 'node_modules', '.bin', 'dotenvx');

function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

/** Everything a row needs: how to run it, and where its samples go. */
/** Run on exit, however the bench ends (the session rows' D-Bus and keyring daemons). */
const cleanups = [];

function row(id, label, command) {
  return { id, label, command, times: [], peaks: [] };
}

async function setUp(work) {
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: join(work, 'user-home'),
    TMPDIR: tmpdir(),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
  };
  mkdirSync(baseEnv.HOME);
  const dotenvx = [node, realpathSync(dotenvxBin)];
  const secrets = makeSecrets();
  const target = 'BENCH_TARGET';

  progress('setting up: latch vaults (in-process builder), .env files for dotenvx...');
  const names = secrets.map((secret) => secret.name);
  const project = (name, kdf, vaultSecrets, declared) =>
    makeLatchProject({ root: work, name, kdf, secrets: vaultSecrets, declared, distDirectory, baseEnv });
  const latchDefault = await project('run-default', null, secrets, names);
  const latchCheap = await project('run-cheap', cheapKdf, secrets, names);
  // Issue 3's scaling case: the same 20-secret project in a vault that also holds 10,000
  // secrets of other repositories (10 projects of 1,000), which every read must still
  // decrypt and authenticate.
  const otherProjects = Array.from({ length: 10 }, (_, index) => ({
    name: `other-${index + 1}`,
    secrets: manySecrets(1_000, `OTHER_${index + 1}`),
  }));
  const latchCheapLarge = await makeLatchProject({
    root: work,
    name: 'run-cheap-10k-other',
    kdf: cheapKdf,
    secrets,
    declared: names,
    distDirectory,
    baseEnv,
    otherProjects,
  });
  const plainDirectory = makeDotenvPlain({ root: work, secrets });
  const encrypted = makeDotenvEncrypted({ root: work, secrets, dotenvx, baseEnv });
  // The large and small vaults share one manifest (declaring only the target), so only the
  // vault's size differs between them.
  const small = manySecrets(10, target);
  const large = manySecrets(10_000, target);
  const vaults = {
    'get-10': await project('get-10', null, small, [target]),
    'get-10k': await project('get-10k', null, large, [target]),
    'get-10-cheap': await project('get-10-cheap', cheapKdf, small, [target]),
    'get-10k-cheap': await project('get-10k-cheap', cheapKdf, large, [target]),
  };

  const latchIn = (fixture, args) => ({
    file: latch[0],
    args: [...latch.slice(1), ...args],
    cwd: fixture.project,
    env: fixture.env,
  });
  const dotenvxIn = (directory, args) => ({
    file: dotenvx[0],
    args: [...dotenvx.slice(1), ...args],
    cwd: directory,
    env: baseEnv,
  });

  // Every tool must hand the child the same 20 names and values, or the comparison is void.
  progress('checking that every tool injects the same 20 secrets...');
  const digest = digestCommand(node, secrets);
  const checks = [
    latchIn(latchDefault, ['run', '--', ...digest]),
    latchIn(latchCheap, ['run', '--', ...digest]),
    latchIn(latchCheapLarge, ['run', '--', ...digest]),
    dotenvxIn(plainDirectory, ['run', '-f', '.env', '--', ...digest]),
    ...(encrypted.directory ? [dotenvxIn(encrypted.directory, ['run', '-f', '.env', '--', ...digest])] : []),
  ];
  for (const check of checks) {
    if (runForOutput(check).trim() !== expectedDigest(secrets)) {
      throw new Error(
        `${check.args.slice(1, 4).join(' ')} in ${check.cwd} did not give the child the 20 secrets`,
      );
    }
  }

  const startChild = [
    row('latch-run', 'latch run -- true  [default KDF]*', latchIn(latchDefault, ['run', '--', 'true'])),
    row(
      'latch-run-cheap',
      'latch run -- true  [cheap test KDF]†',
      latchIn(latchCheap, ['run', '--', 'true']),
    ),
    row(
      'dotenvx-plain',
      'dotenvx run -f .env -- true  [plain .env]',
      dotenvxIn(plainDirectory, ['run', '-f', '.env', '--', 'true']),
    ),
    ...(encrypted.directory
      ? [
          row(
            'dotenvx-encrypted',
            'dotenvx run -f .env -- true  [encrypted .env]',
            dotenvxIn(encrypted.directory, ['run', '-f', '.env', '--', 'true']),
          ),
        ]
      : []),
    row('node', 'node -e 0', { file: node, args: ['-e', '0'], cwd: work, env: baseEnv }),
  ];
  const vaultBytes = (fixture) => statSync(join(fixture.env.LATCH_HOME, 'vault')).size;
  const kib = (bytes) =>
    bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
  const getRows = [
    ['get-10', '10 secrets', '[default KDF]*'],
    ['get-10k', '10,000 secrets', '[default KDF]*'],
    ['get-10-cheap', '10 secrets', '[cheap test KDF]†'],
    ['get-10k-cheap', '10,000 secrets', '[cheap test KDF]†'],
  ].map(([id, size, kdf]) =>
    row(
      id,
      `latch get ${target}, ${size} (vault ${kib(vaultBytes(vaults[id]))})  ${kdf}`,
      latchIn(vaults[id], ['get', target]),
    ),
  );
  const startUp = [
    row('latch-version', 'latch --version', latchIn(latchDefault, ['--version'])),
    // What the code cache and the single CommonJS bundle save (docs/commands.md).
    row('latch-version-nocache', 'latch --version, LATCH_CODE_CACHE=off', {
      ...latchIn(latchDefault, ['--version']),
      env: { ...latchDefault.env, LATCH_CODE_CACHE: 'off' },
    }),
    row('latch-version-esm', 'node dist/cli/bin.js --version  (the ES module build)', {
      ...latchIn(latchDefault, ['--version']),
      args: [join(distDirectory, 'cli', 'bin.js'), '--version'],
    }),
    // Another build's --version beside this one's (BENCH_COMPARE).
    ...(config.compare
      ? [
          row('latch-version-compare', `node ${config.compare} --version`, {
            ...latchIn(latchDefault, ['--version']),
            args: [config.compare, '--version'],
          }),
        ]
      : []),
    row('true', 'true  (spawn floor of this harness)', { file: 'true', args: [], cwd: work, env: baseEnv }),
  ];
  // Section 4 reuses section 1's rows and adds the large vault.
  const targets = [
    row(
      'latch-run-cheap-10k',
      `latch run -- true, the 20 in a vault of 10,020 (vault ${kib(vaultBytes(latchCheapLarge))})  [cheap test KDF]†`,
      latchIn(latchCheapLarge, ['run', '--', 'true']),
    ),
  ];
  // Issue 3's targets: `latch run -- true` unlocked by a session (`latch unlock`: a device
  // key in a real Secret Service, no Argon2id), with 20 secrets (default-KDF vault) and in the
  // 10,020-secret vault. A row whose id ends in `-10k` is compared ("x 20 secrets") with the
  // row of the same id without it. The session env carries no passphrase: a run that could
  // not use the session would fail the digest check below instead of timing a prompt.
  const sessionRows = [];
  const { service: keyring, reason: sessionReason } = await startSecretService();
  if (keyring) cleanups.push(keyring.stop);
  if (keyring) {
    const sessionFixture = (fixture) => {
      const { LATCH_PASSPHRASE: _passphrase, ...rest } = fixture.env;
      const unlock = {
        ...latchIn(fixture, ['unlock', '--for', '2h']),
        env: { ...fixture.env, ...keyring.env, LATCH_KEYCHAIN: 'auto' },
      };
      runForOutput(unlock);
      const session = { ...fixture, env: { ...rest, ...keyring.env, LATCH_KEYCHAIN: 'auto' } };
      // Before the Secret Service stops: end the session, which stops its agent too.
      cleanups.unshift(() => runForOutput(latchIn(session, ['lock'])));
      return session;
    };
    const sessionSmall = sessionFixture(latchDefault);
    const sessionLarge = sessionFixture(latchCheapLarge);
    for (const fixture of [sessionSmall, sessionLarge]) {
      if (runForOutput(latchIn(fixture, ['run', '--', ...digest])).trim() !== expectedDigest(secrets)) {
        throw new Error(
          `latch run in an unlocked session (${fixture.project}) did not give the child the 20 secrets`,
        );
      }
    }
    sessionRows.push(
      row(
        'latch-run-session',
        'latch run -- true, unlocked session, 20 secrets',
        latchIn(sessionSmall, ['run', '--', 'true']),
      ),
      row(
        'latch-run-session-10k',
        'latch run -- true, unlocked session, the 20 in a vault of 10,020',
        latchIn(sessionLarge, ['run', '--', 'true']),
      ),
      // What the session agent saves: the same run reading the keychain itself.
      row('latch-run-session-keychain', 'latch run -- true, unlocked session, LATCH_SESSION_AGENT=off', {
        ...latchIn(sessionSmall, ['run', '--', 'true']),
        env: { ...sessionSmall.env, LATCH_SESSION_AGENT: 'off' },
      }),
      // What the single CommonJS bundle and its code cache save on run.
      row(
        'latch-run-session-esm',
        'node dist/cli/bin.js run -- true, unlocked session  (the ES module build)',
        {
          ...latchIn(sessionSmall, ['run', '--', 'true']),
          args: [join(distDirectory, 'cli', 'bin.js'), 'run', '--', 'true'],
        },
      ),
      // Another build, for a change's effect measured side by side (BENCH_COMPARE).
      ...(config.compare
        ? [
            row('latch-run-session-compare', `node ${config.compare} run -- true, unlocked session`, {
              ...latchIn(sessionSmall, ['run', '--', 'true']),
              args: [config.compare, 'run', '--', 'true'],
            }),
          ]
        : []),
      // What masking adds to the start (pipes, the masker's set-up).
      row(
        'latch-run-session-nomask',
        'latch run --no-mask -- true, unlocked session',
        latchIn(sessionSmall, ['run', '--no-mask', '--', 'true']),
      ),
      // The floor of any Node `run`: load node:crypto and node:child_process, read and hash
      // the vault file, spawn `true`, exit with its code. No latch code at all.
      row('node-floor', 'node: crypto + read the vault + spawn true  (floor of any Node run)', {
        file: node,
        args: [
          '-e',
          "const c=require('node:crypto'),{spawn}=require('node:child_process'),f=require('node:fs');" +
            `c.createHash('sha256').update(f.readFileSync(${JSON.stringify(join(sessionSmall.env.LATCH_HOME, 'vault'))})).digest();` +
            "spawn('true',[],{stdio:'inherit'}).on('exit',(code)=>process.exit(code));",
        ],
        cwd: work,
        env: baseEnv,
      }),
      // Less still: Node spawning `true` and waiting for it, nothing else. What any Node
      // program that starts a child pays over `node -e 0`, before it decrypts anything.
      row('node-spawn-floor', 'node: spawn true only  (no crypto, no file)', {
        file: node,
        args: [
          '-e',
          "require('node:child_process').spawn('true',[],{stdio:'inherit'}).on('exit',(code)=>process.exit(code));",
        ],
        cwd: work,
        env: baseEnv,
      }),
    );
  }
  // How long the cheap KDF itself takes inside a latch process: load hash-wasm's Argon2id
  // from node_modules (as deriveKey does), compile its WebAssembly, derive once. A session
  // replaces exactly this.
  const argon2File = createRequire(join(distDirectory, 'vault', 'kdf.js')).resolve(
    'hash-wasm/dist/argon2.umd.min.js',
  );
  const kdfProbe = {
    file: node,
    args: [
      '--input-type=module',
      '-e',
      // A first import warms the loader's file machinery, which latch has warmed by then too.
      `await import(${JSON.stringify(pathToFileURL(join(distDirectory, 'shared', 'errors.js')).href)});` +
        'const start = performance.now();' +
        `const { argon2id } = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(argon2File)});` +
        "await argon2id({ password: 'p', salt: new Uint8Array(16), memorySize: 8192, iterations: 1, parallelism: 1, hashLength: 32, outputType: 'binary' });" +
        'process.stdout.write(String(performance.now() - start));',
    ],
    cwd: work,
    env: baseEnv,
  };
  return {
    startChild,
    getRows,
    startUp,
    targets,
    sessionRows,
    sessionReason,
    kdfProbe,
    encryptedReason: encrypted.reason,
  };
}

/**
 * Runs every row once per round, in an order rotated each round. Yields to the event loop
 * between runs so Ctrl-C (SIGINT) can clean up instead of waiting for the last round.
 */
async function runRounds(rows, rounds, record, what) {
  for (let round = 0; round < rounds; round++) {
    progress(`${what}: round ${round + 1}/${rounds}`);
    const offset = round % rows.length;
    for (const current of [...rows.slice(offset), ...rows.slice(0, offset)]) {
      record(current);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

async function measureMemory(rows, rounds, method, scratchFile) {
  for (let round = 0; round < rounds; round++) {
    progress(`peak memory (${method.kind}): round ${round + 1}/${rounds}`);
    const offset = round % rows.length;
    for (const current of [...rows.slice(offset), ...rows.slice(0, offset)]) {
      const peak = await measurePeakRss(current.command, method, scratchFile);
      if (peak !== null) current.peaks.push(peak);
    }
  }
}

/** Medians, except the /proc poller's peaks: each is a lower bound, so the largest is best. */
function summarize(current, method) {
  const peak =
    current.peaks.length === 0
      ? null
      : method.kind === 'proc'
        ? Math.max(...current.peaks)
        : median(current.peaks);
  return { median: median(current.times), p90: percentile(current.times, 90), peak };
}

function printReport(
  { startChild, getRows, startUp, targets, sessionRows, sessionReason, kdfMs, encryptedReason },
  method,
  seconds,
  loadBefore,
) {
  const stats = new Map(
    [...startChild, ...getRows, ...startUp, ...targets, ...sessionRows].map((current) => [
      current.id,
      summarize(current, method),
    ]),
  );
  const ms = (id) => stats.get(id)?.median;
  const cells = (current, ratios) => {
    const s = stats.get(current.id);
    return [
      current.label,
      formatMs(s.median),
      formatMs(s.p90),
      formatMiB(s.peak),
      ...ratios.map((base) => formatRatio(s.median / ms(base))),
    ];
  };
  const out = [];
  out.push(
    `latch bench: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'})`,
  );
  out.push(
    `${config.runs} timed runs per row after ${config.warmup} warm-up rounds, rows interleaved each round; wall time from spawn to exit`,
  );
  out.push(
    `peak RSS: ${method.note}, ${method.kind === 'proc' ? 'largest' : 'median'} of ${config.memoryRuns} separate runs`,
  );
  const loadAfter = loadavg()[0];
  const busy = Math.max(loadBefore, loadAfter) > cpus().length / 2;
  out.push(
    `load average (1 min) before/after: ${loadBefore.toFixed(1)}/${loadAfter.toFixed(1)}${busy ? ' -- the machine was busy: absolute times are inflated, ratios less so' : ''}`,
  );
  out.push('');
  out.push('1. Start a child with the same 20 secrets');
  const hasEncrypted = stats.has('dotenvx-encrypted');
  out.push(
    renderTable(
      ['command', 'median ms', 'p90 ms', 'peak RSS MiB', 'x node', 'x dotenvx'],
      startChild.map((current) => cells(current, ['node', 'dotenvx-plain'])),
    ),
  );
  const ratioLine = (id, name) =>
    `   ${name}: latch/node ${formatRatio(ms(id) / ms('node'))}, latch/dotenvx(plain) ${formatRatio(ms(id) / ms('dotenvx-plain'))}` +
    (hasEncrypted ? `, latch/dotenvx(encrypted) ${formatRatio(ms(id) / ms('dotenvx-encrypted'))}` : '');
  out.push(ratioLine('latch-run', 'default KDF*'));
  out.push(ratioLine('latch-run-cheap', 'cheap KDF† '));
  if (!hasEncrypted)
    out.push(`   dotenvx with an encrypted .env: not measured (dotenvx encrypt failed: ${encryptedReason})`);
  out.push('');
  out.push('2. latch get NAME: small vault vs large vault (one project, one environment)');
  out.push(
    renderTable(
      ['command', 'median ms', 'p90 ms', 'peak RSS MiB', 'x 10 secrets'],
      getRows.map((current) => cells(current, [current.id.replace('10k', '10')])),
    ),
  );
  out.push(
    `   10,000/10 ratio: ${formatRatio(ms('get-10k') / ms('get-10'))} with the default KDF*, ${formatRatio(ms('get-10k-cheap') / ms('get-10-cheap'))} with the cheap KDF†`,
  );
  out.push('');
  out.push('3. Start-up floor: loading latch and printing its version, no vault');
  out.push(
    renderTable(
      ['command', 'median ms', 'p90 ms', 'peak RSS MiB', 'x node'],
      [...startUp, startChild.find((current) => current.id === 'node')].map((current) =>
        cells(current, ['node']),
      ),
    ),
  );
  out.push('');
  out.push('Where `latch run -- true` spends its time (differences of medians above):');
  const steps = [
    ['Node start-up (node -e 0)', ms('node')],
    ["latch's entry modules, no command yet (latch --version - node -e 0)", ms('latch-version') - ms('node')],
    ['Argon2id unlock (default KDF run - cheap KDF run)', ms('latch-run') - ms('latch-run-cheap')],
    [
      "the rest: the command's modules, manifest (cached), vault, cheap KDF, spawn",
      ms('latch-run-cheap') - ms('latch-version'),
    ],
  ];
  const width = Math.max(...steps.map(([label]) => label.length));
  for (const [label, value] of steps) {
    out.push(
      `   ${label.padEnd(width)}  ${formatMs(value).padStart(6)} ms  ${((100 * value) / ms('latch-run')).toFixed(0).padStart(3)}%`,
    );
  }
  out.push(
    `   (dotenvx's own work on top of Node start-up, plain .env: ${formatMs(ms('dotenvx-plain') - ms('node'))} ms)`,
  );
  out.push('');
  out.push(...renderTargets({ startChild, targets, sessionRows, sessionReason, kdfMs }, cells, ms));
  out.push('');
  out.push('*  default KDF: what a user gets. Each latch command derives the vault key with Argon2id');
  out.push('   (m=64 MiB, t=3, p=4) before it can read anything, unless a session (`latch unlock`) is open:');
  out.push('   then only `latch unlock` pays it, and the session rows of section 4 show the rest.');
  out.push(`†  cheap test KDF (LATCH_KDF_PARAMS=${cheapKdf} at vault creation): NOT a user configuration;`);
  out.push("   shown only to isolate latch's own overhead from the deliberate cost of Argon2id.");
  out.push(`(bench took ${seconds.toFixed(0)} s)`);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Section 4, issue 3's targets: `latch run -- true` next to `node -e 0` and dotenvx, with 20
 * secrets and with 10,000 more in other projects, peak memory of each. The targets are for
 * an unlocked session (the session rows, a real Secret Service on a private D-Bus); the
 * cheap-KDF rows, with the Argon2id share (measured in-process) taken out, show latch's own
 * overhead without the keychain.
 */
function renderTargets({ startChild, targets, sessionRows, sessionReason, kdfMs }, cells, ms) {
  const byId = (id) => [...startChild, ...targets].find((current) => current.id === id);
  const rows = ['node', 'dotenvx-plain', 'latch-run-cheap', 'latch-run-cheap-10k'].map(byId);
  const out = ['4. Issue 3 targets: `latch run -- true`, unlocked (x node <= 1.3, x dotenvx <= 0.25,'];
  out.push('   peak RSS <= 60 MiB, x 20 secrets <= 1.5 with 10,000 more secrets in the vault)');
  out.push(
    renderTable(
      ['command', 'median ms', 'p90 ms', 'peak RSS MiB', 'x node', 'x dotenvx', 'x 20 secrets'],
      [...rows, ...sessionRows].map((current) => [
        ...cells(current, ['node', 'dotenvx-plain']),
        !current.id.endsWith('-10k') &&
        !rows.concat(sessionRows).some((other) => other.id === `${current.id}-10k`)
          ? ''
          : formatRatio(
              ms(current.id) / ms(current.id.endsWith('-10k') ? current.id.slice(0, -4) : current.id),
            ),
      ]),
    ),
  );
  if (sessionRows.length === 0) out.push(`   session rows not measured: ${sessionReason}`);
  const own = ms('latch-run-cheap') - kdfMs;
  out.push(
    `   Argon2id share of the cheap-KDF rows (load hash-wasm's Argon2id, compile, derive m=8 MiB,t=1,p=1; median in-process): ${formatMs(kdfMs)} ms`,
  );
  out.push(
    `   latch run -- true without it (cheap KDF row - that share): ${formatMs(own)} ms = ${formatRatio(own / ms('node'))} node, ${formatRatio(own / ms('dotenvx-plain'))} dotenvx`,
  );
  out.push('   (a session needs no Argon2id; its run reads the device key from the session agent, or with');
  out.push('   LATCH_SESSION_AGENT=off from the keychain: loading @napi-rs/keyring and D-Bus round trips)');
  return out;
}

async function main() {
  if (!existsSync(latch[1])) throw new Error(`${latch[1]} is missing; run \`npm run build\` first`);
  if (!existsSync(dotenvxBin)) throw new Error('dotenvx is not installed; run `npm install`');
  const started = process.hrtime.bigint();
  const loadBefore = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'latch-bench-'));
  const cleanUp = () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (!config.keep) rmSync(work, { recursive: true, force: true });
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => {
      cleanUp();
      process.exit(code);
    });
  }
  try {
    const sections = await setUp(work);
    const rows = [
      ...sections.startChild,
      ...sections.getRows,
      ...sections.startUp,
      ...sections.targets,
      ...sections.sessionRows,
    ];
    await runRounds(rows, config.warmup, (current) => timeRun(current.command), 'warm-up');
    await runRounds(rows, config.runs, (current) => current.times.push(timeRun(current.command)), 'timing');
    const kdfSamples = [];
    for (let run = 0; run < config.runs; run++) {
      progress(`Argon2id probe: run ${run + 1}/${config.runs}`);
      kdfSamples.push(Number(runForOutput(sections.kdfProbe)));
    }
    const method = peakRssMethod();
    await measureMemory(rows, config.memoryRuns, method, join(work, 'peak-rss.txt'));
    printReport(
      { ...sections, kdfMs: median(kdfSamples) },
      method,
      Number(process.hrtime.bigint() - started) / 1e9,
      loadBefore,
    );
  } finally {
    cleanUp();
    if (config.keep) process.stderr.write(`kept ${work}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`\nbench failed: ${error.message}\n`);
  process.exitCode = 1;
});
