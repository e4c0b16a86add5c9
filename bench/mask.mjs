// Throughput of the output redactor (src/mask/redactor.ts) that `latch run` puts between a
// child and the terminal, next to a plain copy loop, in one run.
//
//   npm run build && node bench/mask.mjs
//   LATCH_REDACTOR=/tmp/maskbuild/mask/redactor.js node bench/mask.mjs   # another build
//   MASK_MIB=64 MASK_RUNS=1 node bench/mask.mjs                          # quicker
//
// Each case runs in its own child process (so its peak RSS is its own): it streams MASK_MIB
// MiB (default 256) of generated log text in 64 KiB chunks (what a pipe delivers) through
// one redactor stream and copies the output into a sink; "copy" does the same without the
// redactor. The text is a 16 MiB pool of realistic log lines (timestamps, UUIDs, hex ids,
// URLs, JSON), fed again and again; about one line in 2,000 carries a secret in some form
// (raw, base64, Basic auth, hex, JSON, URL), and "masked/planted" checks that each was masked.
// "one line" is the same text with no newline at all; "coloured" adds four SGR colour codes
// per line, as a logger on a terminal prints. "cat | copy" and "cat | mask" read `cat FILE...`
// from a pipe, as `latch run -- cat BIGFILE` does, and pass the chunks on with or without the
// redactor.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xorshift } from './random.mjs';

const here = fileURLToPath(import.meta.url);
const mebibytes = Number(process.env.MASK_MIB ?? 256);
const runs = Number(process.env.MASK_RUNS ?? 3);
const chunkSize = 64 * 1024;
const poolSize = 16 * 1024 * 1024;
const redactorPath = process.env.LATCH_REDACTOR ?? new URL('../dist/mask/redactor.js', import.meta.url).href;

// A small deterministic generator, so every case sees the same text.
const { random, pick } = xorshift(0x2545f491);
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = (length, alphabet = alnum) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const hexToken = (length) => token(length, '0123456789abcdef');
const uuid = () => `${hexToken(8)}-${hexToken(4)}-4${hexToken(3)}-a${hexToken(3)}-${hexToken(12)}`;

function makeSecrets(count) {
  const prefixes = ['sk-live-', 'ghp_', 'xoxb-', 'AKIA', 'glpat-', 'sk-proj-', ''];
  return Array.from({ length: count }, (_, index) => {
    const prefix = pick(prefixes);
    return { name: `SECRET_${index}`, value: `${prefix}${token(40 - prefix.length)}` };
  });
}

const words = ['user', 'order', 'session', 'cache', 'worker', 'queue', 'payment', 'invoice', 'auth', 'db'];
const paths = ['/api/v1/users', '/api/v1/orders', '/healthz', '/static/app.js', '/graphql', '/login'];
function logLine(secret) {
  const time = `2024-05-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}T12:${token(2, '012345')}:${token(2, '0123456789')}.${token(3, '0123456789')}Z`;
  const level = pick(['INFO ', 'INFO ', 'INFO ', 'DEBUG', 'WARN ', 'ERROR']);
  let detail;
  switch (Math.floor(random() * 4)) {
    case 0:
      detail = `GET ${pick(paths)}/${Math.floor(random() * 1e6)} ${pick([200, 200, 201, 304, 404, 500])} ${Math.floor(random() * 900)}ms request_id=${uuid()}`;
      break;
    case 1:
      detail = `${pick(words)}.${pick(words)} completed in ${(random() * 100).toFixed(3)}s commit=${hexToken(40)}`;
      break;
    case 2:
      detail = JSON.stringify({
        event: pick(words),
        id: uuid(),
        count: Math.floor(random() * 1e4),
        ok: random() > 0.1,
      });
      break;
    default:
      detail = `connecting to postgres://app@db-${Math.floor(random() * 9)}.internal:5432/${pick(words)} attempt ${Math.floor(random() * 5)}`;
  }
  if (secret !== undefined) {
    const value = Buffer.from(secret);
    const forms = [
      secret,
      `Authorization: Basic ${Buffer.from(`admin:${secret}`).toString('base64')}`,
      `token_b64=${value.toString('base64')}`,
      `hex=${value.toString('hex')}`,
      JSON.stringify({ apiKey: secret }),
      `https://example.com/cb?key=${encodeURIComponent(secret)}&x=1`,
    ];
    detail += ` ${pick(forms)}`;
  }
  return `${time} ${level} [${pick(words)}] ${detail}\n`;
}

