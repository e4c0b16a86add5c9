#!/usr/bin/env node
/**
 * `npm run bench:ui-memory`: the idle memory of `latch ui` (the built dist/cli/latch.cjs;
 * run `npm run build` first). Starts `latch ui --no-open` on a small prepared vault (20
 * secrets), waits 2 s without a request, and reads VmRSS and VmHWM from /proc/PID/status;
 * then again after the page's first requests (the token exchange and the overview), idle
 * 2 s more. Beside it, the floor: a bare `node -e` http.createServer listening on 127.0.0.1,
 * measured the same way. Rows for the cheap test KDF, for latch's default (64 MiB Argon2id,
 * what a user's vault has, unlocked with the passphrase when `latch ui` starts) and, where a
 * Secret Service can be started (bench/keyring.mjs), the default vault unlocked by a session
 * (`latch unlock`: no Argon2id in the server). Linux only.
 *
 * Environment: BENCH_IDLE_MS (default 2000).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLatchProject, makeSecrets } from './fixtures.mjs';
import { startSecretService } from './keyring.mjs';
import { runForOutput } from './measure.mjs';
import { formatMiB, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(repository, 'dist');
const latch = join(distDirectory, 'cli', 'latch.cjs');
const idleMs = Number(process.env.BENCH_IDLE_MS ?? 2000);
const node = process.execPath;

if (!existsSync(latch)) {
  process.stderr.write('bench/ui-memory.mjs: dist/cli/latch.cjs is missing; run `npm run build` first\n');
  process.exit(1);
}
if (!existsSync('/proc/self/status')) {
  process.stderr.write('bench/ui-memory.mjs: needs /proc (Linux)\n');
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM of `pid` in KiB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Spawns a server and resolves once `ready` matches its stdout, with the match. */
function startServer(args, options, ready) {
  const child = spawn(node, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = ready.exec(stdout);
      if (found) resolve({ child, found });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** One request to 127.0.0.1:`port` as the page sends it; resolves with status and headers. */
function pageRequest(port, path, { body, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const asked = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: {
          ...(body === undefined
            ? {}
            : { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }),
          ...(cookie ? { cookie } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers }));
      },
    );
    asked.on('error', reject);
    asked.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The page's first requests: its files, the token for a session, the overview. */
async function openPage(port, token) {
  for (const path of ['/', '/app.js', '/style.css']) await pageRequest(port, path);
  const login = await pageRequest(port, '/api/session', { body: { token } });
  if (login.status !== 200) throw new Error(`the token exchange answered ${login.status}`);
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const overview = await pageRequest(port, '/api/overview', { cookie });
  if (overview.status !== 200) throw new Error(`the overview answered ${overview.status}`);
}

const work = mkdtempSync(join(tmpdir(), 'latch-bench-ui-memory-'));
const cleanups = [() => rmSync(work, { recursive: true, force: true })];
try {
  const baseEnv = { PATH: process.env.PATH, HOME: work, TMPDIR: tmpdir(), LANG: 'C.UTF-8', NO_COLOR: '1' };
  const secrets = makeSecrets();
  const rows = [];

  const floorScript =
    "require('node:http').createServer().listen(0, '127.0.0.1', () => console.log('listening'))";
  const floor = await startServer(['-e', floorScript], { env: baseEnv }, /listening/);
  await sleep(idleMs);
  const floorMemory = memoryOf(floor.child.pid);
  await stopServer(floor.child);
  rows.push(['floor: node -e http.createServer().listen()', floorMemory, '']);

  const { service, reason } = await startSecretService();
  if (service) cleanups.unshift(service.stop);
  else process.stderr.write(`no session row: ${reason}\n`);
  const cases = [
    { label: 'test KDF (m=8 MiB)', kdf: 'm=8192,t=1,p=1', session: false },
    { label: 'default KDF (m=64 MiB)', kdf: null, session: false },
    ...(service ? [{ label: 'default KDF, unlocked session', kdf: null, session: true }] : []),
  ];
  for (const { label, kdf, session } of cases) {
    const fixture = await makeLatchProject({
      root: work,
      name: label.replace(/\W+/g, '-'),
      kdf,
      secrets,
      declared: secrets.map((secret) => secret.name),
      distDirectory,
      baseEnv,
    });
    let env = fixture.env;
    if (session) {
      const withKeychain = { ...fixture.env, ...service.env, LATCH_KEYCHAIN: 'auto' };
      runForOutput({
        file: node,
        args: [latch, 'unlock', '--for', '1h'],
        cwd: fixture.project,
        env: withKeychain,
      });
      const { LATCH_PASSPHRASE: _passphrase, ...rest } = withKeychain;
      env = rest;
      cleanups.unshift(() => runForOutput({ file: node, args: [latch, 'lock'], cwd: fixture.project, env }));
    }
    const ui = await startServer(
      [latch, 'ui', '--no-open'],
      { cwd: fixture.project, env },
      /latch ui: http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/,
    );
    try {
      const pid = ui.child.pid;
      await sleep(idleMs);
      const idle = memoryOf(pid);
      rows.push([`latch ui, idle, ${label}`, idle, formatRatio(idle.rss / floorMemory.rss)]);
      await openPage(Number(ui.found[1]), ui.found[2]);
      await sleep(idleMs);
      const served = memoryOf(pid);
      rows.push([
        `latch ui, idle after the overview, ${label}`,
        served,
        formatRatio(served.rss / floorMemory.rss),
      ]);
    } finally {
      await stopServer(ui.child);
    }
  }

  const table = renderTable(
    ['process (20 secrets, 1 project)', 'VmRSS MiB', 'VmHWM MiB', 'RSS x floor'],
    rows.map(([label, memory, ratio]) => [
      label,
      formatMiB(memory.rss),
      formatMiB(memory.hwm),
      ratio || '1.00x',
    ]),
  );
  process.stdout.write(
    `latch ui idle memory (node ${process.version}, ${idleMs} ms idle before each reading, /proc/PID/status)\n\n${table}\n`,
  );
} finally {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {}
  }
}

function formatRatio(ratio) {
  return `${ratio.toFixed(2)}x`;
}
