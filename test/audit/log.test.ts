import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/audit/chain.js';
import {
  appendAuditRecord,
  auditPaths,
  headSlotSize,
  readAuditHead,
  readAuditLog,
  readAuditState,
} from '../../src/audit/log.js';
import { readAncestors } from '../../src/audit/processes.js';

let root: string;
let home: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'latch-audit-'));
  home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const vaultKey = new Uint8Array(32).fill(7);
const append = (fields: Record<string, string | number>, key: Uint8Array | null = null) =>
  appendAuditRecord(home, { event: 'run', fields, time: '2026-06-01T12:00:00.000Z', vaultKey: key });
const verify = () => verifyLog(readAuditLog(home), { vault: vaultKey, state: readAuditState(home)!.key });

describe('appendAuditRecord', () => {
  it('creates the files 0600, the key and head before the first record', async () => {
    const result = await append({ program: 'true' });
    expect(result.record.seq).toBe(1);
    for (const path of [auditPaths(home).log, auditPaths(home).key, auditPaths(home).head])
      expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(auditPaths(home).head).size).toBe(2 * headSlotSize);
    expect(readAuditHead(home)).toEqual({ seq: 1, mac: result.record.mac });
  });

  it('puts a loosened log back to 0600 on the next append', async () => {
    await append({ n: 1 });
    chmodSync(auditPaths(home).log, 0o644);
    await append({ n: 2 });
    expect(statSync(auditPaths(home).log).mode & 0o777).toBe(0o600);
  });

  it('chains across records longer than its read window, with both keys', async () => {
    await append({ padding: 'a'.repeat(20_000) });
    await append({ padding: 'b'.repeat(100_000) }, vaultKey);
    await append({ program: 'true' });
    await append({ padding: 'c'.repeat(9_000) }, vaultKey);
    const last = await append({ program: 'true' });
    expect(last.record.seq).toBe(5);
    expect(verify()).toMatchObject({ ok: true, records: 5, unchecked: 0 });
  });

  it('a torn head slot falls back to the other slot, one record older', async () => {
    await append({ n: 1 });
    const second = await append({ n: 2 });
    const third = await append({ n: 3 });
    expect(readAuditHead(home)).toEqual({ seq: 3, mac: third.record.mac });
    const bytes = readFileSync(auditPaths(home).head);
    bytes.write('{"seq":3,"mac":"torn', headSlotSize);
    writeFileSync(auditPaths(home).head, bytes);
    expect(readAuditHead(home)).toEqual({ seq: 2, mac: second.record.mac });
  });

  it('never chains onto a garbage last line: verify fails there', async () => {
    await append({ n: 1 });
    appendFileSync(auditPaths(home).log, 'not a record\n');
    const next = await append({ n: 2 });
    // The head came from audit.head, so the new record follows record 1.
    expect(next.record.seq).toBe(2);
    expect(verify()).toMatchObject({ ok: false, line: 2 });
  });
});

describe('readAncestors', () => {
  it('walks the real parent chain from /proc, nearest first', () => {
    if (process.platform !== 'linux') return;
    const chain = readAncestors(process.pid);
    expect(chain[0]).toMatchObject({ pid: process.pid, name: expect.stringMatching(/node|vitest/) });
    expect(chain[1]?.pid).toBe(process.ppid);
    expect(chain.length).toBeLessThanOrEqual(8);
  });
});
