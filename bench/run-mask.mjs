// Throughput and memory of `latch run` with masking, end to end: the built CLI runs
// `cat BIGFILE` with 10, 100 and 1,000 injected secrets, next to plain `cat BIGFILE`, each
// into the same sink (`| cat > /dev/null`), in one run.
//
//   npm run build && node bench/run-mask.mjs
//   RUN_MASK_MIB=64 RUN_MASK_RUNS=1 node bench/run-mask.mjs     # quicker
//
// latch runs as a user with a session does (`latch unlock`, no passphrase per run) when a
// private Secret Service can be started (Debian packages dbus and gnome-keyring); otherwise
// each run derives the cheap test KDF's key, and the report says so.
//
// BIGFILE is RUN_MASK_MIB MiB (default 256) of generated log text in a fresh temp directory,
// removed at the end. The first secret's value is planted in it 100 times; the bench checks
// that `latch run` masked every one before it times anything. Peak RSS is GNU time's
// ru_maxrss for the pipeline's largest process (latch's Node process; cat is tiny), for the
// log file and for a file of the same size that is one single line.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVault } from './build-vault.mjs';
import { startSecretService } from './keyring.mjs';
import { xorshift } from './random.mjs';
import { median, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(repository, 'dist');
const bin = join(distDirectory, 'cli', 'latch.cjs');
const mebibytes = Number(process.env.RUN_MASK_MIB ?? 256);
const runs = Number(process.env.RUN_MASK_RUNS ?? 3);
const sizes = [10, 100, 1000];
const kdf = 'm=8192,t=1,p=1';
const passphrase = 'bench passphrase';
const planted = 100;

const root = mkdtempSync(join(tmpdir(), 'latch-bench-run-mask-'));
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

// A deterministic generator, so every run sees the same text.
const { random, pick } = xorshift(0x9e3779b9);
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

function logLine(index) {
  const level = pick(['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR']);
  const time = new Date(1_780_000_000_000 + index * 37).toISOString();
  const body = pick([
    () => `GET /api/v1/users/${hex(8)}-${hex(4)}-${hex(4)} 200 ${Math.floor(random() * 900)}ms`,
    () => `{"event":"job.done","id":"${hex(24)}","attempt":${Math.floor(random() * 5)},"ok":true}`,
    () => `connecting to https://db-${hex(4)}.internal.example:5432/app?sslmode=require`,
    () => `cache miss key=session:${hex(32)} ttl=3600`,
    () =>
      `worker ${Math.floor(random() * 64)} processed ${Math.floor(random() * 1e6)} rows in batch ${hex(6)}`,
  ])();
  return `${time} ${level.padEnd(5)} ${body}\n`;
}

/** Writes `mib` MiB of log text to `path` (one line when `oneLine`), with `value` planted. */
function writeBigFile(path, mib, value, oneLine) {
  const pool = [];
  let poolSize = 0;
  for (let index = 0; poolSize < 4 * 1024 * 1024; index++) {
    const line = logLine(index);
    pool.push(line);
    poolSize += line.length;
  }
  let text = pool.join('');
  if (oneLine) text = text.replaceAll('\n', ' ');
  const block = Buffer.from(text);
  const total = mib * 1024 * 1024;
  const every = Math.floor(total / planted);
  const fd = openSync(path, 'w', 0o600);
  let written = 0;
  let nextPlant = Math.floor(every / 2);
  let count = 0;
  while (written < total) {
    const take = Math.min(block.length, total - written);
    const chunk = Buffer.from(block.subarray(0, take));
    for (; count < planted && nextPlant + value.length <= written + take; count++, nextPlant += every) {
      chunk.write(value, nextPlant - written, 'latin1');
    }
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
}

/** Secrets shared by every vault size: the first `n` of 1,000. */
const allSecrets = Array.from({ length: Math.max(...sizes) }, (_, index) => ({
  name: `SECRET_${String(index + 1).padStart(4, '0')}`,
  value: randomBytes(24).toString('base64url'),
}));

async function makeProject(count) {
  const home = join(root, `home-${count}`);
  const projectDirectory = join(root, `project-${count}`);
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(projectDirectory);
  const secrets = allSecrets.slice(0, count);
  await buildVault({
    distDirectory,
    home,
    projectDirectory,
    project: 'bench',
    passphrase,
    kdf,
    secrets,
    declared: secrets.map((secret) => secret.name),
  });
  return { count, home, projectDirectory };
}

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, LANG: 'C.UTF-8' };
/** Set when a session unlocks the runs: the Secret Service's variables. */
let sessionEnv = null;

function pipeline(project, command) {
  const unlock = sessionEnv
    ? { ...sessionEnv, LATCH_KEYCHAIN: 'auto' }
    : { LATCH_PASSPHRASE: passphrase, LATCH_KEYCHAIN: 'off' };
  const env = project ? { ...baseEnv, LATCH_HOME: project.home, ...unlock } : baseEnv;
  const line = project ? `${quote(process.execPath)} ${quote(bin)} run -- ${command}` : command;
  return { cwd: project?.projectDirectory ?? root, env, line };
}

function run(step, sinkCommand = 'cat > /dev/null') {
  const start = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', `${step.line} | ${sinkCommand}`], {
    cwd: step.cwd,
    env: step.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${step.line} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

function peakRssKib(step) {
  const out = join(root, 'time.out');
  const timed = { ...step, line: `/usr/bin/time -f %M -o ${quote(out)} ${step.line}` };
  run(timed);
  return Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
}

let keyring = null;
const sessionProjects = [];
try {
  const bigFile = join(root, 'big.log');
  const lineFile = join(root, 'one-line.log');
  const value = allSecrets[0].value;
  writeBigFile(bigFile, mebibytes, value, false);
  writeBigFile(lineFile, mebibytes, value, true);
  const bytes = statSync(bigFile).size;
  const projects = [];
  for (const count of sizes) projects.push(await makeProject(count));
  keyring = await startSecretService();
  if (keyring.service) {
    for (const project of projects) {
      const env = {
        ...baseEnv,
        ...keyring.service.env,
        LATCH_HOME: project.home,
        LATCH_PASSPHRASE: passphrase,
      };
      run({
        cwd: project.projectDirectory,
        env,
        line: `${quote(process.execPath)} ${quote(bin)} unlock --for 2h`,
      });
      sessionProjects.push({ project, env });
    }
    sessionEnv = keyring.service.env;
  }

  // Every planted value is masked, and nothing else changes size but by the markers.
  for (const project of projects) {
    const step = pipeline(project, `cat ${quote(bigFile)}`);
    const check = run(step, `grep -o -e ${quote(value)} -e '<latch:SECRET_0001>' | sort | uniq -c`);
    const counts = check.stdout.trim();
    if (counts !== `${planted} <latch:SECRET_0001>`) {
      throw new Error(`masking check failed with ${project.count} secrets: ${JSON.stringify(counts)}`);
    }
  }

  const rows = [
    { label: 'cat BIGFILE', step: pipeline(null, `cat ${quote(bigFile)}`), times: [] },
    ...projects.map((project) => ({
      label: `latch run -- cat BIGFILE (${project.count} secrets)`,
      count: project.count,
      step: pipeline(project, `cat ${quote(bigFile)}`),
      times: [],
    })),
  ];
  // latch's fixed cost (start-up, unlock), to see the streaming rate. `true` prints nothing, so
  // this row never builds the redactor: the streaming rate below still includes building it.
  const startRow = {
    label: 'latch run -- true (100 secrets)',
    step: pipeline(projects[1], 'true'),
    times: [],
  };
  rows.push(startRow);
  // Before every timed run, read BIGFILE once untimed: some machines (this VM runs DAMON
  // reclaim) drop cold page-cache pages within seconds, and a row that happens to read the
  // file from disk measures the disk, not the pipe.
  const warm = { cwd: root, env: baseEnv, line: `cat ${quote(bigFile)} ${quote(lineFile)}` };
  for (let round = 0; round < runs; round++) {
    for (let offset = 0; offset < rows.length; offset++) {
      const row = rows[(round + offset) % rows.length];
      run(warm);
      row.times.push(run(row.step).ms);
    }
  }
  const rate = (ms) => bytes / 1e6 / (ms / 1000);
  const catMs = median(rows[0].times);
  const hasGnuTime = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  const measureRss = `${hasGnuTime.stdout}${hasGnuTime.stderr}`.includes('GNU');
  const hundred = projects.find((project) => project.count === 100);
  const rssLog = measureRss ? peakRssKib(pipeline(hundred, `cat ${quote(bigFile)}`)) : null;
  const rssLine = measureRss ? peakRssKib(pipeline(hundred, `cat ${quote(lineFile)}`)) : null;

  console.log(`latch run with masking: ${mebibytes} MiB of log text, median of ${runs}; MB = 10^6 bytes`);
  console.log(
    sessionEnv
      ? 'unlocked by a session (latch unlock), as a user runs it: no key derivation per run'
      : `no session (${keyring.reason}): every run derives the cheap test KDF's key (${kdf})`,
  );
  console.log(`sink: \`| cat > /dev/null\` for every row; ${planted} planted values, all masked (checked)\n`);
  console.log(
    renderTable(
      ['command', 'median ms', 'MB/s', 'x cat'],
      rows.map((row) => {
        const ms = median(row.times);
        if (row === startRow) return [row.label, ms.toFixed(0), '-', '-'];
        return [row.label, ms.toFixed(0), rate(ms).toFixed(0), (catMs / ms).toFixed(2)];
      }),
    ),
  );
  const streamMs = median(rows.find((row) => row.count === 100).times) - median(startRow.times);
  console.log(
    `\nstreaming rate with 100 secrets, without the fixed cost: ${rate(streamMs).toFixed(0)} MB/s, ${(catMs / streamMs).toFixed(2)}x cat`,
  );
  const byCount = new Map(rows.filter((row) => row.count).map((row) => [row.count, median(row.times)]));
  console.log('\ncost per extra secret (added wall time per GiB of output, divided by the added secrets):');
  for (let index = 1; index < sizes.length; index++) {
    const [from, to] = [sizes[index - 1], sizes[index]];
    const perGiB = (byCount.get(to) - byCount.get(from)) / (bytes / 2 ** 30) / (to - from);
    console.log(`  ${from} -> ${to} secrets: ${perGiB.toFixed(3)} ms per GiB per secret`);
  }
  if (measureRss) {
    console.log(
      `\npeak RSS of latch (100 secrets, GNU time ru_maxrss): log text ${(rssLog / 1024).toFixed(1)} MiB,`,
    );
    console.log(`  one ${mebibytes} MiB line ${(rssLine / 1024).toFixed(1)} MiB`);
  } else {
    console.log('\npeak RSS: n/a (GNU time is not installed)');
  }
} finally {
  // End the sessions (which stops their agents) before the Secret Service goes.
  for (const { project, env } of sessionProjects) {
    spawnSync(process.execPath, [bin, 'lock'], { cwd: project.projectDirectory, env, stdio: 'ignore' });
  }
  keyring?.service?.stop();
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
