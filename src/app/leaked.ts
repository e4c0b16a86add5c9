/**
 * Marking a secret as leaked, for every front end (`latch leaked`, `latch ui`): the secret's
 * deliveries and reveals since a moment (default: since its current value was set), grouped
 * by command and agent, and the mark that `ls`, `check` and the page show until a new value
 * is stored. The mark and its record are written together (app/audit.ts `updateRecorded`).
 */
import { type AuditRecord, deliveryKinds, readRecords } from '../audit/record.js';
import { formatReference } from '../run/references.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { requireEnvironment, requireSecret } from '../vault/secrets.js';
import type { UnlockedVault } from '../vault/store.js';
import { checkAuditLog, updateRecorded } from './audit.js';

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

/** What marking found and did. */
export interface LeakReport {
  secret: string;
  project: string;
  environment: string;
  /** The window's start and end (ISO times). */
  since: string;
  until: string;
  deliveries: number;
  groups: DeliveryGroup[];
  /** When the mark was set (ISO time): the same as `until`. */
  rotationNeeded: string;
  /** False when the audit log does not verify: the list may then be incomplete. */
  logVerified: boolean;
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

/**
 * Lists the deliveries of `name` in `project/environment` since `since` (milliseconds; null:
 * since its current value was set) and marks it as needing rotation. Throws E_NOT_FOUND for a
 * secret that is not stored.
 */
export async function markLeaked(
  io: Io,
  vault: UnlockedVault,
  place: { project: string; environment: string; name: string },
  since: number | null,
): Promise<LeakReport> {
  const { project, environment, name } = place;
  const where = `${project}/${environment}`;
  const record = vault.contents.getProject(project);
  if (!record) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
  const secret = requireSecret(requireEnvironment(record, project, environment), name, where, 'list');
  const from = since ?? Date.parse(secret.updated);
  const { log, result: verified } = checkAuditLog(io, vault);
  const asReference = formatReference({ project, environment, name });
  const deliveries = readRecords(log).filter(
    (entry) =>
      deliveryKinds.includes(entry.event) &&
      ((entry.fields.project === project &&
        entry.fields.environment === environment &&
        (entry.fields.secret === name ||
          (Array.isArray(entry.fields.secrets) && entry.fields.secrets.includes(name)))) ||
        (Array.isArray(entry.fields.references) && entry.fields.references.includes(asReference))) &&
      Date.parse(entry.time) >= from,
  );
  const markedAt = io.now().toISOString();
  const sinceIso = new Date(from).toISOString();
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const entry = contents.getProject(project)?.environments[environment]?.secrets[name];
      if (!entry) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
      entry.rotationNeeded = markedAt;
    },
    () => [
      {
        kind: 'leaked',
        project,
        environment,
        secret: name,
        detail: { since: sinceIso, deliveries: deliveries.length },
      },
    ],
  );
  return {
    secret: name,
    project,
    environment,
    since: sinceIso,
    until: markedAt,
    deliveries: deliveries.length,
    groups: groupDeliveries(deliveries),
    rotationNeeded: markedAt,
    logVerified: verified.ok,
  };
}
