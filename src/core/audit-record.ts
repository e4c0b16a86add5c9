/**
 * Audit records, version 1 (docs/audit.md is the byte-level specification): the canonical
 * encoding of one record, the HMAC chain that links it to the one before, and verification
 * of a whole log. Pure: bytes and plain data in, results out; keys are given by the caller.
 *
 *   signed = canonical JSON of the record without its MAC (fixed head fields, then the
 *            event's fields sorted by name)
 *   mac    = HMAC-SHA256(key, signed || previous record's MAC)   (32 zero bytes for seq 1)
 *   line   = signed with `,"mac":"<hex>"` inserted before its closing brace, then "\n"
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const auditFormatVersion = 1;
export const macLength = 32;
/** The MAC before the first record. */
export const genesisMac = new Uint8Array(macLength);

/** What happened. `inject` and `scan-block` are written by those commands once they land. */
export type AuditEventKind =
  | 'unlock'
  | 'lock'
  | 'reveal'
  | 'set'
  | 'rm'
  | 'import'
  | 'passwd'
  | 'run'
  | 'load'
  | 'inject'
  | 'scan-block'
  | 'leaked'
  | 'truncated-tail';

export const auditEventKinds: readonly AuditEventKind[] = [
  'unlock',
  'lock',
  'reveal',
  'set',
  'rm',
  'import',
  'passwd',
  'run',
  'load',
  'inject',
  'scan-block',
  'leaked',
  'truncated-tail',
];

/** Kinds that hand a secret's value to someone: what `leaked` lists. */
export const deliveryKinds: readonly AuditEventKind[] = ['reveal', 'run', 'load', 'inject'];

/** A field value: never a secret value, only names, paths, numbers and flags. */
export type AuditValue = string | number | boolean | null | string[];

/** The event's own fields (project, environment, secret names, who, ...). */
export type AuditFields = Record<string, AuditValue>;

/** Which key a record is MACed with: the vault's (unlocked) or the state key (locked). */
export type AuditKeyName = 'vault' | 'state';

export interface AuditRecord {
  v: number;
  seq: number;
  time: string;
  event: AuditEventKind;
  keyed: AuditKeyName;
  fields: AuditFields;
  /** Hex, 64 characters. */
  mac: string;
}

export interface AuditKeys {
  /** Null when the vault is locked: vault-keyed records cannot be checked then. */
  vault: Uint8Array | null;
  state: Uint8Array;
}

const headFields = ['v', 'seq', 'time', 'event', 'keyed', 'mac'];
const textEncoder = new TextEncoder();

/** The key for vault-keyed records, derived from the data key for this purpose only. */
export function deriveVaultAuditKey(dataKey: Uint8Array, vaultId: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', dataKey, vaultId, 'latch audit v1 records', 32));
}

function encodeValue(value: AuditValue): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new Error('audit numbers must be safe integers');
  return JSON.stringify(value);
}

/**
 * The signed bytes of a record: `{"v":..,"seq":..,"time":..,"event":..,"keyed":..` then the
 * fields sorted by name, each `"name":value` as JSON.stringify writes it. Throws on a field
 * named like a head field (a bug, never input).
 */
export function encodeSigned(record: Omit<AuditRecord, 'mac'>): string {
  const head = `{"v":${record.v},"seq":${record.seq},"time":${JSON.stringify(record.time)},"event":${JSON.stringify(record.event)},"keyed":${JSON.stringify(record.keyed)}`;
  const names = Object.keys(record.fields).sort();
  let body = '';
  for (const name of names) {
    if (headFields.includes(name)) throw new Error(`audit field "${name}" is reserved`);
    const value = record.fields[name];
    if (value === undefined) continue;
    body += `,${JSON.stringify(name)}:${encodeValue(value)}`;
  }
  return `${head}${body}}`;
}

/** HMAC-SHA256(key, signed || previous MAC). */
export function computeMac(
  key: Uint8Array,
  signed: string | Uint8Array,
  previousMac: Uint8Array,
): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(signed).update(previousMac).digest());
}

/** Seals a record onto the chain: returns the record with its MAC and the line to append. */
export function sealRecord(
  unsigned: Omit<AuditRecord, 'mac'>,
  key: Uint8Array,
  previousMac: Uint8Array,
): { record: AuditRecord; line: string } {
  const signed = encodeSigned(unsigned);
  const mac = Buffer.from(computeMac(key, signed, previousMac)).toString('hex');
  return { record: { ...unsigned, mac }, line: `${signed.slice(0, -1)},"mac":"${mac}"}\n` };
}

const macSuffix = /,"mac":"([0-9a-f]{64})"\}$/;

/** A line split into its signed text and MAC; null when it does not end in a MAC. */
export function splitLine(line: string): { signed: string; mac: string } | null {
  const match = macSuffix.exec(line);
  if (!match) return null;
  return { signed: `${line.slice(0, match.index)}}`, mac: match[1]! };
}

/**
 * Parses one line (without its newline) into a record. Returns null for anything that is not
 * a well-formed version-1 record; says nothing about the MAC.
 */
export function parseLine(line: string): AuditRecord | null {
  const parts = splitLine(line);
  if (!parts) return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(parts.signed);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { v, seq, time, event, keyed, ...rest } = parsed;
  if (v !== auditFormatVersion || !Number.isSafeInteger(seq) || (seq as number) < 1) return null;
  if (typeof time !== 'string' || typeof event !== 'string' || (keyed !== 'vault' && keyed !== 'state'))
    return null;
  return {
    v,
    seq: seq as number,
    time,
    event: event as AuditEventKind,
    keyed,
    fields: rest as AuditFields,
    mac: parts.mac,
  };
}

/** The position of a record on the chain, as kept in the vault and the state file. */
export interface AuditHead {
  seq: number;
  /** Hex. */
  mac: string;
}

export type VerifyFailure = {
  ok: false;
  /** 1-based line number in the log. */
  line: number;
  /** The sequence number the bad record has or should have had. */
  seq: number;
  reason: string;
};

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

function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a torn fragment, as a `truncated-tail` record names it. */
export function fragmentDigest(fragment: Uint8Array | string): string {
  return sha256Hex(fragment);
}

/** A head remembered elsewhere (the vault, the state file) that the log must contain. */
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
      if (!marker || marker.bytes !== torn.bytes.length || marker.sha256 !== sha256Hex(torn.bytes))
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

/** Parses every whole record line for display; unreadable lines are skipped. */
export function readRecords(log: Uint8Array): AuditRecord[] {
  const text = Buffer.from(log.buffer, log.byteOffset, log.length).toString('utf8');
  const records: AuditRecord[] = [];
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    const record = parseLine(line);
    if (record) records.push(record);
  }
  return records;
}

/** UTF-8 bytes of a string (for callers that hash or measure lines). */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}
