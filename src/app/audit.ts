/**
 * What commands call to write the audit log (docs/audit.md). `recordEvent` adds who and
 * where (user, agent, terminal, pid, parent pid, cwd), picks the key (the vault's when it is
 * open, else the state key) and appends. A delivery (a value leaving latch) or a change to
 * the vault that cannot be recorded does not happen: the command stops with the reason,
 * unless the user opted out with LATCH_AUDIT=best-effort. Other records (failed unlocks,
 * lock, scan blocks) never fail the command: a log that cannot be written is reported on
 * stderr and the command goes on. When the vault remembers a longer log than the one on
 * disk, every record written says so on stderr until someone looks.
 */
import { timingSafeEqual } from 'node:crypto';
import { userInfo } from 'node:os';
import { detectAgent, detectAgentInProcesses } from '../audit/agent.js';
import { type RememberedHead, type VerifyResult, verifyLog } from '../audit/chain.js';
import { appendAuditRecord, readAuditLog, readAuditState } from '../audit/log.js';
import { readAncestors } from '../audit/processes.js';
import { type AuditEventKind, type AuditFields, type AuditValue, deliveryKinds } from '../audit/record.js';
import type { ScanOutcome } from '../scan/report.js';
import { LatchError } from '../shared/errors.js';
import { fullDiskCodes } from '../shared/files.js';
import { resolveLatchHome } from '../shared/home.js';
import { type Io, note, warn } from '../shared/io.js';
import type { PassphraseAttempts, UnlockedVault } from '../vault/store.js';
import type { VaultContents } from '../vault/vault.js';

export type { AuditEventKind } from '../audit/record.js';

/** One event as a command describes it; never a value. */
export interface AuditEvent {
  kind: AuditEventKind;
  project?: string;
  environment?: string;
  /** One secret's name (reveal, set, rm, leaked). */
  secret?: string;
  /** Several names (run, import, inject). */
  secrets?: string[];
  /** unlock: success, failure, lockout; set/import: created, updated, unchanged. */
  outcome?: string;
  /** run: the program's base name (never its arguments). */
  program?: string;
  /** Anything else a kind needs (scan-block: rule, file, commit; inject: template). */
  detail?: Record<string, AuditValue>;
}

/** Who is asking: the user's name, and the agent recognised from env or parent processes. */
export interface Actor {
  user: string;
  agent: string | null;
  /** How the agent was recognised: `mcp` (the client named itself), `env` or `process`; null for none. */
  agentSource: 'mcp' | 'env' | 'process' | null;
  terminal: boolean;
}

/**
 * Recognises the caller: the client a front end serves (MCP), then environment markers, then
 * the chain of parent processes.
 */
export function detectActor(io: Io): Actor {
  let user = io.env.USER ?? io.env.LOGNAME ?? '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  const terminal = io.terminal !== null;
  if (io.client) return { user, agent: io.client, agentSource: 'mcp', terminal };
  const fromEnv = detectAgent(io.env);
  if (fromEnv) return { user, agent: fromEnv, agentSource: 'env', terminal };
  const fromProcess = detectAgentInProcesses(readAncestors(process.ppid));
  return { user, agent: fromProcess, agentSource: fromProcess ? 'process' : null, terminal };
}

function eventFields(io: Io, event: AuditEvent, actor: Actor): AuditFields {
  const fields: AuditFields = {
    user: actor.user,
    agent: actor.agent,
    agentSource: actor.agentSource,
    terminal: actor.terminal,
    pid: process.pid,
    ppid: process.ppid,
    cwd: io.cwd,
  };
  for (const key of ['project', 'environment', 'secret', 'secrets', 'outcome', 'program'] as const) {
    const value = event[key];
    if (value !== undefined) fields[key] = value;
  }
  for (const [key, value] of Object.entries(event.detail ?? {})) if (!(key in fields)) fields[key] = value;
  return fields;
}

/**
 * Whether a record must be written for the command to go on: for deliveries and changes to
 * the vault, unless LATCH_AUDIT=best-effort says otherwise.
 */
export type RecordPolicy = 'required' | 'best-effort';

/**
 * Appends `event` to the audit log; with `vault` (open), MACed with the vault's key, else
 * with the state key. With `policy` 'required' (and LATCH_AUDIT not `best-effort`), a record
 * that cannot be written throws E_IO naming the reason; otherwise failures become one line on
 * stderr and the command goes on.
 */
export async function recordEvent(
  io: Io,
  event: AuditEvent,
  vault?: UnlockedVault | null,
  policy: RecordPolicy = 'best-effort',
): Promise<void> {
  const home = resolveLatchHome(io.env);
  try {
    const kept = vault?.contents.getAuditState() ?? null;
    const result = await appendAuditRecord(home, {
      event: event.kind,
      fields: eventFields(io, event, detectActor(io)),
      time: io.now().toISOString(),
      vaultKey: vault ? vault.auditKey() : null,
      stateKeyCopy: kept?.stateKey ? new Uint8Array(Buffer.from(kept.stateKey, 'base64')) : null,
    });
    if (result.sealedTail)
      note(
        io,
        `latch: the audit log ended in a torn record (${result.sealedTail.bytes} bytes, from a crash); it was sealed off and marked`,
      );
    if (kept && kept.head.seq > (result.previous?.seq ?? 0))
      warn(
        io,
        `the audit log is shorter than the vault remembers (record ${kept.head.seq}); it was cut or deleted: run \`latch audit verify\``,
      );
  } catch (error) {
    const reason =
      error instanceof LatchError ? error.message : ((error as NodeJS.ErrnoException).code ?? 'error');
    if (policy === 'required' && io.env.LATCH_AUDIT !== 'best-effort') {
      const undone = deliveryKinds.includes(event.kind)
        ? 'no value was handed out'
        : 'the vault was not changed';
      const code = (error as NodeJS.ErrnoException).code;
      // A full disk says what to do about it, as every other write that finds no room does.
      const fix =
        code && fullDiskCodes.has(code)
          ? 'free some disk space and run the command again'
          : 'fix that, or set LATCH_AUDIT=best-effort to go on without a record';
      throw new LatchError('E_IO', `could not write the audit log (${reason}), so ${undone}; ${fix}`, {
        cause: error,
      });
    }
    note(io, `latch: could not write the audit log (${reason}); the command goes on`);
  }
}

