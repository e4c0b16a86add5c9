/**
 * Rotation and expiry as a calendar: what falls due in the next days across every project
 * and environment, as a list grouped by week (weeks start on Monday, days are UTC days), the
 * overdue at the top. Each entry links to its secret's view.
 */
import { element, main, table, viewLink } from './dom.js';
import { api } from './http.js';
import type { UpcomingEvent } from './types.js';

const spans = ['30', '90', '180', '365'];
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const dayMs = 24 * 60 * 60 * 1000;

interface Calendar {
  now: string;
  days: number;
  events: UpcomingEvent[];
}

const dayOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The Monday (UTC) of the week `day` falls in, as YYYY-MM-DD. */
function weekOf(day: string): string {
  const time = dayOf(day);
  const sinceMonday = (new Date(time).getUTCDay() + 6) % 7;
  return new Date(time - sinceMonday * dayMs).toISOString().slice(0, 10);
}

function groupTitle(week: string, thisWeek: string): string {
  const weeksAhead = Math.round((dayOf(week) - dayOf(thisWeek)) / (7 * dayMs));
  if (weeksAhead === 0) return `this week (from Monday ${week})`;
  if (weeksAhead === 1) return `next week (from Monday ${week})`;
  return `week of Monday ${week}`;
}

/** What falls due, in words, and the badge it wears. */
function kindOf(event: UpcomingEvent): [string, string] {
  if (event.kind === 'leaked') return ['leaked', 'leaked: rotate'];
  if (event.kind === 'expires') return event.overdue ? ['expired', 'expired'] : ['rotation-due', 'expires'];
  return ['rotation-due', event.overdue ? 'rotation overdue' : 'rotation due'];
}

function when(event: UpcomingEvent): string {
  if (event.days === 0) return event.overdue ? 'today (passed)' : 'today';
  if (event.days === 1) return 'tomorrow';
  if (event.days === -1) return 'yesterday';
  return event.days > 0 ? `in ${event.days} days` : `${-event.days} days ago`;
}

function eventTable(events: UpcomingEvent[], label: string): HTMLTableElement {
  const [node, body] = table(['day', 'what', 'secret', 'where', 'when'], { wide: ['where'] });
  node.setAttribute('aria-label', label);
  // One column width in every week's table, so the weeks line up.
  node.classList.add('calendar');
  for (const event of events) {
    const row = body.insertRow();
    row.dataset.secret = event.name;
    row.dataset.kind = event.kind;
    row.append(element('td', `${weekdays[new Date(dayOf(event.day)).getUTCDay()]} ${event.day}`));
    const [badge, words] = kindOf(event);
    const what = element('td');
    what.append(element('span', words, `state state-${badge}`));
    row.append(what);
    const name = row.insertCell();
    name.append(
      viewLink(event.name, 'secret', {
        project: event.project,
        environment: event.environment,
        name: event.name,
      }),
    );
    row.append(element('td', `${event.project}/${event.environment}`, 'wide'));
    row.append(element('td', when(event)));
  }
  return node;
}

export async function showCalendar(query: URLSearchParams): Promise<void> {
  const asked = query.get('days');
  const calendar = await api<Calendar>(`/api/calendar?${new URLSearchParams(asked ? { days: asked } : {})}`);
  const links = element('nav', null, 'spans');
  links.setAttribute('aria-label', 'days shown');
  for (const span of spans) {
    const link = viewLink(`${span} days`, 'calendar', { days: span });
    if (Number(span) === calendar.days) link.setAttribute('aria-current', 'true');
    links.append(link);
  }

  const overdue = calendar.events.filter((event) => event.overdue);
  const coming = calendar.events.filter((event) => !event.overdue);
  const count = element(
    'p',
    `${overdue.length} overdue, ${coming.length} falling due in the next ${calendar.days} days (days in UTC)`,
    'note',
  );
  count.id = 'calendar-count';
  const sections: HTMLElement[] = [];
  if (overdue.length > 0) {
    const section = element('section', null, 'overdue');
    section.id = 'overdue';
    section.append(element('h3', 'overdue'), eventTable(overdue, 'overdue'));
    sections.push(section);
  }
  const thisWeek = weekOf(calendar.now.slice(0, 10));
  const weeks = new Map<string, UpcomingEvent[]>();
  for (const event of coming) {
    const week = weekOf(event.day);
    weeks.set(week, [...(weeks.get(week) ?? []), event]);
  }
  for (const [week, events] of weeks) {
    const section = element('section');
    section.dataset.week = week;
    const title = groupTitle(week, thisWeek);
    section.append(element('h3', title), eventTable(events, title));
    sections.push(section);
  }
  if (calendar.events.length === 0)
    sections.push(
      element(
        'p',
        `nothing falls due in the next ${calendar.days} days: no expiry date or rotation period comes round`,
        'note',
      ),
    );
  main.replaceChildren(element('h2', 'Calendar'), links, count, ...sections);
}
