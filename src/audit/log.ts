/**
 * The audit log on disk (docs/audit.md): `audit.log`, one record per line, appended under
 * `audit.lock` so records from concurrent latch processes form one chain; `audit.key`, the
 * state key; `audit.head`, the last record's sequence number and MAC. A torn last line left
 * by a crash is never chained onto: the next append closes it with a newline and seals it
 * off with a `truncated-tail` record that names its length and SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { withLock, writeFileAtomic } from '../shared/files.js';
import {
  type AuditEventKind,
  type AuditFields,
  type AuditHead,
  type AuditRecord,
  auditFormatVersion,
  fragmentDigest,
  genesisMac,
  parseLine,
  sealRecord,
} from './record.js';

export interface AuditPaths {
  log: string;
  /** The state key (written once, atomically, before the first record it MACs). */
  key: string;
  /** The head: two fixed-size slots, rewritten in place after each append. */
  head: string;
  lock: string;
}

/** The audit files in `home`. */
export function auditPaths(home: string): AuditPaths {
  return {
    log: join(home, 'audit.log'),
    key: join(home, 'audit.key'),
    head: join(home, 'audit.head'),
    lock: join(home, 'audit.lock'),
  };
}

export interface AuditState {
  key: Uint8Array;
  /** Null when audit.head is missing or has no intact slot. */
  head: AuditHead | null;
}

function readStateKey(home: string): Uint8Array | null {
  try {
    const parsed = JSON.parse(readFileSync(auditPaths(home).key, 'utf8')) as { v?: unknown; key?: unknown };
    const key = typeof parsed.key === 'string' ? new Uint8Array(Buffer.from(parsed.key, 'base64')) : null;
    return parsed.v === 1 && key?.length === 32 ? key : null;
  } catch {
    return null;
  }
}

/** Bytes per head slot; the file holds two, for seq even and odd. */
export const headSlotSize = 128;

function headCheck(head: AuditHead): string {
  return createHash('sha256').update(`${head.seq}:${head.mac}`).digest('hex').slice(0, 16);
}

/** One head slot: JSON padded with spaces to 127 bytes, then a newline. */
export function encodeHeadSlot(head: AuditHead): string {
  const slot = JSON.stringify({ seq: head.seq, mac: head.mac, check: headCheck(head) });
  return `${slot.padEnd(headSlotSize - 1)}\n`;
}

/**
 * The newest intact head slot of audit.head; a slot torn by a crash fails its check and the
 * other one (one record older) is used.
 */
export function readAuditHead(home: string): AuditHead | null {
  let text: string;
  try {
    text = readFileSync(auditPaths(home).head, 'utf8');
  } catch {
    return null;
  }
  let best: AuditHead | null = null;
  for (let offset = 0; offset < text.length; offset += headSlotSize) {
    try {
      const slot = JSON.parse(text.slice(offset, offset + headSlotSize)) as AuditHead & { check?: string };
      if (!Number.isSafeInteger(slot.seq) || typeof slot.mac !== 'string') continue;
      if (slot.check !== headCheck(slot)) continue;
      if (!best || slot.seq > best.seq) best = { seq: slot.seq, mac: slot.mac };
    } catch {}
  }
  return best;
}

/**
 * Rewrites the slot for `head.seq` in place. Not fsynced: the log record it names is
 * already durable, so a head lost in a crash is only one that lags, and a head is a lower
 * bound (docs/audit.md, "Heads").
 */
function writeAuditHead(home: string, head: AuditHead): void {
  const fd = openSync(auditPaths(home).head, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    writeSync(fd, encodeHeadSlot(head), (head.seq % 2) * headSlotSize);
  } finally {
    closeSync(fd);
  }
}

/** The state key and the head; null when there is no state key (no record written yet). */
export function readAuditState(home: string): AuditState | null {
  const key = readStateKey(home);
  if (!key) return null;
  return { key, head: readAuditHead(home) };
}

function writeStateKey(home: string, key: Uint8Array): void {
  const text = JSON.stringify({ v: 1, key: Buffer.from(key).toString('base64') });
  writeFileAtomic(auditPaths(home).key, new TextEncoder().encode(`${text}\n`));
}

interface LogTail {
  /** The last whole record, or null when there is none (or it is unreadable). */
  last: AuditHead | null;
  /** Bytes after the last newline: a torn append. */
  fragment: Uint8Array | null;
}

