/**
 * The audit log as a timeline: whether its chain verifies (first, since a broken chain
 * means the rest may lie), deliveries per day by agent and by environment, and the latest
 * deliveries by name. Nothing here is a value: the log holds none.
 */
import { dayChart } from './chart.js';
import { element, main, table, viewLink } from './dom.js';
import { api } from './http.js';
import type { DaySeries, Timeline, VerifyStatus } from './types.js';

/** The spans offered, in days. */
const spans = ['7', '30', '90', '365'];

function verifyBanner(verify: VerifyStatus): HTMLElement {
  const banner = element('p', null, `verify ${verify.ok ? 'verify-ok' : 'verify-broken'}`);
  banner.id = 'verify';
  banner.setAttribute('role', verify.ok ? 'status' : 'alert');
  banner.append(
    element('strong', verify.ok ? 'audit log: ok' : 'audit log: broken'),
    element('span', ` — ${verify.summary}`),
  );
  return banner;
}

function spanLinks(current: number): HTMLElement {
  const links = element('nav', null, 'spans');
  links.setAttribute('aria-label', 'days shown');
  for (const span of spans) {
    const link = viewLink(`${span} days`, 'timeline', { days: span });
    if (Number(span) === current) link.setAttribute('aria-current', 'true');
    links.append(link);
  }
  return links;
}

/** What a screen reader hears for a chart: the span and each series' total. */
function chartLabel(what: string, days: number, series: DaySeries[]): string {
  const totals = series.map((entry) => `${entry.name} ${entry.total}`).join(', ');
  return `Deliveries per day by ${what} over the last ${days} days${totals ? `: ${totals}` : ': none'}`;
}

function recentTable(timeline: Timeline): HTMLElement[] {
  const parts: HTMLElement[] = [element('h3', 'latest deliveries')];
  if (timeline.recent.length === 0) {
    parts.push(element('p', 'no value has been handed out yet', 'note'));
    return parts;
  }
  const [node, body] = table(['time (UTC)', 'event', 'program', 'where', 'secrets', 'agent', 'pid'], {
    caption: `the latest ${timeline.recent.length}, newest first`,
    wide: ['program', 'secrets', 'pid'],
  });
  node.id = 'deliveries';
  for (const delivery of timeline.recent) {
    const row = body.insertRow();
    row.append(element('td', delivery.time.replace('T', ' ').slice(0, 19)));
    row.append(element('td', delivery.event));
    row.append(element('td', delivery.program ?? '', 'wide'));
    const where = [delivery.project, delivery.environment].filter(Boolean).join('/');
    row.append(element('td', where));
    row.append(element('td', delivery.secrets.join(', ')));
    row.append(element('td', delivery.agent));
    row.append(element('td', delivery.pid === null ? '' : String(delivery.pid), 'wide'));
  }
  parts.push(node);
  return parts;
}

export async function showTimeline(query: URLSearchParams): Promise<void> {
  const asked = query.get('days');
  const timeline = await api<Timeline>(`/api/timeline?${new URLSearchParams(asked ? { days: asked } : {})}`);
  const days = timeline.days.length;
  const total = element(
    'p',
    `${timeline.total} ${timeline.total === 1 ? 'delivery' : 'deliveries'} in the last ${days} days (${timeline.days[0]} to ${timeline.days.at(-1)}, UTC)`,
    'note',
  );
  total.id = 'timeline-total';
  main.replaceChildren(
    element('h2', 'Timeline'),
    verifyBanner(timeline.verify),
    spanLinks(days),
    total,
    dayChart(timeline.days, timeline.byAgent, {
      id: 'by-agent',
      title: 'by agent',
      label: chartLabel('agent', days, timeline.byAgent),
      valueLabel: 'deliveries',
    }),
    dayChart(timeline.days, timeline.byEnvironment, {
      id: 'by-environment',
      title: 'by project/environment',
      label: chartLabel('project and environment', days, timeline.byEnvironment),
      valueLabel: 'deliveries',
    }),
    ...recentTable(timeline),
  );
}
