/**
 * The page of `latch ui`, run in the browser (bundled by scripts/bundle-cli.mjs into
 * dist/ui/app.js; typed with tsconfig.ui.json). It exchanges the one-time token of the URL's
 * fragment for a session cookie, then shows one view at a time, chosen by the fragment
 * (`#/secrets`, `#/secret?project=…`, …), so every view has an address and the browser's
 * back button works. When a view has rendered, `body[data-view]` names it (the tests and the
 * bench wait for that).
 */

import { showCalendar } from './calendar.js';
import { showDoctor } from './doctor.js';
import { element, main } from './dom.js';
import { api } from './http.js';
import { showOverview } from './overview.js';
import { showSecret } from './secret.js';
import { showTeam } from './team.js';

type View = (query: URLSearchParams) => Promise<void>;

/** The views by name, in the order of the navigation bar (those without a title are not in it). */
const views: Array<{ name: string; title?: string; show: View }> = [
  { name: 'secrets', title: 'Secrets', show: showOverview },
  { name: 'secret', show: showSecret },
  // Loaded when first opened: the chart library stays out of the first page's script.
  {
    name: 'timeline',
    title: 'Timeline',
    show: (query) => import('./timeline.js').then((view) => view.showTimeline(query)),
  },
  { name: 'calendar', title: 'Calendar', show: showCalendar },
  { name: 'team', title: 'Team', show: showTeam },
  { name: 'doctor', title: 'Doctor', show: showDoctor },
];

const navigation = document.getElementById('views') as HTMLElement;

function current(): { name: string; query: URLSearchParams } {
  const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { name: path || 'secrets', query: new URLSearchParams(search) };
}

async function render(): Promise<void> {
  const { name, query } = current();
  const view = views.find((candidate) => candidate.name === name) ?? views[0]!;
  for (const link of navigation.querySelectorAll('a')) {
    if (link.dataset.view === view.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  delete document.body.dataset.view;
  try {
    await view.show(query);
    // A slow view (doctor) may finish after the person moved on: mark only the current one.
    if (current().name === name) document.body.dataset.view = view.name;
  } catch (error) {
    main.replaceChildren(element('p', (error as Error).message, 'error'));
    document.body.dataset.view = 'error';
  }
}

async function start(): Promise<void> {
  for (const view of views) {
    if (!view.title) continue;
    const link = element('a', view.title);
    link.href = `#/${view.name}`;
    link.dataset.view = view.name;
    navigation.append(link);
  }
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  // Out of the address bar and history at once: the token opens the page one time only.
  if (token !== null) history.replaceState(null, '', '/#/secrets');
  try {
    if (token) await api('/api/session', { token });
  } catch (error) {
    main.replaceChildren(element('p', (error as Error).message, 'error'));
    document.body.dataset.view = 'error';
    return;
  }
  window.addEventListener('hashchange', () => void render());
  await render();
}

void start();
