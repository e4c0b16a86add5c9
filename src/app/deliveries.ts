/**
 * The recent deliveries of a project, from the audit log (for the MCP tool latch_audit, and a
 * web UI): who received which secrets' values, by name, and when. Never a value.
 */
import { readAuditLog } from '../audit/log.js';
import { type AuditFields, deliveryKinds, readRecords } from '../audit/record.js';

export interface Delivery {
  time: string;
  event: string;
  environment: string | null;
  secrets: string[];
  program: string | null;
  user: string | null;
  agent: string | null;
}

/**
 * The secrets a delivery record names: `secrets` (run, load, bundles), else its one `secret`
 * (reveal), else the `latch://` references of an inject; names only, as records hold.
 */
export function deliveredNames(fields: AuditFields): string[] {
  if (Array.isArray(fields.secrets)) return fields.secrets;
  if (typeof fields.secret === 'string') return [fields.secret];
  if (Array.isArray(fields.references)) return fields.references;
  return [];
}

/**
 * The last `limit` deliveries of `project` in the log in `home`, oldest first; with `only`,
 * those of one secret of one environment.
 */
export function recentDeliveries(
  home: string,
  project: string,
  limit: number,
  only?: { environment: string; name: string },
): Delivery[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const concerns = (fields: AuditFields) =>
    !only || (fields.environment === only.environment && deliveredNames(fields).includes(only.name));
  return readRecords(readAuditLog(home))
    .filter(
      (record) =>
        deliveryKinds.includes(record.event) && record.fields.project === project && concerns(record.fields),
    )
    .slice(-limit)
    .map((record) => {
      const { fields } = record;
      return {
        time: record.time,
        event: record.event,
        environment: text(fields.environment),
        secrets: deliveredNames(fields),
        program: text(fields.program),
        user: text(fields.user),
        agent: text(fields.agent),
      };
    });
}