/**
 * Applies `change` to the vault together with its records (docs/audit.md, "Every change has
 * its record"): `events` describes what `change` did, and its records are appended under the
 * vault's writers' lock before `beforeWrite` and the vault is replaced. So a crash
 * leaves no change without its record (at worst a record of a change that did not land), the
 * head the vault keeps names the change's own record, and a record that cannot be written
 * stops the change (required policy). Returns what `change` returns.
 */
export function updateRecorded<T>(
  io: Io,
  vault: UnlockedVault,
  change: (contents: VaultContents) => T,
  events: (result: T) => AuditEvent[],
  beforeWrite?: (result: T) => void,
): Promise<T> {
  return vault.update(change, async (result) => {
    // The records first: one that cannot be written leaves latch.yaml untouched too.
    for (const event of events(result)) await recordEvent(io, event, vault, 'required');
    beforeWrite?.(result);
  });
}

/**
 * Keeps the audit log's head and state key in the vault on every vault write. The head only
 * grows: a log cut back together with audit.head must not lower what the vault remembers.
 */
export function keepAuditHeadInVault(io: Io, vault: UnlockedVault): UnlockedVault {
  const home = resolveLatchHome(io.env);
  vault.beforeSeal = (contents) => {
    try {
      const state = readAuditState(home);
      const kept = contents.getAuditState();
      const head =
        state?.head && (!kept || state.head.seq >= kept.head.seq)
          ? state.head
          : (kept?.head ?? { seq: 0, mac: '' });
      const stateKey = kept?.stateKey ?? (state ? Buffer.from(state.key).toString('base64') : null);
      contents.putAuditState({ head, stateKey });
    } catch {}
  };
  return vault;
}

/** Lockout hooks that also record failed unlocks and lockouts (state-keyed: the vault is shut). */
export function auditedAttempts(io: Io, attempts: PassphraseAttempts): PassphraseAttempts {
  return {
    async before() {
      try {
        await attempts.before();
      } catch (error) {
        if (error instanceof LatchError && error.code === 'E_LOCKED')
          await recordEvent(io, { kind: 'unlock', outcome: 'lockout' });
        throw error;
      }
    },
    async failed() {
      try {
        await attempts.failed();
      } finally {
        // Recorded even when the count cannot be written.
        await recordEvent(io, { kind: 'unlock', outcome: 'failure' });
      }
    },
    succeeded: () => attempts.succeeded(),
  };
}

/** What `checkAuditLog` found: the chain's verdict over the log it read, and that log. */
export interface AuditCheck {
  log: Uint8Array;
  result: VerifyResult;
}

/**
 * Verifies the whole audit log with the open vault: the chain, the heads in audit.head and
 * in the vault, and the state key against the vault's copy (docs/audit.md, "Verifying").
 * Returns a failed result naming the first problem; never throws for tampering.
 */
export function checkAuditLog(io: Io, vault: UnlockedVault): AuditCheck {
  const home = resolveLatchHome(io.env);
  const kept = vault.contents.getAuditState();
  const state = readAuditState(home);
  const log = readAuditLog(home);
  const copy = kept?.stateKey ? new Uint8Array(Buffer.from(kept.stateKey, 'base64')) : null;
  const problem = (reason: string): AuditCheck => ({ log, result: { ok: false, line: 0, seq: 0, reason } });
  if (state && copy && (copy.length !== state.key.length || !timingSafeEqual(copy, state.key)))
    return problem('audit.key holds a different key than the vault (key file replaced)');
  if (!state && !copy && log.length > 0)
    return problem('audit.key is missing, so records written while locked cannot be checked');
  const remembered: RememberedHead[] = [];
  if (kept) remembered.push({ where: 'the vault', head: kept.head });
  if (state?.head) remembered.push({ where: 'audit.head', head: state.head });
  const result = verifyLog(log, { vault: vault.auditKey(), state: state?.key ?? copy! }, remembered);
  if (!result.ok || log.length === 0) return { log, result };
  if (!state) return problem('audit.key was deleted');
  if (!state.head) return problem('audit.head was deleted or overwritten');
  return { log, result };
}

/** At most this many entries in each list of a scan-block record: a record stays small. */
const scanBlockListLimit = 100;

/**
 * Records that a scan or a hook found secrets (a `scan-block` event): the rules and managed
 * secrets' names, the files and the commits; never an excerpt. Usually written with the vault
 * locked, so MACed with the state key.
 */
export async function recordScanBlock(io: Io, outcome: ScanOutcome, origin: string): Promise<void> {
  const unique = (values: (string | undefined)[]) =>
    [...new Set(values.filter((value): value is string => value !== undefined))].slice(0, scanBlockListLimit);
  const { findings } = outcome;
  await recordEvent(io, {
    kind: 'scan-block',
    secrets: unique(findings.flatMap((finding) => finding.secretNames ?? [])),
    detail: {
      origin,
      mode: outcome.mode,
      findings: findings.length,
      rules: unique(findings.map((finding) => finding.ruleId)),
      files: unique(findings.map((finding) => finding.path)),
      commits: unique(findings.map((finding) => finding.commit?.sha)),
    },
  });
}
