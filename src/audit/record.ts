/**
 * Audit records, version 1 (docs/audit.md is the byte-level specification): the canonical
 * encoding of one record, the HMAC chain that links it to the one before, and verification
 * of a whole log. Pure: bytes and plain data in, results out; keys are given by the caller.
 *
 *   signed = canonical JSON of the record without its MAC (fixed head fields, then the
 *            event's fields sorted by name)
 *   mac    = HMAC-SHA256(key, signed || previous record's MAC)   (32 zero bytes for seq 1)
 *   line   = signed with `,"mac":"<hex>"` inserted before its closing brace, then "\n"
 *
 * Verifying a whole log is in audit-chain.ts.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** The record format version, the `v` of every record. */
export const auditFormatVersion = 1;
/** Bytes of an HMAC-SHA256. */
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
  | 'project'
  | 'team'
  | 'mcp-tool'
  | 'grant'
  | 'rotate'
  | 'rollback'
  | 'truncated-tail'
  | 'bundle-create'
  | 'backup'
  | 'restore';

/** Every kind, for code that validates or lists them. */
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
  'project',
  'team',
  'mcp-tool',
  'grant',
  'rotate',
  'rollback',
  'truncated-tail',
  'bundle-create',
  'backup',
  'restore',
];

/** Kinds that hand a secret's value to someone: what `leaked` lists. */
export const deliveryKinds: readonly AuditEventKind[] = ['reveal', 'run', 'load', 'inject', 'bundle-create'];

/** A field value: never a secret value, only names, paths, numbers and flags. */
export type AuditValue = string | number | boolean | null | string[];

/** The event's own fields (project, environment, secret names, who, ...). */
export type AuditFields = Record<string, AuditValue>;

/** Which key a record is MACed with: the vault's (unlocked) or the state key (locked). */
export type AuditKeyName = 'vault' | 'state';

/** One parsed record: the head fields, the event's fields, and its MAC. */
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

/** The keys a verifier has. */
export interface AuditKeys {
  /** Null when the vault is locked: vault-keyed records cannot be checked then. */
  vault: Uint8Array | null;
  state: Uint8Array;
}

const headFields = ['v', 'seq', 'time', 'event', 'keyed', 'mac'];

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

/** The position of a record on the chain, as kept in the vault and in audit.head. */
export interface AuditHead {
  seq: number;
  /** Hex. */
  mac: string;
}

function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a torn fragment, as a `truncated-tail` record names it. */
export function fragmentDigest(fragment: Uint8Array | string): string {
  return sha256Hex(fragment);
}
