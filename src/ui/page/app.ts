/**
 * The page of `latch ui`, run in the browser (bundled by scripts/bundle-cli.mjs into
 * dist/ui/app.js; typed with tsconfig.ui.json). It exchanges the one-time token of the URL's
 * fragment for a session cookie, then shows the vault by name and state. Everything it shows
 * is set with textContent, never parsed as HTML: names and descriptions come from files a
 * repository controls. A value typed here goes to the server and is never shown again.
 */

interface SecretStatus {
  name: string;
  required: boolean;
  set: boolean;
  expires: string | null;
  expired: boolean;
  rotationDue: boolean;
  rotationNeeded: boolean;
  description: string | null;
}
interface EnvironmentOverview {
  name: string;
  protected: boolean;
  secrets: SecretStatus[];
}
interface ProjectOverview {
  name: string;
  here: boolean;
  environments: EnvironmentOverview[];
}
interface HistoryEntry {
  version: number;
  current: boolean;
  set: string;
  replaced: string | null;
  setBy: string | null;
  rolledBackFrom: number | null;
  leaked: string | null;
}

const main = document.getElementById('main') as HTMLElement;

class ApiError extends Error {}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const json = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new ApiError(json.error?.message ?? `error ${response.status}`);
  return json;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | null,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The states of a secret, worst first, as badge classes and words. */
function states(secret: SecretStatus): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  if (!secret.set)
    found.push(secret.required ? ['missing-required', 'missing, required'] : ['missing', 'missing']);
  if (secret.rotationNeeded) found.push(['leaked', 'leaked: rotate']);
  if (secret.expired) found.push(['expired', 'expired']);
  if (secret.rotationDue) found.push(['rotation-due', 'rotation due']);
  if (secret.set && found.length === 0) found.push(['set', 'set']);
  return found;
}

function stateCell(secret: SecretStatus): HTMLTableCellElement {
  const cell = element('td');
  for (const [kind, words] of states(secret)) cell.append(element('span', words, `state state-${kind}`));
  return cell;
}

function table(headings: string[]): [HTMLTableElement, HTMLTableSectionElement] {
  const node = element('table');
  const head = node.createTHead().insertRow();
  for (const heading of headings) head.append(element('th', heading));
  return [node, node.createTBody()];
}

async function showOverview(): Promise<void> {
  const { projects } = await api<{ projects: ProjectOverview[] }>('/api/overview');
  main.replaceChildren();
  if (projects.length === 0)
    main.append(element('p', 'the vault holds no project yet; run `latch init` in a repository', 'note'));
  for (const project of projects) {
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
      const [node, body] = table(['name', 'state', 'description', 'expires']);
      node.dataset.environment = environment.name;
      for (const secret of environment.secrets) {
        const row = body.insertRow();
        row.dataset.secret = secret.name;
        const open = element('button', secret.name, 'link');
        open.type = 'button';
        open.addEventListener(
          'click',
          () => void show(() => showSecret(project.name, environment.name, secret.name)),
        );
        row.insertCell().append(open);
        row.append(stateCell(secret));
        row.append(element('td', secret.description ?? ''));
        row.append(element('td', secret.expires ?? ''));
      }
      section.append(node);
    }
    main.append(section);
  }
}

async function showSecret(project: string, environment: string, name: string): Promise<void> {
  const query = new URLSearchParams({ project, environment, name });
  const page = await api<{ secret: SecretStatus; history: HistoryEntry[] }>(`/api/secret?${query}`);
  main.replaceChildren();
  const back = element('button', '← all projects', 'link');
  back.type = 'button';
  back.addEventListener('click', () => void show(showOverview));
  main.append(back, element('h2', `${name} in ${project}/${environment}`));
  const [facts, factRows] = table(['state', 'required', 'description', 'expires']);
  const row = factRows.insertRow();
  row.append(stateCell(page.secret));
  row.append(element('td', page.secret.required ? 'yes' : 'no'));
  row.append(element('td', page.secret.description ?? ''));
  row.append(element('td', page.secret.expires ?? ''));
  main.append(facts);

  const form = element('form');
  form.id = 'set-value';
  const label = element('label', 'new value ');
  const input = element('input');
  input.type = 'password';
  input.name = 'value';
  input.autocomplete = 'off';
  label.append(input);
  const submit = element('button', 'store');
  submit.type = 'submit';
  const outcome = element('span', '', 'note');
  outcome.id = 'outcome';
  form.append(label, submit, outcome);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value;
    // Cleared before the request: the value stays in the page no longer than it must.
    input.value = '';
    api<{ outcome: string }>('/api/secret', { project, environment, name, value })
      .then((answer) => show(() => showSecret(project, environment, name), `${answer.outcome} ${name}`))
      .catch((error: Error) => {
        outcome.textContent = error.message;
        outcome.className = 'error';
      });
  });
  main.append(form);

  main.append(element('h3', 'history'));
  if (page.history.length === 0) main.append(element('p', 'no value stored yet', 'note'));
  else {
    const [node, body] = table(['version', 'set', 'by', 'replaced', 'leaked']);
    node.id = 'history';
    for (const entry of page.history) {
      const line = body.insertRow();
      line.append(element('td', `${entry.version}${entry.current ? ' (current)' : ''}`));
      line.append(element('td', entry.set));
      const by = entry.rolledBackFrom ? `rollback to ${entry.rolledBackFrom}` : (entry.setBy ?? '');
      line.append(element('td', by));
      line.append(element('td', entry.replaced ?? ''));
      line.append(element('td', entry.leaked ?? ''));
    }
    main.append(node);
  }
}

/** Runs a view; an error (an expired session, a refused change) replaces the page with its message. */
async function show(view: () => Promise<void>, message?: string): Promise<void> {
  try {
    await view();
    if (message) {
      const outcome = document.getElementById('outcome');
      if (outcome) outcome.textContent = message;
    }
  } catch (error) {
    main.replaceChildren(element('p', (error as Error).message, 'error'));
  }
}

async function start(): Promise<void> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  // Out of the address bar and history at once: the token opens the page one time only.
  if (token !== null) history.replaceState(null, '', '/');
  if (token) await api('/api/session', { token });
  await showOverview();
}

void show(start);
