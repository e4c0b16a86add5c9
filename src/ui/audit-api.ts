/**
 * The audit log as a timeline: deliveries (values handed out: reveal, run, load, inject,
 * bundles) per day over the last days, split by agent and by project/environment, the latest
 * deliveries, and whether the log's chain verifies, said in words. Days are UTC days, as
 * `latch audit --since 2026-01-01` reads dates. Records hold names, never values; the answer
 * picks its fields by name, so nothing else a record holds reaches the page.
 */
import { checkAuditLog } from '../app/audit.js';
import { deliveredNames } from '../app/deliveries.js';
import type { VerifyResult } from '../audit/chain.js';
import { type AuditRecord, deliveryKinds, readRecords } from '../audit/record.js';
import type { DaySeries, DeliveryRow, Timeline, VerifyStatus } from './page/types.js';
import { dayCount, type Routes } from './request.js';

/** The longest span a timeline covers, and the one it covers unless asked. */
const maxDays = 366;
const defaultDays = 30;
/** How many deliveries the table under the charts lists. */
const recentLimit = 50;
const dayMs = 24 * 60 * 60 * 1000;

/** Who received it: the agent the record names, else the person (`user`). */
const agentOf = (record: AuditRecord) =>
  typeof record.fields.agent === 'string' && record.fields.agent !== '' ? record.fields.agent : 'user';
const textOf = (value: unknown) => (typeof value === 'string' ? value : null);

function placeOf(record: AuditRecord): string {
  const project = textOf(record.fields.project);
  const environment = textOf(record.fields.environment);
  if (project && environment) return `${project}/${environment}`;
  return project ?? environment ?? '(no project)';
}

/** The chain's verdict in a sentence a person reads without docs/audit.md. */
export function verifyStatus(result: VerifyResult): VerifyStatus {
  if (result.ok) {
    const tail = result.partialTail
      ? `; it ends in a torn record of ${result.partialTail.bytes} bytes (a crash during a write), which the next record seals off`
      : '';
    const summary =
      result.records === 0
        ? 'the audit log is empty'
        : `verified: all ${result.records} records are on an unbroken chain, none edited, removed or reordered${tail}`;
    return { ok: true, records: result.records, line: null, seq: null, reason: null, summary };
  }
  const where = result.line > 0 ? ` at line ${result.line} (record ${result.seq})` : '';
  return {
    ok: false,
    records: null,
    line: result.line > 0 ? result.line : null,
    seq: result.line > 0 ? result.seq : null,
    reason: result.reason,
    summary: `broken${where}: ${result.reason}. The log was changed outside latch; keep a copy of it, and run \`latch audit verify\` for the details`,
  };
}

function seriesBy(
  records: AuditRecord[],
  keyOf: (record: AuditRecord) => string,
  dayIndex: (record: AuditRecord) => number,
  dayTotal: number,
): DaySeries[] {
  const byKey = new Map<string, DaySeries>();
  for (const record of records) {
    const name = keyOf(record);
    let series = byKey.get(name);
    if (!series) {
      series = { name, counts: new Array<number>(dayTotal).fill(0), total: 0 };
      byKey.set(name, series);
    }
    series.counts[dayIndex(record)]!++;
    series.total++;
  }
  // The busiest first: a chart with many series keeps the ones that matter apart.
  return [...byKey.values()].sort(
    (left, right) => right.total - left.total || left.name.localeCompare(right.name),
  );
}

/**
 * The timeline of `records` over the `days` UTC days ending with `now`'s, with `result` (the
 * chain's verdict over the same log). Pure.
 */
export function timeline(records: AuditRecord[], result: VerifyResult, now: number, days: number): Timeline {
  const today = Math.floor(now / dayMs) * dayMs;
  const first = today - (days - 1) * dayMs;
  const dayLabels = Array.from({ length: days }, (_, index) =>
    new Date(first + index * dayMs).toISOString().slice(0, 10),
  );
  const deliveries = records.filter((record) => deliveryKinds.includes(record.event));
  const dayIndex = (record: AuditRecord) => Math.floor((Date.parse(record.time) - first) / dayMs);
  const shown = deliveries.filter((record) => {
    const index = dayIndex(record);
    return index >= 0 && index < days;
  });
  const recent = deliveries
    .slice(-recentLimit)
    .reverse()
    .map(
      (record): DeliveryRow => ({
        time: record.time,
        event: record.event,
        program: textOf(record.fields.program),
        project: textOf(record.fields.project),
        environment: textOf(record.fields.environment),
        secrets: deliveredNames(record.fields),
        agent: agentOf(record),
        pid: typeof record.fields.pid === 'number' ? record.fields.pid : null,
      }),
    );
  return {
    days: dayLabels,
    byAgent: seriesBy(shown, agentOf, dayIndex, days),
    byEnvironment: seriesBy(shown, placeOf, dayIndex, days),
    total: shown.length,
    recent,
    verify: verifyStatus(result),
  };
}

export const auditRoutes: Routes = {
  'GET /api/timeline': async (state, request) => {
    const days = dayCount(request.query, defaultDays, maxDays);
    // The newest contents: the heads the vault remembers are part of the verdict.
    state.vault.reload();
    const { log, result } = checkAuditLog(state.io, state.vault);
    return {
      status: 200,
      json: timeline(readRecords(log), result, state.io.now().getTime(), days),
    };
  },
};
