#!/usr/bin/env node
/**
 * `latch scan` speed, side by side with secretlint and git-secrets on the same tree:
 *   1. a working-tree scan of about 100 MB of generated source (target: 100 MB/s or more);
 *   2. `latch scan --staged` for a commit of 1,000 changed files (target: under 0.5 s);
 *   3. `latch scan --history`: MB of patch text per second, over every commit.
 * secretlint@12.0.0 (the last 12.x whose engines allow Node 20) with its recommended preset is
 * installed into the bench directory with `npm install --prefix` at run time; git-secrets is
 * the Debian package (`apt-get install git-secrets`), skipped with a note when not installed.
 *
 * Environment: BENCH_SCAN_MB (tree size, default 100), BENCH_SCAN_RUNS (default 3),
 * BENCH_SCAN_PEERS=0 (skip secretlint and git-secrets), BENCH_KEEP=1 (keep the directory),
 * BENCH_COMPARE=/path/to/other/dist/cli/latch.cjs (another build's working-tree scan, timed
 * in turn with this one's on the same tree).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRatio, median, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const latchBin = join(repository, 'dist', 'cli', 'latch.cjs');
const config = {
  megabytes: Number(process.env.BENCH_SCAN_MB ?? 100),
  runs: Math.max(1, Number(process.env.BENCH_SCAN_RUNS ?? 3)),
  peers: process.env.BENCH_SCAN_PEERS !== '0',
  keep: process.env.BENCH_KEEP === '1',
};
const fileSize = 50 * 1024;

function note(text) {
  process.stderr.write(`${text}\n`);
}

/** A deterministic PRNG (mulberry32), so every run scans the same tree. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = [
  'user',
  'account',
  'request',
  'response',
  'handler',
  'config',
  'value',
  'index',
  'result',
  'items',
  'token',
  'session',
  'cache',
  'buffer',
  'stream',
  'client',
  'server',
  'options',
  'error',
  'status',
  'key',
  'name',
  'path',
  'query',
  'limit',
  'offset',
  'count',
  'total',
  'data',
  'payload',
];

/** One line of plausible TypeScript: identifiers, strings, numbers, the odd secret-looking name. */
function sourceLine(random) {
  const pick = () => words[Math.floor(random() * words.length)];
  const ident = () => `${pick()}${pick()[0].toUpperCase()}${pick().slice(1)}`;
  switch (Math.floor(random() * 6)) {
    case 0:
      return `  const ${ident()} = await ${ident()}(${ident()}, { ${pick()}: ${Math.floor(random() * 1e6)} });`;
    case 1:
      return `  if (${ident()}.${pick()} === '${pick()}-${pick()}') return ${ident()};`;
    case 2:
      return `  // ${pick()} the ${pick()} before the ${pick()} is ${pick()}ed, see ${pick()}.ts`;
    case 3:
      return `export function ${ident()}(${pick()}: string, ${pick()}: number): ${pick() === 'key' ? 'string' : 'void'} {`;
    case 4:
      return `  ${ident()}.push({ id: '${Math.floor(random() * 1e9).toString(36)}', ${pick()}Key: process.env.${pick().toUpperCase()}_KEY });`;
    default:
      return '}';
  }
}