// What a coloured logger prints on a terminal: a few SGR sequences per line.
function colour(line) {
  return line.replace(/^(\S+) (\w+)/, '\x1b[2m$1\x1b[0m \x1b[1;32m$2\x1b[0m');
}

/** A pool of log text (or one line without any newline) with secrets sprinkled in. */
function makePool(secrets, kind) {
  // Written straight into one buffer, so generating it leaves little garbage in the peak RSS.
  const pool = Buffer.alloc(poolSize, 0x20);
  let size = 0;
  let planted = 0;
  while (size < poolSize) {
    const secret = secrets.length > 0 && random() < 1 / 2000 ? pick(secrets).value : undefined;
    let line = logLine(secret);
    if (kind === 'line') line = line.replace('\n', ' ');
    if (kind === 'colour') line = colour(line);
    if (size + Buffer.byteLength(line) > poolSize) break;
    if (secret !== undefined) planted++;
    size += pool.write(line, size);
  }
  return { pool, planted };
}

async function runCase(kind, secretCount) {
  const allSecrets = makeSecrets(1000);
  const secrets = allSecrets.slice(0, secretCount);
  const { pool, planted } = makePool(secrets, kind);
  if (kind.startsWith('pipe')) return runPipe(kind, secrets, pool, planted);
  const total = mebibytes * 1024 * 1024;
  const sink = Buffer.allocUnsafe(chunkSize * 2);
  let stream = null;
  let patterns = 0;
  let buildMs = 0;
  if (kind !== 'copy') {
    const { createRedactor } = await import(redactorPath);
    const started = process.hrtime.bigint();
    const redactor = createRedactor(secrets.map(({ name, value }) => ({ name, value: Buffer.from(value) })));
    // The patterns compile on first use (the first chunk in `latch run`): count that in.
    patterns = redactor.patternCount;
    buildMs = Number(process.hrtime.bigint() - started) / 1e6;
    stream = () => redactor.stream();
  }
  const marker = Buffer.from('<latch:');
  const timings = [];
  let markers = 0;
  for (let run = 0; run < runs; run++) {
    const state = stream?.();
    markers = 0;
    let offset = 0;
    const started = process.hrtime.bigint();
    for (let done = 0; done < total; done += chunkSize) {
      if (offset + chunkSize > pool.length) offset = 0;
      const chunk = pool.subarray(offset, offset + chunkSize);
      offset += chunkSize;
      const out = state ? state.push(chunk) : chunk;
      // The sink: one copy of what would be written, the same for every case.
      sink.set(out.subarray(0, Math.min(out.length, sink.length)));
      if (state && out.length !== chunk.length) markers += countMarkers(out, marker);
    }
    if (state) markers += countMarkers(state.flush(), marker);
    timings.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const best = Math.min(...timings);
  const repeats = total / pool.length;
  return {
    kind,
    secrets: secretCount,
    patterns,
    buildMs,
    mbPerSecond: total / 1e6 / best,
    seconds: best,
    markers,
    expectedMarkers: Math.round(planted * repeats),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** `cat` of the pool, read by this process from a pipe, with or without the redactor. */
async function runPipe(kind, secrets, pool, planted) {
  const directory = mkdtempSync(join(tmpdir(), 'latch-mask-'));
  const file = join(directory, 'pool.log');
  writeFileSync(file, pool);
  const repeats = Math.round((mebibytes * 1024 * 1024) / pool.length);
  const { createRedactor } = await import(redactorPath);
  const redactor = createRedactor(secrets.map(({ name, value }) => ({ name, value: Buffer.from(value) })));
  const marker = Buffer.from('<latch:');
  const timings = [];
  let markers = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const state = kind === 'pipe-mask' ? redactor.stream() : null;
      markers = 0;
      const started = process.hrtime.bigint();
      const child = spawn('cat', Array(repeats).fill(file), { stdio: ['ignore', 'pipe', 'inherit'] });
      const sink = Buffer.allocUnsafe(chunkSize * 2);
      child.stdout.on('data', (chunk) => {
        const out = state ? state.push(chunk) : chunk;
        sink.set(out.subarray(0, Math.min(out.length, sink.length)));
        if (state && out.length !== chunk.length) markers += countMarkers(out, marker);
      });
      await new Promise((resolve) => child.on('close', resolve));
      if (state) markers += countMarkers(state.flush(), marker);
      timings.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const best = Math.min(...timings);
  const total = repeats * pool.length;
  return {
    kind,
    secrets: secrets.length,
    patterns: redactor.patternCount,
    buildMs: 0,
    mbPerSecond: total / 1e6 / best,
    seconds: best,
    markers,
    expectedMarkers: kind === 'pipe-mask' ? planted * repeats : 0,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function countMarkers(bytes, marker) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let count = 0;
  for (let at = buffer.indexOf(marker); at !== -1; at = buffer.indexOf(marker, at + 1)) count++;
  return count;
}

const cases = [
  ['copy', 0],
  ['mask', 0],
  ['mask', 10],
  ['mask', 100],
  ['mask', 1000],
  ['line', 100],
  ['colour', 100],
  ['pipe-copy', 100],
  ['pipe-mask', 100],
];

if (process.argv[2] === '--case') {
  const result = await runCase(process.argv[3], Number(process.argv[4]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  console.log(`redactor: ${redactorPath}`);
  console.log(`${mebibytes} MiB per run in 64 KiB chunks, best of ${runs}; MB = 10^6 bytes\n`);
  const results = [];
  for (const [kind, count] of cases) {
    const child = spawnSync(process.execPath, [here, '--case', kind, String(count)], {
      encoding: 'utf8',
      env: { ...process.env, LATCH_REDACTOR: redactorPath },
    });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    results.push(JSON.parse(child.stdout));
  }
  const copy = results[0];
  const pipeCopy = results.find((result) => result.kind === 'pipe-copy');
  const header = [
    'case',
    'secrets',
    'patterns',
    'build ms',
    'MB/s',
    'x its copy',
    'masked/planted',
    'peak RSS MiB',
  ];
  const titles = {
    copy: 'copy loop',
    mask: 'mask',
    line: `mask, one ${mebibytes} MiB line`,
    colour: 'mask, coloured',
    'pipe-copy': 'cat | copy',
    'pipe-mask': 'cat | mask',
  };
  const rows = results.map((result) => [
    titles[result.kind],
    String(result.secrets),
    String(result.patterns),
    result.buildMs.toFixed(1),
    result.mbPerSecond.toFixed(0),
    (result.mbPerSecond / (result.kind.startsWith('pipe') ? pipeCopy : copy).mbPerSecond).toFixed(2),
    result.kind.endsWith('copy') ? '-' : `${result.markers}/${result.expectedMarkers}`,
    result.maxRssMiB.toFixed(0),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  for (const row of [header, ...rows])
    console.log(row.map((cell, column) => cell.padStart(widths[column])).join('  '));
  const nsPerMiB = (result) => (result.seconds / mebibytes) * 1e9;
  const at = (count) => results.find((result) => result.kind === 'mask' && result.secrets === count);
  console.log('\ncost per extra secret (added time per MiB, divided by the added secrets;');
  console.log('with 0 secrets the redactor does nothing, so the first step includes the scan itself):');
  for (const [from, to] of [
    [0, 10],
    [10, 100],
    [100, 1000],
  ]) {
    const extra = (nsPerMiB(at(to)) - nsPerMiB(at(from))) / (to - from);
    console.log(`  ${from} -> ${to} secrets: ${(extra / 1000).toFixed(2)} µs per MiB per secret`);
  }
}
