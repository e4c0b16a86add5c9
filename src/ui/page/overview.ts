/**
 * The first view: every project × environment with its secrets by name and state, with a
 * filter by name and by state. Filtering hides rows; it never asks the server again.
 */
import { element, labelled, main, table } from './dom.js';
import { api } from './http.js';
import { day, states } from './states.js';
import type { ProjectOverview } from './types.js';

const stateFilters: Array<[string, string]> = [
  ['', 'every state'],
  ['attention', 'needs attention'],
  ['missing-required', 'missing, required'],
  ['expired', 'expired'],
  ['rotation-due', 'rotation due'],
  ['leaked', 'marked leaked'],
];

/**
 * One secret's row, empty: each row is a deep clone of it, filled in. With 2,000 secrets,
 * cloning eight elements at once costs less than creating them one by one (bench/ui.mjs).
 */
const rowTemplate = (() => {
  const row = element('tr');
  const cell = (className?: string) => element('td', null, className);
  const first = cell();
  first.append(element('a'));
  row.append(first, cell(), cell('wide'), cell('wide'), cell(), cell('wide'), cell('wide'));
  return row;
})();

export async function showOverview(): Promise<void> {
  const { projects } = await api<{ projects: ProjectOverview[] }>('/api/overview');
  const filters = element('form', null, 'filters');
  filters.setAttribute('role', 'search');
  const search = element('input');
  search.type = 'search';
  search.id = 'filter-name';
  search.placeholder = 'API_KEY';
  search.autocomplete = 'off';
  const stateChoice = element('select');
  stateChoice.id = 'filter-state';
  for (const [value, text] of stateFilters) {
    const option = element('option', text);
    option.value = value;
    stateChoice.append(option);
  }
  filters.append(labelled('name ', search), labelled('state ', stateChoice));
  filters.addEventListener('submit', (event) => event.preventDefault());
  const count = element('p', '', 'note');
  count.id = 'filter-count';
  count.setAttribute('aria-live', 'polite');

  const rows: Array<{ row: HTMLTableRowElement; name: string; kinds: string[] }> = [];
  const sections: HTMLElement[] = [];
  // This directory's project first, then the others by name (as the server sorts them).
  const ordered = [...projects].sort((a, b) => Number(b.here) - Number(a.here));
  for (const project of ordered) {
    const section = element('section');
    section.dataset.project = project.name;
    section.append(element('h2', project.here ? `${project.name} (this directory)` : project.name));
    for (const environment of project.environments) {
      const title = element('h3', environment.name);
      if (environment.protected) title.append(element('span', 'protected', 'protected'));
      section.append(title);
      if (environment.secrets.length === 0) {
        section.append(element('p', 'no secrets', 'note'));
        continue;
      }
      const [node, body] = table(
        ['name', 'state', 'description', 'owner', 'expires', 'rotate every', 'changed'],
        {
          wide: ['description', 'owner', 'rotate every', 'changed'],
        },
      );
      node.dataset.environment = environment.name;
      node.setAttribute('aria-label', `${project.name} ${environment.name}`);
      // The link's address up to the name, once per table (the same as viewLink builds).
      const address = `#/secret?${new URLSearchParams({ project: project.name, environment: environment.name })}&name=`;
      for (const secret of environment.secrets) {
        const row = rowTemplate.cloneNode(true) as HTMLTableRowElement;
        row.dataset.secret = secret.name;
        const [name, state, description, owner, expires, rotateEvery, changed] = row.children;
        const link = name!.firstChild as HTMLAnchorElement;
        link.textContent = secret.name;
        link.href = address + encodeURIComponent(secret.name);
        const found = states(secret);
        for (const [kind, words] of found) state!.append(element('span', words, `state state-${kind}`));
        if (secret.description) description!.textContent = secret.description;
        if (secret.owner) owner!.textContent = secret.owner;
        if (secret.expires) {
          // An expiry given as a duration is a moment; its day is what a person scans for.
          expires!.textContent = day(secret.expires);
          (expires as HTMLElement).title = secret.expires;
        }
        if (secret.rotateEvery) rotateEvery!.textContent = secret.rotateEvery;
        if (secret.updated) changed!.textContent = day(secret.updated);
        body.append(row);
        rows.push({ row, name: secret.name.toLowerCase(), kinds: found.map(([kind]) => kind) });
      }
      section.append(node);
    }
    sections.push(section);
  }

  const apply = () => {
    const text = search.value.trim().toLowerCase();
    const wanted = stateChoice.value;
    let shown = 0;
    for (const { row, name, kinds } of rows) {
      const stateMatches =
        wanted === '' ||
        (wanted === 'attention'
          ? kinds.some((kind) => kind !== 'set' && kind !== 'missing')
          : kinds.includes(wanted));
      const visible = name.includes(text) && stateMatches;
      // Only rows that change are touched: the first call, on 2,000 shown rows, writes nothing.
      if (row.hidden === visible) row.hidden = !visible;
      if (visible) shown++;
    }
    count.textContent =
      text || wanted ? `${shown} of ${rows.length} secrets match` : `${rows.length} secrets`;
  };
  search.addEventListener('input', apply);
  stateChoice.addEventListener('change', apply);
  apply();

  main.replaceChildren(filters, count, ...sections);
  if (projects.length === 0)
    main.append(element('p', 'the vault holds no project yet; run `latch init` in a repository', 'note'));
}
