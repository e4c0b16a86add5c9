/**
 * The audit log on disk (docs/audit.md): `audit.log`, one record per line, appended under
 * `audit.lock` so records from concurrent latch processes form one chain, and `audit.state`,
 * the state key and the head, replaced atomically after each append. A torn last line left
 * by a crash is never chained onto: the next append closes it with a newline and seals it
 * off with a `truncated-tail` record that names its length and SHA-256.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
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
} from '../core/audit-record.js';
import { LatchError } from '../core/errors.js';
import { withLock, writeFileAtomic } from './files.js';

export interface AuditPaths {
  log: string;
  state: string;
  lock: string;
}

/** The audit files in `home`. */
export function auditPaths(home: string): AuditPaths {
  return { log: join(home, 'audit.log'), state: join(home, 'audit.state'), lock: join(home, 'audit.lock') };
}

export interface AuditState {
  key: Uint8Array;
  head: AuditHead;
}

/** Reads audit.state; null when it is missing or not what latch writes. */
export function readAuditState(home: string): AuditState | null {
  try {
    const parsed = JSON.parse(readFileSync(auditPaths(home).state, 'utf8')) as {
      v?: unknown;
      key?: unknown;
      head?: { seq?: unknown; mac?: unknown };
    };
    const key = typeof parsed.key === 'string' ? new Uint8Array(Buffer.from(parsed.key, 'base64')) : null;
    const seq = parsed.head?.seq;
    const mac = parsed.head?.mac;
    if (parsed.v !== 1 || key?.length !== 32 || !Number.isSafeInteger(seq) || typeof mac !== 'string')
      return null;
    return { key, head: { seq: seq as number, mac } };
  } catch {
    return null;
  }
}

function writeAuditState(home: string, state: AuditState): void {
  const text = JSON.stringify({ v: 1, key: Buffer.from(state.key).toString('base64'), head: state.head });
  writeFileAtomic(auditPaths(home).state, new TextEncoder().encode(`${text}\n`));
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
  /** The vault's copy of the state key, used when audit.state is missing. */
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
 * line) under the audit lock, fsyncs the log, then replaces audit.state. Throws E_IO or
 * E_LOCK_TIMEOUT; callers decide whether that matters (src/cli/audit.ts: it does not).
 */
export async function appendAuditRecord(home: string, request: AppendRequest): Promise<AppendResult> {
  const paths = auditPaths(home);
  return withLock(paths.lock, () => {
    const saved = readAuditState(home);
    const stateKey = saved?.key ?? request.stateKeyCopy ?? new Uint8Array(randomBytes(32));
    const fd = openSync(paths.log, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      if (!fstatSync(fd).isFile()) throw new LatchError('E_IO', `${paths.log} is not a regular file`);
      const tail = readTail(fd);
      // The state key must be on disk before any record it MACs: a crash in the first
      // append must not leave a record whose key was never saved.
      if (!saved) writeAuditState(home, { key: stateKey, head: tail.last ?? { seq: 0, mac: '' } });
      // The last line is the head; audit.state stands in when that line is unreadable.
      let previous = tail.last ?? (saved && saved.head.seq > 0 ? saved.head : null);
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
      writeAuditState(home, { key: stateKey, head: { seq: record.seq, mac: record.mac } });
      return { record, sealedTail, previous: before };
    } finally {
      closeSync(fd);
    }
  });
}

/** The whole log, or an empty one when there is none. */
export function readAuditLog(home: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(auditPaths(home).log));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Uint8Array(0);
    throw error;
  }
}
