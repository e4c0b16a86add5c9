/**
 * Verifying an audit log (docs/audit.md, "Verifying"): the chain of MACs from the first
 * record to the last, torn lines and their `truncated-tail` markers, and the heads that the
 * vault and audit.head remember. Pure: the log's bytes and the keys in, a verdict out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type AuditHead,
  type AuditKeyName,
  type AuditKeys,
  fragmentDigest,
  genesisMac,
  parseLine,
} from './record.js';

/** The first bad record: where, and why. */
export type VerifyFailure = {
  ok: false;
  /** 1-based line number in the log. */
  line: number;
  /** The sequence number the bad record has or should have had. */
  seq: number;
  reason: string;
};

/** What `verifyLog` returns: a whole chain, or the first failure. */
export type VerifyResult =
  | {
      ok: true;
      records: number;
      head: AuditHead | null;
      /** A torn last line (a crash during an append), not yet marked by a later append. */
      partialTail: { bytes: number } | null;
      /** Vault-keyed records whose MAC could not be checked (vault locked). */
      unchecked: number;
    }
  | VerifyFailure;

/** A head remembered elsewhere (the vault, audit.head) that the log must contain. */
export interface RememberedHead {
  /** Where it was kept, for the message: "the vault", "audit.head". */
  where: string;
  head: AuditHead;
}

const unmarked = 'an unreadable line is not followed by its truncated-tail marker';

/** `,"mac":"` (8) + 64 hex + `"}` (2) */
const macSuffixLength = 74;
const closingBrace = Buffer.from('}');
const headPattern =
  /^\{"v":1,"seq":([1-9]\d{0,15}),"time":"[^"\\]*","event":"([a-z-]+)","keyed":"(vault|state)"[,}]/;
const hexPattern = /^[0-9a-f]{64}$/;

/**
 * The head fields and MAC of a line, read from their fixed places in the canonical encoding
 * without parsing the JSON (verify reads a million of them); null when they are not there.
 * Whatever the rest holds is covered by the MAC.
 */
function scanLine(raw: Uint8Array): { seq: number; event: string; keyed: AuditKeyName; mac: string } | null {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const length = bytes.length;
  if (length < macSuffixLength + 50) return null;
  const suffix = bytes.toString('latin1', length - macSuffixLength, length);
  if (!suffix.startsWith(',"mac":"') || !suffix.endsWith('"}')) return null;
  const mac = suffix.slice(8, 72);
  if (!hexPattern.test(mac)) return null;
  const match = headPattern.exec(bytes.toString('latin1', 0, Math.min(length - macSuffixLength + 1, 160)));
  if (!match) return null;
  const seq = Number(match[1]);
  if (!Number.isSafeInteger(seq)) return null;
  return { seq, event: match[2]!, keyed: match[3] as AuditKeyName, mac };
}

/**
 * Verifies a whole log: every line a record, sequence numbers 1, 2, 3, ... in order, every
 * MAC (compared in constant time) over its signed bytes and the previous MAC, and every
 * remembered head present on the chain (so a cut tail or a deleted log shows). A line that
 * is not a record is accepted only when the next record is a `truncated-tail` marker naming
 * its length and SHA-256 (a torn append that a later append sealed off); a torn last line
 * without a newline is reported, not failed. Returns the first bad record and why.
 */
export function verifyLog(log: Uint8Array, keys: AuditKeys, remembered: RememberedHead[] = []): VerifyResult {
  const bytes = Buffer.from(log.buffer, log.byteOffset, log.length);
  let previousMac: Uint8Array = genesisMac;
  let expectedSeq = 1;
  let lineNumber = 0;
  let unchecked = 0;
  let start = 0;
  let torn: { bytes: Uint8Array; line: number } | null = null;
  let lastMac = '';
  let partialTail: { bytes: number } | null = null;
  const fail = (reason: string, line = lineNumber): VerifyFailure => ({
    ok: false,
    line,
    seq: expectedSeq,
    reason,
  });
  const pending = new Map(
    remembered.filter((entry) => entry.head.seq > 0).map((entry) => [entry.head.seq, entry]),
  );
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    lineNumber++;
    if (end < 0) {
      if (torn) return fail(unmarked, torn.line);
      partialTail = { bytes: bytes.length - start };
      break;
    }
    const raw = bytes.subarray(start, end);
    start = end + 1;
    const record = scanLine(raw);
    if (!record) {
      if (torn) return fail(unmarked, torn.line);
      torn = { bytes: raw, line: lineNumber };
      continue;
    }
    if (record.seq !== expectedSeq)
      return fail(
        record.seq < expectedSeq
          ? `sequence number ${record.seq} repeats or goes back (records reordered or inserted)`
          : `sequence number ${record.seq} skips ${expectedSeq} (records deleted)`,
      );
    if (torn) {
      const marker = record.event === 'truncated-tail' ? parseLine(raw.toString('utf8'))?.fields : null;
      if (!marker || marker.bytes !== torn.bytes.length || marker.sha256 !== fragmentDigest(torn.bytes))
        return fail(unmarked, torn.line);
      torn = null;
    }
    const key = record.keyed === 'vault' ? keys.vault : keys.state;
    const mac = Buffer.from(record.mac, 'hex');
    if (key === null) unchecked++;
    else {
      // The signed bytes are the line up to the MAC suffix, then "}": hashed in place.
      const expected = createHmac('sha256', key)
        .update(raw.subarray(0, raw.length - macSuffixLength))
        .update(closingBrace)
        .update(previousMac)
        .digest();
      if (!timingSafeEqual(expected, mac))
        return fail('the MAC does not match (record edited, forged or moved)');
    }
    const want = pending.get(record.seq);
    if (want) {
      if (want.head.mac !== record.mac)
        return fail(`record ${record.seq} is not the one ${want.where} remembers (log replaced)`);
      pending.delete(record.seq);
    }
    previousMac = mac;
    lastMac = record.mac;
    expectedSeq++;
  }
  if (torn) return fail(unmarked, torn.line);
  for (const want of pending.values())
    return fail(
      `the log ends at record ${expectedSeq - 1} but ${want.where} remembers record ${want.head.seq} (log cut or deleted)`,
      lineNumber + 1,
    );
  const head = expectedSeq > 1 ? { seq: expectedSeq - 1, mac: lastMac } : null;
  return { ok: true, records: expectedSeq - 1, head, partialTail, unchecked };
}
