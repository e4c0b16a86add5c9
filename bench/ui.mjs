#!/usr/bin/env node
/**
 * `npm run bench:ui`: issue 19's speed target, the first page of `latch ui` fully rendered
 * within 300 ms of the browser's request, with 50 projects and 2,000 secrets in the vault
 * (bench/ui-fixture.mjs). Debian's Chromium (/usr/bin/chromium, driven by playwright-core)
 * opens the address the built `latch ui --no-open` prints; a probe in the page
 * (installRenderProbe) marks when the overview has rendered (`body[data-view=secrets]`) and
 * when the frame after it has been painted. Times are the page's own clock
 * (performance.now(), from the navigation's start), so nothing of playwright's round trips
 * is counted.
 *
 * Each run starts a new `latch ui` (its token opens the page once) and opens the page in a
 * new browser context (no cache, no cookie) of one Chromium started for the bench: a
 * browser that is already running, as a person's is. The floor row is the same Chromium
 * loading a static page with the same 2,000 rows, in the same markup, with latch's own
 * stylesheet and response headers, from a bare node:http server: the least that showing
 * those rows needs. A second floor row drops the headers, to show what the process swap
 * that Cross-Origin-Opener-Policy causes costs here.
 *
 * Environment: BENCH_RUNS (timed runs per row, default 15), BENCH_WARMUP (default 2),
 * BENCH_COMPARE (another build's dist/cli/latch.cjs: one more row, timed in the same
 * rounds), BENCH_KEEP=1 (keep the temporary directory).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { formatMs, formatRatio, median, percentile, renderTable } from './report.mjs';
import { buildUiFixture, installRenderProbe, readRenderTiming } from './ui-fixture.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(repository, 'dist');
const latch = join(distDirectory, 'cli', 'latch.cjs');
const chromiumPath = '/usr/bin/chromium';
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 15));
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const compare = process.env.BENCH_COMPARE ? resolve(process.env.BENCH_COMPARE) : null;
const keep = process.env.BENCH_KEEP === '1';
const target = 300;
const expectedRows = 2000;
const passphrase = 'bench-passphrase';

const progress = (text) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
};

/** Starts `latch ui --no-open` from `binary`; resolves with the child and the address it prints. */
function startLatchUi(binary, fixture) {
  const child = spawn(process.execPath, [binary, 'ui', '--no-open'], {
    cwd: fixture.project,
    env: fixture.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /latch ui: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (found) resolvePromise({ child, url: found[1] });
    });
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.once('exit', (code) => reject(new Error(`latch ui exited with ${code}: ${errors.trim()}`)));
  });
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  child.kill('SIGTERM');
  return exited;
}

/** Resident and peak memory of a process (KiB), from /proc; nulls elsewhere. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) || null;
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return { rss: null, peak: null };
  }
}

const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);

/** `items` by `key`, in first-seen order (Map.groupBy needs Node 21). */
function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const name = key(item);
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(item);
  }
  return groups;
}

/** The state badges of a fixture secret, as src/ui/page/states.ts words them. */
function badges(secret) {
  const found = [];
  if (secret.leaked) found.push(['leaked', 'leaked: rotate']);
  if (secret.expired) found.push(['expired', 'expired']);
  if (secret.rotationDue) found.push(['rotation-due', 'rotation due']);
  if (found.length === 0) found.push(['set', 'set']);
  return found.map(([kind, words]) => `<span class="state state-${kind}">${words}</span>`).join('');
}

/** The overview's markup (src/ui/page/overview.ts) for the fixture's secrets, as one static page. */
function floorPage(secrets) {
  const heading = ['name', 'state', 'description', 'owner', 'expires', 'rotate every', 'changed'];
  const wide = new Set(['description', 'owner', 'rotate every', 'changed']);
  const head = heading
    .map((text) => `<th scope="col"${wide.has(text) ? ' class="wide"' : ''}>${text}</th>`)
    .join('');
  const sections = [];
  const byProject = groupBy(secrets, (secret) => secret.project);
  for (const [project, projectSecrets] of byProject) {
    const parts = [`<section data-project="${project}"><h2>${project}</h2>`];
    for (const [environment, rows] of groupBy(projectSecrets, (secret) => secret.environment)) {
      parts.push(
        `<h3>${environment}</h3><table data-environment="${environment}"><thead><tr>${head}</tr></thead><tbody>`,
      );
      for (const secret of rows) {
        const query = new URLSearchParams({ project, environment, name: secret.name }).toString();
        parts.push(
          `<tr data-secret="${secret.name}"><td><a href="#/secret?${query}">${secret.name}</a></td>` +
            `<td>${badges(secret)}</td><td class="wide">${escapeHtml(secret.description ?? '')}</td>` +
            `<td class="wide">${escapeHtml(secret.owner ?? '')}</td><td>${secret.expires ?? ''}</td>` +
            `<td class="wide">${secret.rotateEvery ?? ''}</td><td class="wide">${secret.updated.slice(0, 10)}</td></tr>`,
        );
      }
      parts.push('</tbody></table>');
    }
    parts.push('</section>');
    sections.push(parts.join(''));
  }
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>floor</title>',
    '<link rel="stylesheet" href="/style.css"></head>',
    '<body data-view="secrets"><header><h1>latch</h1><nav id="views"></nav></header><main id="main">',
    `<p class="note">${secrets.length} secrets</p>`,
    ...sections,
    '</main></body></html>',
  ].join('');
}

