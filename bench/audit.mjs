#!/usr/bin/env node
/**
 * `npm run bench:audit`: the audit log's costs (issue 6), measured in-process on the built
 * modules in dist/:
 *
 *   1. one append as a command pays it: `recordEvent` (who is asking, the parent-process
 *      walk, the lock, reading the tail, HMAC, write + fsync, rewriting the audit.head slot);
 *   2. `verifyLog` over 1,000,000 records generated with the core functions;
 *   3. the size of a `run` record with 20 secret names;
 *   4. `latch audit verify` itself (the built CLI, reading the file) on the same number of
 *      records, sealed with a real vault's audit key.
 *
 * Environment: AUDIT_APPENDS (default 2000), AUDIT_RECORDS (default 1000000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordEvent } from '../dist/app/audit.js';
import { verifyLog } from '../dist/audit/chain.js';
import { encodeHeadSlot, readAuditLog } from '../dist/audit/log.js';
import { deriveVaultAuditKey, genesisMac, sealRecord } from '../dist/audit/record.js';
import { createVault } from '../dist/vault/store.js';
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
  let bigLog = Buffer.concat(chunks);
  chunks.length = 0;
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  const verifyStart = process.hrtime.bigint();
  const verifyCpu = process.cpuUsage();
  const result = verifyLog(bigLog, keys);
  const verifyCpuUs = process.cpuUsage(verifyCpu);
  const verifyMs = Number(process.hrtime.bigint() - verifyStart) / 1e6;
  if (!result.ok || result.records !== recordCount)
    throw new Error(`verify failed: ${JSON.stringify(result)}`);
  const logMiB = (bigLog.length / 1048576).toFixed(0);
  bigLog = null;

  // 4. The command, end to end: a real vault, its audit key, the same records on disk.
  const cliHome = join(work, 'cli-home');
  mkdirSync(cliHome, { mode: 0o700 });
  const passphrase = 'bench passphrase';
  const vault = await createVault(cliHome, new TextEncoder().encode(passphrase), {
    memoryKiB: 8192,
    iterations: 1,
    parallelism: 1,
  });
  const realKeys = { vault: vault.auditKey(), state: keys.state };
  let last = genesisMac;
  for (let offset = 0; offset < recordCount; offset += 10_000) {
    const batch = [];
    for (let index = offset; index < Math.min(offset + 10_000, recordCount); index++) {
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
        recordKeyed === 'vault' ? realKeys.vault : realKeys.state,
        last,
      );
      last = Buffer.from(sealed.record.mac, 'hex');
      batch.push(sealed.line);
    }
    writeFileSync(join(cliHome, 'audit.log'), batch.join(''), { flag: 'a', mode: 0o600 });
  }
  const stateKeyText = JSON.stringify({ v: 1, key: Buffer.from(keys.state).toString('base64') });
  writeFileSync(join(cliHome, 'audit.key'), `${stateKeyText}\n`, { mode: 0o600 });
  const slot = encodeHeadSlot({ seq: recordCount, mac: Buffer.from(last).toString('hex') });
  writeFileSync(join(cliHome, 'audit.head'), slot + slot, { mode: 0o600 });
  const cliStart = process.hrtime.bigint();
  const cli = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('../dist/cli/latch.cjs', import.meta.url)), 'audit', 'verify'],
    {
      env: {
        PATH: process.env.PATH,
        HOME: work,
        LATCH_HOME: cliHome,
        LATCH_PASSPHRASE: passphrase,
        LATCH_KEYCHAIN: 'off',
      },
      encoding: 'utf8',
    },
  );
  const cliMs = Number(process.hrtime.bigint() - cliStart) / 1e6;
  if (cli.status !== 0 || !cli.stdout.startsWith(`ok: ${recordCount} records verified`))
    throw new Error(`latch audit verify failed: ${cli.stdout}${cli.stderr}`);

  console.log(
    `latch audit log (node ${process.version}, LATCH_HOME under ${tmpdir()}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
  );
  console.log('');
  console.log(`append (recordEvent, run record, ${appends} times, fsync'd):`);
  console.log(`  median ${formatMs(median(times))}   p95 ${formatMs(percentile(times, 95))}   target < 1 ms`);
  console.log(
    `  CPU (user + system) per append: ${formatMs((appendCpuUs.user + appendCpuUs.system) / 1000 / appends)}`,
  );
  console.log(`verify ${recordCount.toLocaleString('en')} records (${logMiB} MiB, in memory):`);
  console.log(
    `  ${formatMs(verifyMs)} wall, ${formatMs((verifyCpuUs.user + verifyCpuUs.system) / 1000)} CPU   target < 10 s   (generating them took ${formatMs(buildMs)})`,
  );
  console.log(
    `latch audit verify on ${recordCount.toLocaleString('en')} records (the built CLI, file read included, cheap KDF):`,
  );
  console.log(`  ${formatMs(cliMs)} wall   target < 10 s`);
  console.log(`bytes per run record (20 secret names, agent, cwd, pid): ${runBytes}`);
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
}
