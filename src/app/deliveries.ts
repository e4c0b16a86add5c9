/**
 * The recent deliveries of a project, from the audit log (for the MCP tool latch_audit, and a
 * web UI): who received which secrets' values, by name, and when. Never a value.
 */
import { readAuditLog } from '../audit/log.js';
import { deliveryKinds, readRecords } from '../audit/record.js';

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
  const concerns = (fields: Record<string, unknown>) =>
    !only ||
    (fields.environment === only.environment &&
      (fields.secret === only.name || (Array.isArray(fields.secrets) && fields.secrets.includes(only.name))));
  return readRecords(readAuditLog(home))
    .filter(
      (record) =>
        deliveryKinds.includes(record.event) && record.fields.project === project && concerns(record.fields),
    )
    .slice(-limit)
    .map((record) => {
      const { fields } = record;
      const names = Array.isArray(fields.secrets)
        ? fields.secrets
        : typeof fields.secret === 'string'
          ? [fields.secret]
          : [];
      return {
        time: record.time,
        event: record.event,
        environment: text(fields.environment),
        secrets: names,
        program: text(fields.program),
        user: text(fields.user),
        agent: text(fields.agent),
      };
    });
}