function sourceFile(random, size) {
  const lines = [];
  let length = 0;
  while (length < size) {
    const line = sourceLine(random);
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** GNU time, when installed, reports the CPU seconds (user + system) of a run and its children. */
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
let cpuFile = null;

function run(file, args, options = {}) {
  const start = process.hrtime.bigint();
  const wrapped = gnuTime && cpuFile;
  const result = spawnSync(
    wrapped ? gnuTime : file,
    wrapped ? ['-o', cpuFile, '-f', '%U %S', file, ...args] : args,
    {
      cwd: options.cwd,
      env: options.env,
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 512 * 1024 * 1024,
      timeout: options.timeout ?? 20 * 60_000,
    },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw new Error(`${file} ${args.join(' ')}: ${result.error.message}`);
  const allowed = options.allowedCodes ?? [0];
  if (!allowed.includes(result.status)) {
    throw new Error(
      `${file} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`,
    );
  }
  let cpu = null;
  if (wrapped) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = user + system;
  }
  return {
    ms,
    cpu,
    status: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

function timed(times, file, args, options) {
  const samples = [];
  const cpus = [];
  let last;
  for (let index = 0; index < times; index++) {
    last = run(file, args, options);
    samples.push(last.ms);
    if (last.cpu !== null) cpus.push(last.cpu);
  }
  return { ms: median(samples), cpu: cpus.length ? median(cpus) : null, last };
}

/** One table row: wall time and throughput, CPU seconds (all threads and children) and MB per CPU-second. */
function row(label, input, result, megabytes, remark) {
  const perSecond = (seconds) => (megabytes === null || !seconds ? '' : (megabytes / seconds).toFixed(0));
  return [
    label,
    input,
    `${(result.ms / 1000).toFixed(result.ms < 1000 ? 3 : 2)} s`,
    perSecond(result.ms / 1000),
    result.cpu === null ? 'n/a' : result.cpu.toFixed(2),
    result.cpu === null ? '' : perSecond(result.cpu),
    remark,
  ];
}

function git(cwd, args, env) {
  return run('git', args, { cwd, env }).stdout;
}

const work = mkdtempSync(join(tmpdir(), 'latch-bench-scan-'));
try {
  const home = join(work, 'latch-home');
  mkdirSync(home, { mode: 0o700 });
  const tree = join(work, 'tree');
  mkdirSync(tree);
  cpuFile = join(work, 'cpu-time');
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    LANG: 'C.UTF-8',
    LATCH_HOME: home,
    LATCH_PASSPHRASE: 'bench passphrase 1',
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    LATCH_KEYCHAIN: 'off',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(work, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  const latch = (args, options = {}) =>
    run(process.execPath, [latchBin, ...args], { cwd: tree, env, ...options });

  note(`setting up: a vault of 20 secrets and ${config.megabytes} MB of generated source...`);
  git(tree, ['init', '-q', '-b', 'main'], env);
  latch(['init', '--project', 'bench']);
  const random = prng(42);
  const secrets = Array.from({ length: 20 }, (_, index) => ({
    name: `BENCH_SECRET_${index}`,
    value: Array.from(
      { length: 32 },
      () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(random() * 62)],
    ).join(''),
  }));
  for (const secret of secrets) latch(['set', secret.name], { input: secret.value });
  const fileCount = Math.round((config.megabytes * 1024 * 1024) / fileSize);
  const paths = [];
  let treeBytes = 0;
  for (let index = 0; index < fileCount; index++) {
    const directory = join(tree, 'src', `module${Math.floor(index / 50)}`);
    mkdirSync(directory, { recursive: true });
    let content = sourceFile(random, fileSize);
    // A handful of planted leaks: every scanner has something to find.
    if (index % 500 === 7) content += `const leaked = '${secrets[index % 20].value}';\n`;
    if (index % 500 === 11) content += `aws_access_key_id = ${['AKIA', 'IOSFODNN7', 'EXAMPLQ'].join('')}\n`;
    const path = join(directory, `file${index}.ts`);
    writeFileSync(path, content);
    treeBytes += Buffer.byteLength(content);
    paths.push(path);
  }
  git(tree, ['add', '-A'], env);
  git(tree, ['commit', '-qm', 'generated tree', '--no-verify'], env);
  const treeMB = treeBytes / 1e6;

  note('timing latch scan (working tree)...');
  latch(['scan', '--format', 'json'], { allowedCodes: [0, 5] }); // warm the page cache
  const files = timed(config.runs, process.execPath, [latchBin, 'scan', '--format', 'json'], {
    cwd: tree,
    env,
    allowedCodes: [5],
  });
  const compareBin = process.env.BENCH_COMPARE;
  const compared = compareBin
    ? timed(config.runs, process.execPath, [compareBin, 'scan', '--format', 'json'], {
        cwd: tree,
        env,
        allowedCodes: [5],
      })
    : null;
  const report = JSON.parse(files.last.stdout);
  const managed = report.findings.filter((finding) => finding.ruleId === 'managed-value').length;

  note('timing latch scan --staged (1,000 changed files)...');
  const changed = Math.min(1000, paths.length);
  for (let index = 0; index < changed; index++) {
    const path = paths[Math.floor((index * paths.length) / changed)];
    writeFileSync(path, `${sourceFile(random, 2048)}`, { flag: 'a' });
  }
  git(tree, ['add', '-A'], env);
  const staged = timed(Math.max(config.runs, 5), process.execPath, [latchBin, 'scan', '--staged'], {
    cwd: tree,
    env,
    allowedCodes: [0, 5],
  });
  git(tree, ['commit', '-qm', '1,000 changed files', '--no-verify'], env);

  note('timing latch scan --history...');
  const patchBytes = Buffer.byteLength(
    git(tree, ['log', '--all', '-p', '-U0', '--no-color', '--format=%H'], env),
  );
  const gitLog = timed(config.runs, 'git', ['log', '--all', '-p', '-U0', '--no-color', '--format=%H'], {
    cwd: tree,
    env,
  });
  const history = timed(config.runs, process.execPath, [latchBin, 'scan', '--history'], {
    cwd: tree,
    env,
    allowedCodes: [5],
  });

  const rows = [
    row('latch scan (working tree)', `${treeMB.toFixed(0)} MB`, files, treeMB, ''),
    ...(compared
      ? [row('the same, BENCH_COMPARE build', `${treeMB.toFixed(0)} MB`, compared, treeMB, compareBin)]
      : []),
    row(
      'latch scan --staged (1,000 files)',
      `${changed} files`,
      staged,
      null,
      staged.ms < 500 ? 'under 0.5 s' : 'OVER 0.5 s',
    ),
    row(
      'latch scan --history',
      `${(patchBytes / 1e6).toFixed(0)} MB of patches`,
      history,
      patchBytes / 1e6,
      '',
    ),
    row(
      'git log --all -p -U0 alone (its floor)',
      `${(patchBytes / 1e6).toFixed(0)} MB of patches`,
      gitLog,
      patchBytes / 1e6,
      '',
    ),
  ];

  if (config.peers) {
    const peers = join(work, 'peers');
    note('installing secretlint@12.0.0 and its recommended preset into the bench directory...');
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        peers,
        '--no-audit',
        '--no-fund',
        '--no-save',
        'secretlint@12.0.0',
        '@secretlint/secretlint-rule-preset-recommend@12.0.0',
      ],
      { encoding: 'utf8' },
    );
    if (install.status === 0) {
      writeFileSync(
        join(tree, '.secretlintrc.json'),
        JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
      );
      note('timing secretlint on the same tree (one run)...');
      const secretlint = run(
        join(peers, 'node_modules', '.bin', 'secretlint'),
        ['--secretlintrc', '.secretlintrc.json', 'src/**/*'],
        {
          cwd: tree,
          env: { ...env, NODE_PATH: join(peers, 'node_modules') },
          allowedCodes: [0, 1],
        },
      );
      rows.push(
        row(
          'secretlint 12.0.0 (recommended preset)',
          `${treeMB.toFixed(0)} MB`,
          secretlint,
          treeMB,
          `${formatRatio(secretlint.ms / files.ms)} latch's time`,
        ),
      );
    } else note(`secretlint left out: npm install failed: ${install.stderr.trim().split('\n').pop()}`);

    if (
      spawnSync('git', ['secrets', '--list'], { cwd: tree }).status === 0 ||
      spawnSync('sh', ['-c', 'command -v git-secrets']).status === 0
    ) {
      git(tree, ['secrets', '--install', '-f'], env);
      git(tree, ['secrets', '--register-aws'], env);
      note('timing git-secrets --scan on the same tree (one run)...');
      const gitSecrets = run('git', ['secrets', '--scan'], { cwd: tree, env, allowedCodes: [0, 1] });
      rows.push(
        row(
          'git-secrets --scan (AWS patterns)',
          `${treeMB.toFixed(0)} MB`,
          gitSecrets,
          treeMB,
          `${formatRatio(gitSecrets.ms / files.ms)} latch's time`,
        ),
      );
    } else note('git-secrets left out: not installed (apt-get install git-secrets)');
  }

  process.stdout.write(
    `\nlatch scan: ${report.findings.length} findings in the tree (${managed} managed values); medians of ${config.runs} runs\n`,
  );
  process.stdout.write(
    `${renderTable(['scan', 'input', 'wall', 'MB/s', 'CPU s', 'MB/CPU-s', 'note'], rows)}\n`,
  );
} finally {
  if (config.keep) note(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
