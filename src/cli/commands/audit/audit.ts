/**
 * `latch audit`: the timeline (filters, --json, -n, --follow); `audit verify`: the whole
 * chain and the heads kept in the vault and audit.head (exit 6 on any tampering);
 * `audit export`: the records as stored, as NDJSON, and a closing checksum record.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { checkAuditLog } from '../../../app/audit.js';
import { latchHome, openVault } from '../../../app/context.js';
import { verifyLog } from '../../../audit/chain.js';
import { auditPaths, readAuditLog, readAuditState } from '../../../audit/log.js';
import { type AuditRecord, parseLine, readRecords } from '../../../audit/record.js';
import { parseMoment } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { counted, type Io, note, say, sayJson, warn } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

interface Filter {
  secret?: string;
  environment?: string;
  project?: string;
  agentOnly: boolean;
  since: number;
  until: number;
}

function filterFrom(args: ParsedArgs, io: Io): Filter {
  const now = io.now();
  const since = stringOption(args, 'since');
  const until = stringOption(args, 'until');
  const filter: Filter = {
    agentOnly: flagOption(args, 'agent'),
    since: since === undefined ? Number.NEGATIVE_INFINITY : parseMoment(since, now),
    until: until === undefined ? Number.POSITIVE_INFINITY : parseMoment(until, now),
  };
  const secret = stringOption(args, 'secret');
  const environment = stringOption(args, 'env');
  const project = stringOption(args, 'project');
  if (secret !== undefined) filter.secret = secret;
  if (environment !== undefined) filter.environment = environment;
  if (project !== undefined) filter.project = project;
  return filter;
}

/** True when the record names `secret`, alone or in a list. */
export function namesSecret(record: AuditRecord, secret: string): boolean {
  const { fields } = record;
  return (
    fields.secret === secret ||
    (Array.isArray(fields.secrets) && fields.secrets.includes(secret)) ||
    // Delivered through a reference (`latch://P/E/NAME`), possibly from another project.
    (Array.isArray(fields.references) &&
      fields.references.some((reference) => reference.endsWith(`/${secret}`)))
  );
}

function matches(record: AuditRecord, filter: Filter): boolean {
  const time = Date.parse(record.time);
  if (time < filter.since || time > filter.until) return false;
  if (filter.secret !== undefined && !namesSecret(record, filter.secret)) return false;
  if (filter.environment !== undefined && record.fields.environment !== filter.environment) return false;
  if (filter.project !== undefined && record.fields.project !== filter.project) return false;
  if (filter.agentOnly && !record.fields.agent) return false;
  return true;
}

/** A record as JSON for --json: the head fields, then the event's fields, no MAC. */
function recordJson(record: AuditRecord) {
  return { seq: record.seq, time: record.time, event: record.event, keyed: record.keyed, ...record.fields };
}

/** One line of the timeline. */
export function describeRecord(record: AuditRecord): string {
  const fields = record.fields;
  const where = fields.project
    ? `${fields.project}${fields.environment ? `/${fields.environment}` : ''}`
    : '';
  const names = fields.secret
    ? String(fields.secret)
    : Array.isArray(fields.secrets)
      ? fields.secrets.join(',')
      : '';
  const what: string[] = [];
  if (where) what.push(where);
  if (names) what.push(names);
  if (fields.program) what.push(`-> ${fields.program}`);
  if (fields.outcome) what.push(String(fields.outcome));
  if (record.event === 'truncated-tail') what.push(`${fields.bytes} torn bytes sealed off`);
  const who = fields.agent
    ? `agent ${fields.agent}${fields.agentSource ? ` (${fields.agentSource})` : ''}`
    : `${fields.user ?? '?'}${fields.terminal ? ' (terminal)' : ''}`;
  const time = record.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const by = fields.user || fields.agent ? `  by ${who}` : '';
  const pid = typeof fields.pid === 'number' ? `  pid ${fields.pid}` : '';
  return `${time}  #${record.seq}  ${record.event.padEnd(10)}  ${what.join('  ')}${by}${pid}`;
}

/**
 * The timeline does not unlock the vault, so it checks what it can without the vault key:
 * order, gaps, torn lines, the head in audit.head and the MACs of state-keyed records. A
 * failure is a warning here; `audit verify` is the full check.
 */
function warnIfBroken(io: Io, home: string, log: Uint8Array): void {
  const state = readAuditState(home);
  if (!state || log.length === 0) return;
  const remembered = state.head ? [{ where: 'audit.head', head: state.head }] : [];
  const check = verifyLog(log, { vault: null, state: state.key }, remembered);
  if (!check.ok)
    warn(
      io,
      `the audit log does not verify (line ${check.line}: ${check.reason}); run \`latch audit verify\``,
    );
}

