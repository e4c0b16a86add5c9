#!/usr/bin/env node
/**
 * `npm run bench:mcp`: latch_run of `true` through an already started `latch mcp` (the MCP
 * SDK's own Client over stdio), against `latch run -- true` spawned from a shell, on the same
 * 20 secrets with the session unlocked (a real Secret Service on a private D-Bus, as the
 * session rows of bench/run.mjs; without one, both unlock with the cheap test KDF and the
 * report says so). Calls are interleaved so machine noise hits both alike. Then the server's
 * idle memory (RSS after the runs, from /proc).
 *
 * The target: latch_run at most 1.2x `latch run -- true`.
 *
 * Environment: BENCH_RUNS (timed calls each, default 50), BENCH_WARMUP (default 5).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { makeLatchProject, makeSecrets } from './fixtures.mjs';
import { startSecretService } from './keyring.mjs';
import { runForOutput, timeRun } from './measure.mjs';
import { formatMs, formatRatio, median, percentile, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const distDirectory = join(repository, 'dist');
const latch = join(distDirectory, 'cli', 'latch.cjs');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 50));
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const node = process.execPath;

const work = mkdtempSync(join(tmpdir(), 'latch-bench-mcp-'));
const cleanups = [() => rmSync(work, { recursive: true, force: true })];
try {
  const baseEnv = { PATH: process.env.PATH, HOME: work, TMPDIR: tmpdir(), LANG: 'C.UTF-8', NO_COLOR: '1' };
  const secrets = makeSecrets();
  const fixture = await makeLatchProject({
    root: work,
    name: 'mcp',
    kdf: 'm=8192,t=1,p=1',
    secrets,
    declared: secrets.map((secret) => secret.name),
    distDirectory,
    baseEnv,
  });
  let env = fixture.env;
  let unlock = 'cheap test KDF (no Secret Service: the passphrase each time)';
  const { service, reason } = await startSecretService();
  if (service) {
    cleanups.unshift(service.stop);
    const withKeychain = { ...fixture.env, ...service.env, LATCH_KEYCHAIN: 'auto' };
    runForOutput({
      file: node,
      args: [latch, 'unlock', '--for', '2h'],
      cwd: fixture.project,
      env: withKeychain,
    });
    const { LATCH_PASSPHRASE: _passphrase, ...rest } = withKeychain;
    env = rest;
    unlock = 'unlocked session (a real Secret Service)';
    cleanups.unshift(() => runForOutput({ file: node, args: [latch, 'lock'], cwd: fixture.project, env }));
  } else process.stderr.write(`no session: ${reason}\n`);

  const transport = new StdioClientTransport({
    command: node,
    args: [latch, 'mcp'],
    cwd: fixture.project,
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'latch-bench', version: '1' });
  await client.connect(transport);
  cleanups.unshift(() => client.close());
  const shell = { file: node, args: [latch, 'run', '--', 'true'], cwd: fixture.project, env };
  const callTrue = async () => {
    const start = process.hrtime.bigint();
    const result = await client.callTool({ name: 'latch_run', arguments: { argv: ['true'] } });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.isError) throw new Error(`latch_run failed: ${JSON.stringify(result.content)}`);
    return elapsed;
  };
  for (let round = 0; round < warmup; round++) {
    timeRun(shell);
    await callTrue();
  }
  const times = { shell: [], mcp: [] };
  for (let round = 0; round < runs; round++) {
    process.stderr.write(`\rround ${round + 1}/${runs}`);
    times.shell.push(timeRun(shell));
    times.mcp.push(await callTrue());
  }
  process.stderr.write('\n');
  const pid = transport.pid;
  const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  const shellMedian = median(times.shell);
  const rows = [
    ['`latch run -- true` from a shell (spawned each time)', times.shell],
    ['latch_run `true` through `latch mcp` (already started)', times.mcp],
  ].map(([label, samples]) => [
    label,
    formatMs(median(samples)),
    formatMs(percentile(samples, 95)),
    formatRatio(median(samples) / shellMedian),
  ]);
  const out = [
    `latch_run through the MCP server: ${runs} calls each, interleaved; 20 secrets; ${unlock}`,
    '',
    renderTable(['command', 'median ms', 'p95 ms', 'x latch run'], rows),
    '',
    `target: latch_run <= 1.2x latch run -- true: ${median(times.mcp) / shellMedian <= 1.2 ? 'met' : 'NOT met'}`,
    `server idle memory after the calls: RSS ${rss ? (Number(rss) / 1024).toFixed(1) : 'n/a'} MiB (peak ${hwm ? (Number(hwm) / 1024).toFixed(1) : 'n/a'} MiB)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {}
  }
}
