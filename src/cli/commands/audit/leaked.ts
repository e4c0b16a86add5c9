/**
 * `latch leaked NAME [--since T]`: the incident view. Every delivery or reveal of the secret
 * in the window (default: since its current value was set), grouped by command and agent;
 * the secret is marked as needing rotation (shown by `ls` and `check`, cleared by a new
 * `set`), and the next steps are printed.
 */
import { checkAuditLog, updateRecorded } from '../../../app/audit.js';
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { type AuditRecord, deliveryKinds, readRecords } from '../../../audit/record.js';
import { assertSecretName } from '../../../manifest/names.js';
import { formatReference } from '../../../run/references.js';
import { parseMoment } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson, warn } from '../../../shared/io.js';
import { requireEnvironment, requireSecret } from '../../../vault/secrets.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

export interface DeliveryGroup {
  /** `run node`, `reveal`, `inject`. */
  command: string;
  /** The agent's name, or `user` for a person. */
  agent: string;
  count: number;
  first: string;
  last: string;
  pids: number[];
}

/** Groups deliveries by command (kind and program) and agent, in order of first use. */
export function groupDeliveries(records: AuditRecord[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const record of records) {
    const command = record.fields.program ? `${record.event} ${record.fields.program}` : record.event;
    const agent = record.fields.agent
      ? String(record.fields.agent)
      : `user ${record.fields.user ?? ''}`.trim();
    const key = `${command}\u0000${agent}`;
    const group = groups.get(key) ?? {
      command,
      agent,
      count: 0,
      first: record.time,
      last: record.time,
      pids: [],
    };
    group.count++;
    group.last = record.time;
    if (typeof record.fields.pid === 'number') group.pids.push(record.fields.pid);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch leaked NAME [--env E] [--since T]');
  assertSecretName(name);
  const context = await resolveProject(args, io);
  const where = `${context.project}/${context.environment}`;
  // A bad --since fails before the passphrase is asked for.
  const sinceText = stringOption(args, 'since');
  const sinceGiven = sinceText === undefined ? null : parseMoment(sinceText, io.now());
  const vault = await openProjectVault(io, context);
  const record = vault.contents.getProject(context.project);
  if (!record) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
  const secret = requireSecret(
    requireEnvironment(record, context.project, context.environment),
    name,
    where,
    'list',
  );
  const since = sinceGiven ?? Date.parse(secret.updated);
  const { log, result: verified } = checkAuditLog(io, vault);
  const asReference = formatReference({ project: context.project, environment: context.environment, name });
  const deliveries = readRecords(log).filter(
    (entry) =>
      deliveryKinds.includes(entry.event) &&
      ((entry.fields.project === context.project &&
        entry.fields.environment === context.environment &&
        (entry.fields.secret === name ||
          (Array.isArray(entry.fields.secrets) && entry.fields.secrets.includes(name)))) ||
        (Array.isArray(entry.fields.references) && entry.fields.references.includes(asReference))) &&
      Date.parse(entry.time) >= since,
  );
  const groups = groupDeliveries(deliveries);
  const markedAt = io.now().toISOString();
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = contents.getProject(context.project);
      const entry = latest?.environments[context.environment]?.secrets[name];
      if (!entry) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
      entry.rotationNeeded = markedAt;
    },
    () => [
      {
        kind: 'leaked',
        project: context.project,
        environment: context.environment,
        secret: name,
        detail: { since: new Date(since).toISOString(), deliveries: deliveries.length },
      },
    ],
  );
  const logVerified = verified.ok;
  const sinceIso = new Date(since).toISOString();
  if (flagOption(args, 'json')) {
    sayJson(io, {
      secret: name,
      project: context.project,
      environment: context.environment,
      since: sinceIso,
      until: markedAt,
      deliveries: deliveries.length,
      groups,
      rotationNeeded: markedAt,
      logVerified,
    });
    return 0;
  }
  say(
    io,
    `${name} in ${where}: ${deliveries.length} deliver${deliveries.length === 1 ? 'y' : 'ies'} since ${sinceIso}`,
  );
  for (const group of groups)
    say(
      io,
      `  ${String(group.count).padStart(4)} x ${group.command.padEnd(20)} by ${group.agent.padEnd(16)} ${group.first} .. ${group.last}`,
    );
  if (!logVerified)
    warn(io, 'the audit log does not verify; this list may be incomplete (see `latch audit verify`)');
  say(
    io,
    `marked ${name} as needing rotation (shown by \`latch ls\` and \`latch check\` until a new value is set)`,
  );
  say(io, 'next steps:');
  say(io, `  1. rotate ${name} at its provider (issue a new credential, revoke the old one)`);
  say(io, `  2. store the new value: latch set ${name} --env ${context.environment}`);
  say(io, `  3. search the provider's access logs for use of the old credential from ${sinceIso} to now`);
  return 0;
}