function showTimeline(args: ParsedArgs, io: Io): Promise<number> | number {
  const filter = filterFrom(args, io);
  const countText = stringOption(args, 'lines');
  const count = countText === undefined ? null : Number(countText);
  // 0 is allowed, as with tail: `-n 0 --follow` prints only the records still to come.
  if (count !== null && (!/^\d+$/.test(countText!) || !Number.isSafeInteger(count)))
    throw new LatchError(
      'E_USAGE',
      `-n takes a number of records, 0 or more (like -n 20), not "${countText}"`,
    );
  const home = latchHome(io);
  const log = readAuditLog(home);
  warnIfBroken(io, home, log);
  let records = readRecords(log).filter((record) => matches(record, filter));
  if (count !== null) records = count === 0 ? [] : records.slice(-count);
  const json = flagOption(args, 'json');
  const print = (record: AuditRecord) =>
    json ? io.stdout.write(`${JSON.stringify(recordJson(record))}\n`) : say(io, describeRecord(record));
  if (json && !flagOption(args, 'follow')) sayJson(io, records.map(recordJson));
  else {
    if (records.length === 0 && !flagOption(args, 'follow')) say(io, 'no audit records match');
    for (const record of records) print(record);
  }
  if (!flagOption(args, 'follow')) return 0;
  return follow(io, auditPaths(home).log, log.length, (record) => {
    if (matches(record, filter)) print(record);
  });
}

/** Bytes [start, end) of a file: only what was appended, not the whole log again. */
function readRange(path: string, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(end - start);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (count === 0) break;
      read += count;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Prints records appended after `offset` until the process is interrupted. */
function follow(io: Io, path: string, offset: number, print: (record: AuditRecord) => void): Promise<number> {
  let position = offset;
  let pending = '';
  return new Promise(() => {
    setInterval(() => {
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        return;
      }
      if (size < position) {
        note(io, 'latch: the audit log got shorter (cut or replaced); run `latch audit verify`');
        position = size;
        return;
      }
      if (size === position) return;
      const bytes = readRange(path, position, size);
      position = size;
      const lines = (pending + bytes.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const record of readRecords(new TextEncoder().encode(`${lines.join('\n')}\n`))) print(record);
    }, 250);
  });
}

async function verify(args: ParsedArgs, io: Io): Promise<number> {
  const { result } = checkAuditLog(io, await openVault(io));
  if (!result.ok) {
    const where = result.line > 0 ? `line ${result.line} (record ${result.seq}): ` : '';
    throw new LatchError(
      'E_TAMPERED',
      `the audit log has been tampered with: ${where}${result.reason}; keep a copy of ${auditPaths(latchHome(io)).log} for investigation`,
    );
  }
  if (flagOption(args, 'json')) {
    sayJson(io, { ok: true, records: result.records, head: result.head, partialTail: result.partialTail });
    return 0;
  }
  say(
    io,
    result.records === 0
      ? 'ok: the audit log is empty'
      : `ok: ${counted(result.records, 'record')} verified, the chain is whole up to record ${result.head!.seq}`,
  );
  if (result.partialTail)
    note(
      io,
      `note: the log ends in a torn record of ${result.partialTail.bytes} bytes (a crash during an append); the next record seals it off`,
    );
  return 0;
}

function exportRecords(args: ParsedArgs, io: Io): number {
  const since = stringOption(args, 'since');
  if (since === undefined) throw new LatchError('E_USAGE', 'usage: latch audit export --since T [--until T]');
  const filter = filterFrom(args, io);
  const home = latchHome(io);
  const log = readAuditLog(home);
  warnIfBroken(io, home, log);
  const text = Buffer.from(log).toString('utf8');
  const lines = text.split('\n');
  lines.pop();
  const hash = createHash('sha256');
  let first: number | null = null;
  let last: number | null = null;
  let count = 0;
  for (const line of lines) {
    const record = parseLine(line);
    if (!record || !matches(record, filter)) continue;
    // As stored, byte for byte, so each exported record still verifies against its MAC.
    io.stdout.write(`${line}\n`);
    hash.update(`${line}\n`);
    first ??= record.seq;
    last = record.seq;
    count++;
  }
  io.stdout.write(
    `${JSON.stringify({ type: 'checksum', algorithm: 'sha256', records: count, first, last, sha256: hash.digest('hex'), exported: io.now().toISOString() })}\n`,
  );
  return 0;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [sub, ...extra] = args.positionals;
  if (extra.length > 0)
    throw new LatchError('E_USAGE', `unexpected "${extra[0]}"; see \`latch audit --help\``);
  if (sub === 'verify') return verify(args, io);
  if (sub === 'export') return exportRecords(args, io);
  if (sub !== undefined)
    throw new LatchError(
      'E_USAGE',
      `unknown audit command "${sub}"; use \`latch audit\`, \`audit verify\` or \`audit export\``,
    );
  return showTimeline(args, io);
}
