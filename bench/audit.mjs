#!/usr/bin/env node
/**
 * `npm run bench:audit`: the audit log's costs (issue 6), measured in-process on the built
 * modules in dist/:
 *
 *   1. one append as a command pays it: `recordEvent` (who is asking, the parent-process
 *      walk, the lock, reading the tail, HMAC, write + fsync, replacing audit.state);
 *   2. `verifyLog` over 1,000,000 records generated with the core functions;
 *   3. the size of a `run` record with 20 secret names.
 *
 * Environment: AUDIT_APPENDS (default 2000), AUDIT_RECORDS (default 1000000).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordEvent } from '../dist/cli/audit.js';
import { verifyLog } from '../dist/core/audit-chain.js';
import { deriveVaultAuditKey, genesisMac, sealRecord } from '../dist/core/audit-record.js';
import { readAuditLog } from '../dist/platform/audit-log.js';
import { makeSecrets } from './fixtures.mjs';
import { median, percentile } from './report.mjs';

const formatMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(3)} ms`);

const appends = Number(process.env.AUDIT_APPENDS ?? 2000);
const recordCount = Number(process.env.AUDIT_RECORDS ?? 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'latch-bench-audit-'));
const home = join(work, 'home');
const names = makeSecrets().map((secret) => secret.name);

const io = {
  env: { LATCH_HOME: home, USER: 'dev' },
  cwd: '/home/dev/src/myapp',
  stdin: { async *[Symbol.asyncIterator]() {} },
  stdout: { write: () => true },
  stderr: { write: (text) => process.stderr.write(text) },
  terminal: null,
  now: () => new Date(),
  sleep: async () => {},
};
const runEvent = { kind: 'run', project: 'myapp', environment: 'dev', secrets: names, program: 'node' };

try {
  // 1. Append cost.
  mkdirSync(home, { mode: 0o700 });
  for (let index = 0; index < 50; index++) await recordEvent(io, runEvent);
  const times = [];
  const appendCpu = process.cpuUsage();
  for (let index = 0; index < appends; index++) {
    const start = process.hrtime.bigint();
    await recordEvent(io, runEvent);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const appendCpuUs = process.cpuUsage(appendCpu);
  const log = readAuditLog(home);
  const lines = Buffer.from(log).toString('utf8').trimEnd().split('\n');
  const runBytes = Buffer.byteLength(`${lines.at(-1)}\n`);

  // 2. Verify 1,000,000 records, built with the core functions.
  const keys = {
    vault: deriveVaultAuditKey(new Uint8Array(32).fill(1), new Uint8Array(16)),
    state: new Uint8Array(32).fill(2),
  };
  const template = JSON.parse(lines.at(-1).replace(/,"mac":"[0-9a-f]{64}"\}$/, '}'));
  const fields = Object.fromEntries(
    Object.entries(template).filter(([name]) => !['v', 'seq', 'time', 'event', 'keyed'].includes(name)),
  );
  const buildStart = process.hrtime.bigint();
  const chunks = [];
  const pending = [];
  let previous = genesisMac;
  for (let index = 0; index < recordCount; index++) {
    const recordKeyed = index % 10 === 9 ? 'state' : 'vault';
    const sealed = sealRecord(
      {
        v: 1,
        seq: index + 1,
        time: new Date(1_780_000_000_000 + index * 1000).toISOString(),
        event: 'run',
        keyed: recordKeyed,
        fields,
      },
      recordKeyed === 'vault' ? keys.vault : keys.state,
      previous,
    );
    previous = Buffer.from(sealed.record.mac, 'hex');
    pending.push(sealed.line);
    if (pending.length === 10_000) {
      chunks.push(Buffer.from(pending.join('')));
      pending.length = 0;
    }
  }
  chunks.push(Buffer.from(pending.join('')));
  const bigLog = Buffer.concat(chunks);
  chunks.length = 0;
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  const verifyStart = process.hrtime.bigint();
  const verifyCpu = process.cpuUsage();
  const result = verifyLog(bigLog, keys);
  const verifyCpuUs = process.cpuUsage(verifyCpu);
  const verifyMs = Number(process.hrtime.bigint() - verifyStart) / 1e6;
  if (!result.ok || result.records !== recordCount)
    throw new Error(`verify failed: ${JSON.stringify(result)}`);

  console.log(
    `latch audit log (node ${process.version}, LATCH_HOME under ${tmpdir()}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
  );
  console.log('');
  console.log(`append (recordEvent, run record, ${appends} times, fsync'd):`);
  console.log(`  median ${formatMs(median(times))}   p95 ${formatMs(percentile(times, 95))}   target < 1 ms`);
  console.log(
    `  CPU (user + system) per append: ${formatMs((appendCpuUs.user + appendCpuUs.system) / 1000 / appends)}`,
  );
  console.log(
    `verify ${recordCount.toLocaleString('en')} records (${(bigLog.length / 1048576).toFixed(0)} MiB, in memory):`,
  );
  console.log(
    `  ${formatMs(verifyMs)} wall, ${formatMs((verifyCpuUs.user + verifyCpuUs.system) / 1000)} CPU   target < 10 s   (generating them took ${formatMs(buildMs)})`,
  );
  console.log(`bytes per run record (20 secret names, agent, cwd, pid): ${runBytes}`);
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
}