/** Reads backwards from the end of the log until it has the last whole line. */
function readTail(fd: number): LogTail {
  const size = fstatSync(fd).size;
  if (size === 0) return { last: null, fragment: null };
  let window = 8192;
  for (;;) {
    const start = Math.max(0, size - window);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (count === 0) break;
      read += count;
    }
    const lastNewline = buffer.lastIndexOf(0x0a);
    const fragment = lastNewline === buffer.length - 1 ? null : buffer.subarray(lastNewline + 1);
    if (lastNewline < 0 && start > 0) {
      window *= 4;
      continue;
    }
    const previousNewline = lastNewline < 0 ? -1 : buffer.lastIndexOf(0x0a, lastNewline - 1);
    if (lastNewline >= 0 && previousNewline < 0 && start > 0) {
      window *= 4;
      continue;
    }
    const record =
      lastNewline < 0 ? null : parseLine(buffer.toString('utf8', previousNewline + 1, lastNewline));
    return {
      last: record ? { seq: record.seq, mac: record.mac } : null,
      fragment: fragment && fragment.length > 0 ? new Uint8Array(fragment) : null,
    };
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

export interface AppendRequest {
  event: AuditEventKind;
  fields: AuditFields;
  time: string;
  /** The vault's audit key when the vault is open; null writes a state-keyed record. */
  vaultKey: Uint8Array | null;
  /** The vault's copy of the state key, used when audit.key is missing. */
  stateKeyCopy?: Uint8Array | null;
}

export interface AppendResult {
  record: AuditRecord;
  /** A torn last line that this append sealed off with a `truncated-tail` record. */
  sealedTail: { bytes: number } | null;
  /** The head before this append (what the log held). */
  previous: AuditHead | null;
}

/**
 * Appends one record (and, first, a `truncated-tail` record when the log ends in a torn
 * line) under the audit lock, fsyncs the log, then updates audit.head. Throws E_IO or
 * E_LOCK_TIMEOUT; callers decide whether that matters (src/app/audit.ts: it does not).
 */
export async function appendAuditRecord(home: string, request: AppendRequest): Promise<AppendResult> {
  const paths = auditPaths(home);
  return withLock(paths.lock, () => {
    const saved = readAuditState(home);
    const stateKey = saved?.key ?? request.stateKeyCopy ?? new Uint8Array(randomBytes(32));
    const fd = openSync(paths.log, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new LatchError('E_IO', `${paths.log} is not a regular file`);
      // Names and paths are private too (DESIGN.md invariant 5): put back a loosened mode.
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
      const tail = readTail(fd);
      // The state key must be on disk before any record it MACs: a crash in the first
      // append must not leave a record whose key was never saved.
      if (!saved) {
        writeStateKey(home, stateKey);
        const start = tail.last ?? { seq: 0, mac: '' };
        writeFileAtomic(paths.head, new TextEncoder().encode(encodeHeadSlot(start).repeat(2)));
      }
      // The last line is the head; audit.head stands in when that line is unreadable.
      let previous = tail.last ?? (saved?.head && saved.head.seq > 0 ? saved.head : null);
      let lines = '';
      let sealedTail: AppendResult['sealedTail'] = null;
      const seal = (
        event: AuditEventKind,
        fields: AuditFields,
        key: Uint8Array,
        keyed: 'vault' | 'state',
      ) => {
        const sealed = sealRecord(
          { v: auditFormatVersion, seq: (previous?.seq ?? 0) + 1, time: request.time, event, keyed, fields },
          key,
          previous ? Buffer.from(previous.mac, 'hex') : genesisMac,
        );
        lines += sealed.line;
        previous = { seq: sealed.record.seq, mac: sealed.record.mac };
        return sealed.record;
      };
      if (tail.fragment) {
        lines += '\n';
        sealedTail = { bytes: tail.fragment.length };
        seal(
          'truncated-tail',
          { bytes: tail.fragment.length, sha256: fragmentDigest(tail.fragment) },
          request.vaultKey ?? stateKey,
          request.vaultKey ? 'vault' : 'state',
        );
      }
      const before = tail.last;
      const record = seal(
        request.event,
        request.fields,
        request.vaultKey ?? stateKey,
        request.vaultKey ? 'vault' : 'state',
      );
      // One write: a crash leaves the old log or the old log plus a torn line, never a
      // record spliced into another.
      writeAll(fd, lines);
      fsyncSync(fd);
      writeAuditHead(home, { seq: record.seq, mac: record.mac });
      return { record, sealedTail, previous: before };
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * The whole log, or an empty one when there is none. Throws E_TAMPERED when a directory took
 * its place, E_IO when it cannot be read.
 */
export function readAuditLog(home: string): Uint8Array {
  const path = auditPaths(home).log;
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new Uint8Array(0);
    if (code === 'EISDIR')
      throw new LatchError(
        'E_TAMPERED',
        `${path} is a directory, not the audit log; move it aside and keep it`,
      );
    throw new LatchError(
      'E_IO',
      `cannot read the audit log ${path} (${code ?? 'error'}); check its permissions`,
    );
  }
}