/**
 * The floor's server, a child process like `latch ui`: node:http answering / with the static
 * page and /style.css with latch's stylesheet, both read once. Resolves with its address.
 */
function startFloorServer(pagePath, headers) {
  const script = `
    const http = require('node:http'), fs = require('node:fs');
    const headers = ${JSON.stringify(headers)};
    const files = {
      '/': ['text/html; charset=utf-8', fs.readFileSync(${JSON.stringify(pagePath)})],
      '/style.css': ['text/css; charset=utf-8', fs.readFileSync(${JSON.stringify(join(distDirectory, 'ui', 'style.css'))})],
    };
    const server = http.createServer((request, response) => {
      const file = files[request.url];
      if (!file) { response.writeHead(404); response.end(); return; }
      response.writeHead(200, { ...headers, 'content-type': file[0] });
      response.end(file[1]);
    });
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port + '/'));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePromise, reject) => {
    child.stdout.once('data', (chunk) => resolvePromise({ child, url: String(chunk).trim() }));
    child.once('exit', (code) => reject(new Error(`the floor server exited with ${code}`)));
  });
}

/** Opens `url` in a fresh context and returns the probe's timeline. */
async function load(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(installRenderProbe);
    await page.goto(url);
    const timing = await readRenderTiming(page);
    if (timing.rows !== expectedRows)
      throw new Error(`${url} showed ${timing.rows} rows, not ${expectedRows}`);
    return timing;
  } finally {
    await context.close();
  }
}

/** One row of the report: how to load it once, and what it measured. */
function latchRow(id, label, binary, fixture) {
  return {
    id,
    label,
    samples: [],
    memory: [],
    async once(browser) {
      const { child, url } = await startLatchUi(binary, fixture);
      try {
        const timing = await load(browser, url);
        return { timing, memory: memoryOf(child.pid) };
      } finally {
        await stop(child);
      }
    },
  };
}

function floorRow(id, label, url) {
  return {
    id,
    label,
    samples: [],
    memory: [],
    async once(browser) {
      return { timing: await load(browser, url), memory: null };
    },
  };
}

const stat = (samples, pick) => median(samples.map(pick));
const p90 = (samples, pick) => percentile(samples.map(pick), 90);

function report({ rows, browserVersion, fixtureMs, loadBefore, seconds }) {
  const loadAfter = loadavg()[0];
  const busy = Math.max(loadBefore, loadAfter) > cpus().length / 2;
  const floor = rows.find((row) => row.id === 'floor');
  const painted = (sample) => sample.painted;
  const out = [
    `latch ui bench: node ${process.version}, Chromium ${browserVersion}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'})`,
    `${runs} timed runs per row after ${warmup} warm-up rounds, rows interleaved; a new latch ui and a new browser context each run`,
    `vault: 50 projects x 3 environments, 2,000 secrets (built in ${formatMs(fixtureMs)} ms, cheap test KDF)`,
    `load average (1 min) before/after: ${loadBefore.toFixed(1)}/${loadAfter.toFixed(1)}${busy ? ' -- the machine was busy: absolute times are inflated, ratios less so' : ''}`,
    '',
    `First page painted, ms from the navigation's start (target <= ${target} ms)`,
    renderTable(
      ['page', 'median ms', 'p90 ms', 'rendered (view set) ms', 'x floor'],
      rows.map((row) => [
        row.label,
        formatMs(stat(row.samples, painted)),
        formatMs(p90(row.samples, painted)),
        formatMs(stat(row.samples, (sample) => sample.view)),
        formatRatio(stat(row.samples, painted) / stat(floor.samples, painted)),
      ]),
    ),
  ];
  const latchRows = rows.filter((row) => !row.id.startsWith('floor'));
  // Each step of the first page, from the Resource Timing of the page's own requests.
  const steps = [
    ['navigation start to the request', (sample) => sample.requestStart],
    ['HTML, then style.css and app.js received', (sample) => sample.scriptEnd - sample.requestStart],
    ['app.js starts, POSTs the token', (sample) => sample.sessionStart - sample.scriptEnd],
    ['token for a session cookie (round trip)', (sample) => sample.sessionEnd - sample.sessionStart],
    ['to the request of /api/overview', (sample) => sample.apiRequestStart - sample.sessionEnd],
    ['server: /api/overview to its first byte', (sample) => sample.apiFirstByte - sample.apiRequestStart],
    ['its transfer', (sample) => sample.apiEnd - sample.apiFirstByte],
    ['JSON parse and DOM build (to view set)', (sample) => sample.view - sample.apiEnd],
    ['style, layout, paint (to the frame after)', (sample) => sample.painted - sample.view],
  ];
  out.push('', 'Where the time goes (median of each step, ms)');
  out.push(
    renderTable(
      ['step', ...latchRows.map((row) => (row.id === 'latch' ? 'this build' : 'BENCH_COMPARE'))],
      steps.map(([label, pick]) => [label, ...latchRows.map((row) => formatMs(stat(row.samples, pick)))]),
    ),
  );
  for (const row of rows.filter((candidate) => candidate.id.startsWith('floor'))) {
    const step = (pick) => formatMs(stat(row.samples, pick));
    out.push(
      `   ${row.id}: to request ${step((sample) => sample.requestStart)}, HTML received ${step((sample) => sample.documentEnd - sample.requestStart)}, parsed (DOMContentLoaded) ${step((sample) => sample.view - sample.documentEnd)}, style, layout, paint ${step((sample) => sample.painted - sample.view)}`,
    );
  }
  const [first] = latchRows;
  out.push(
    `   /api/overview: ${((first.samples[0]?.apiBytes ?? 0) / 1024).toFixed(0)} KiB of JSON; "server" is its time to first byte on the loopback`,
  );
  out.push('');
  for (const row of latchRows) {
    const memory = row.memory.filter((entry) => entry.rss !== null);
    if (memory.length === 0) continue;
    out.push(
      `${row.label}: server memory after the page loaded (idle), median RSS ${(stat(memory, (entry) => entry.rss) / 1024).toFixed(1)} MiB, peak ${(stat(memory, (entry) => entry.peak) / 1024).toFixed(1)} MiB`,
    );
  }
  const met = stat(first.samples, painted) <= target;
  out.push(
    `target: first page painted within ${target} ms: ${met ? 'met' : 'NOT met'} (median ${formatMs(stat(first.samples, painted))} ms, p90 ${formatMs(p90(first.samples, painted))} ms)`,
  );
  out.push(`(bench took ${seconds.toFixed(0)} s)`);
  progress('');
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  if (!existsSync(latch)) throw new Error(`${latch} is missing; run \`npm run build\` first`);
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing; apt-get install chromium`);
  if (compare && !existsSync(compare)) throw new Error(`BENCH_COMPARE: ${compare} does not exist`);
  const started = process.hrtime.bigint();
  const loadBefore = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'latch-bench-ui-'));
  const cleanups = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {}
    }
    if (!keep) rmSync(work, { recursive: true, force: true });
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => void cleanUp().then(() => process.exit(code)));
  }
  try {
    progress('building the vault');
    const home = join(work, 'home');
    const project = join(work, 'project');
    mkdirSync(project);
    const fixtureStart = performance.now();
    const { secrets } = await buildUiFixture({
      distDirectory,
      home,
      projectDirectory: project,
      passphrase,
      kdf: 'm=8192,t=1,p=1',
    });
    const fixtureMs = performance.now() - fixtureStart;
    const fixture = {
      project,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        TMPDIR: tmpdir(),
        LANG: 'C.UTF-8',
        NO_COLOR: '1',
        LATCH_HOME: home,
        LATCH_PASSPHRASE: passphrase,
        LATCH_KEYCHAIN: 'off',
      },
    };
    const pagePath = join(work, 'floor.html');
    writeFileSync(pagePath, floorPage(secrets));
    // The headers every response of latch ui carries (src/ui/server.ts). Cross-Origin-Opener-
    // Policy puts the page in a browsing context group of its own: Chromium starts a new
    // renderer process for it when the tab was on another page (about:blank here), so the
    // floor pays that too; the bare floor shows what it costs.
    const { contentSecurityPolicy } = await import(pathToFileURL(join(distDirectory, 'ui', 'guard.js')).href);
    const latchHeaders = {
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    };
    const floorServer = await startFloorServer(pagePath, latchHeaders);
    cleanups.push(() => stop(floorServer.child));
    const bareServer = await startFloorServer(pagePath, { 'cache-control': 'no-store' });
    cleanups.push(() => stop(bareServer.child));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    cleanups.push(() => browser.close());
    const rows = [
      latchRow('latch', '`latch ui`, first page (overview, 2,000 rows)', latch, fixture),
      ...(compare ? [latchRow('compare', `the same, build of BENCH_COMPARE`, compare, fixture)] : []),
      floorRow('floor', "floor: the same rows as one static page, latch's headers", floorServer.url),
      floorRow('floor-bare', 'the floor without those headers (no COOP)', bareServer.url),
    ];
    for (let round = 0; round < warmup + runs; round++) {
      const timed = round >= warmup;
      progress(
        `${timed ? 'timing' : 'warm-up'}: round ${round + 1 - (timed ? warmup : 0)}/${timed ? runs : warmup}`,
      );
      const offset = round % rows.length;
      for (const row of [...rows.slice(offset), ...rows.slice(0, offset)]) {
        const { timing, memory } = await row.once(browser);
        if (!timed) continue;
        row.samples.push(timing);
        if (memory) row.memory.push(memory);
      }
    }
    report({
      rows,
      browserVersion: browser.version(),
      fixtureMs,
      loadBefore,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  } finally {
    await cleanUp();
    if (keep) process.stderr.write(`kept ${work}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`\nbench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
