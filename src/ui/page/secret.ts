/**
 * A secret's view: its metadata, its history of versions (dates and events, never values),
 * and its actions. A value typed here goes to the server and is never shown again.
 */
import { element, labelled, main, outcomeLine, table, viewLink } from './dom.js';
import { api } from './http.js';
import { stateCell } from './states.js';
import type { HistoryEntry, SecretStatus } from './types.js';

interface SecretPage {
  project: string;
  environment: string;
  protected: boolean;
  secret: SecretStatus;
  history: HistoryEntry[];
}

export async function showSecret(query: URLSearchParams, message?: string): Promise<void> {
  const project = query.get('project') ?? '';
  const environment = query.get('environment') ?? '';
  const name = query.get('name') ?? '';
  const address = { project, environment, name };
  const page = await api<SecretPage>(`/api/secret?${new URLSearchParams(address)}`);
  const reload = (said: string) => showSecret(query, said);

  const heading = element('h2', `${name} in ${project}/${environment}`);
  const [facts, factRows] = table(['state', 'required', 'description', 'expires']);
  const row = factRows.insertRow();
  row.append(stateCell(page.secret));
  row.append(element('td', page.secret.required ? 'yes' : 'no'));
  row.append(element('td', page.secret.description ?? ''));
  row.append(element('td', page.secret.expires ?? ''));

  const outcome = outcomeLine('outcome');
  if (message) outcome.textContent = message;
  const fail = (error: Error) => {
    outcome.textContent = error.message;
    outcome.className = 'outcome error';
  };

  const form = element('form');
  form.id = 'set-value';
  const input = element('input');
  input.type = 'password';
  input.name = 'value';
  input.autocomplete = 'off';
  const submit = element('button', 'store');
  submit.type = 'submit';
  form.append(labelled('new value ', input), submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value;
    // Cleared before the request: the value stays in the page no longer than it must.
    input.value = '';
    api<{ outcome: string }>('/api/secret', { ...address, value })
      .then((answer) => reload(`${answer.outcome} ${name}`))
      .catch(fail);
  });

  const historyParts: HTMLElement[] = [element('h3', 'history')];
  if (page.history.length === 0) historyParts.push(element('p', 'no value stored yet', 'note'));
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
    historyParts.push(node);
  }

  main.replaceChildren(viewLink('← all projects', 'secrets'), heading, facts, outcome, form, ...historyParts);
}
