/**
 * A secret's view: its metadata (editable), its history of versions (dates and events, never
 * values), its deliveries from the audit log, and its actions: store a new value, rotate with
 * a generated value, roll back, mark leaked, reveal or copy. Reveal and copy need the vault
 * passphrase typed again; a revealed value is hidden again after 30 s. Where the CLI would
 * ask a person to type a confirmation (a protected environment, an agent's reveal), the view
 * asks the same in a field sent along with the request.
 */
import { button, element, labelled, main, outcomeLine, table, viewLink } from './dom.js';
import { api } from './http.js';
import { day, stateCell } from './states.js';
import type { Delivery, HistoryEntry, SecretStatus } from './types.js';

interface SecretPage {
  project: string;
  environment: string;
  protected: boolean;
  agent: string | null;
  secret: SecretStatus;
  history: HistoryEntry[];
  deliveries: Delivery[];
}

/** How long a revealed value stays on the page. */
const revealMs = 30_000;

/** A text input with a name, for the forms below. */
function input(name: string, type = 'text', value = ''): HTMLInputElement {
  const node = element('input');
  node.type = type;
  node.name = name;
  node.id = `field-${name}`;
  node.value = value;
  node.autocomplete = 'off';
  node.spellcheck = false;
  return node;
}

export async function showSecret(query: URLSearchParams, message?: string): Promise<void> {
  const project = query.get('project') ?? '';
  const environment = query.get('environment') ?? '';
  const name = query.get('name') ?? '';
  const address = { project, environment, name };
  const page = await api<SecretPage>(`/api/secret?${new URLSearchParams(address)}`);
  const { secret } = page;

  const outcome = outcomeLine('outcome');
  if (message) outcome.textContent = message;
  const say = (text: string, failed = false) => {
    outcome.textContent = text;
    outcome.className = failed ? 'outcome error' : 'outcome';
  };
  const fail = (error: Error) => say(error.message, true);

  // The questions the CLI asks on a terminal, asked here once for every action below.
  const questions = element('fieldset');
  const confirm = input('confirm');
  const consent = input('consent');
  if (page.protected || page.agent) {
    questions.append(element('legend', 'confirmation'));
    if (page.protected)
      questions.append(
        labelled(
          `${project}/${environment} is protected: type "${environment}" to confirm a change or a reveal `,
          confirm,
        ),
      );
    if (page.agent)
      questions.append(
        labelled(
          `${page.agent} (an AI agent) started latch ui: type "${name}" to consent to a reveal `,
          consent,
        ),
      );
  }
  /** The request's body: the secret, the typed answers, and `extra`. */
  const request = (extra: Record<string, unknown> = {}) => ({
    ...address,
    ...(page.protected ? { confirm: confirm.value } : {}),
    ...(page.agent ? { consent: consent.value } : {}),
    ...extra,
  });
  const reload = (said: string) =>
    showSecret(query, said).then(() => {
      document.body.dataset.view = 'secret';
    });
  const act = (path: string, extra: Record<string, unknown> = {}) =>
    api<{ message?: string; outcome?: string }>(path, request(extra))
      .then((answer) => reload(answer.message ?? `${answer.outcome} ${name}`))
      .catch(fail);

  const heading = element('h2', `${name} in ${project}/${environment}`);
  const [facts, factRows] = table(['state', 'required', 'owner', 'expires', 'rotate every', 'changed'], {
    wide: ['owner', 'rotate every'],
  });
  facts.id = 'facts';
  const row = factRows.insertRow();
  row.append(stateCell(secret));
  row.append(element('td', secret.required ? 'yes' : 'no'));
  row.append(element('td', secret.owner ?? '', 'wide'));
  row.append(element('td', secret.expires ?? ''));
  row.append(element('td', secret.rotateEvery ?? '', 'wide'));
  row.append(element('td', day(secret.updated)));
  const description = element('p', secret.description ?? 'no description', 'note');

  // Reveal and copy: the passphrase again, every time.
  const valueSection = element('section');
  valueSection.setAttribute('aria-labelledby', 'value-heading');
  const valueHeading = element('h3', 'value');
  valueHeading.id = 'value-heading';
  valueSection.append(valueHeading);
  if (secret.set) {
    const reveal = element('form');
    reveal.id = 'reveal';
    const passphrase = input('passphrase', 'password');
    passphrase.autocomplete = 'current-password';
    const revealButton = element('button', 'reveal', 'primary');
    revealButton.type = 'submit';
    const copyButton = button('copy', () => {
      const typed = passphrase.value;
      passphrase.value = '';
      api<{ message: string }>('/api/secret/copy', request({ passphrase: typed }))
        .then((answer) => say(answer.message))
        .catch(fail);
    });
    copyButton.id = 'copy';
    const shown = element('output', '', 'revealed');
    shown.id = 'revealed';
    shown.hidden = true;
    shown.setAttribute('aria-live', 'polite');
    let hideTimer: number | undefined;
    const hide = () => {
      window.clearTimeout(hideTimer);
      shown.textContent = '';
      shown.hidden = true;
    };
    reveal.append(labelled('vault passphrase ', passphrase), revealButton, copyButton);
    reveal.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = passphrase.value;
      passphrase.value = '';
      api<{ value?: string; valueBase64?: string }>('/api/secret/reveal', request({ passphrase: typed }))
        .then((answer) => {
          hide();
          shown.textContent = answer.value ?? `base64: ${answer.valueBase64 ?? ''}`;
          shown.hidden = false;
          say(`revealed ${name}; hidden again in ${revealMs / 1000} s`);
          hideTimer = window.setTimeout(() => {
            hide();
            say(`${name} is hidden again`);
          }, revealMs);
        })
        .catch(fail);
    });
    // Leaving the view hides the value at once (the node is dropped with the view).
    window.addEventListener('hashchange', hide, { once: true });
    valueSection.append(reveal, shown);
  }

  const setForm = element('form');
  setForm.id = 'set-value';
  const valueInput = input('value', 'password');
  valueInput.autocomplete = 'new-password';
  const store = element('button', 'store');
  store.type = 'submit';
  setForm.append(labelled('new value ', valueInput), store);
  setForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = valueInput.value;
    // Cleared before the request: the value stays in the page no longer than it must.
    valueInput.value = '';
    act('/api/secret', { value });
  });
  valueSection.append(setForm);

  if (secret.set) {
    const rotate = element('form');
    rotate.id = 'rotate';
    const length = input('length', 'number', '32');
    length.min = '8';
    length.max = '4096';
    const charset = element('select');
    charset.name = 'charset';
    for (const option of ['base64', 'alnum', 'hex']) charset.append(element('option', option));
    const rotateButton = element('button', 'rotate with a generated value');
    rotateButton.type = 'submit';
    rotate.append(labelled('length ', length), labelled('characters ', charset), rotateButton);
    rotate.addEventListener('submit', (event) => {
      event.preventDefault();
      act('/api/secret/rotate', { length: Number(length.value), charset: charset.value });
    });
    const leaked = button(
      'mark leaked',
      () => {
        if (
          window.confirm(
            `Mark ${name} in ${project}/${environment} as leaked? It stays marked until a new value is stored.`,
          )
        )
          act('/api/secret/leaked');
      },
      'danger',
    );
    leaked.id = 'mark-leaked';
    const actions = element('div', null, 'actions');
    actions.append(leaked);
    valueSection.append(rotate, actions);
  }

  const metadata = element('form');
  metadata.id = 'metadata';
  const fields: Array<[string, string, string]> = [
    ['description', 'description', secret.description ?? ''],
    ['owner', 'owner', secret.owner ?? ''],
    ['expires', 'expires (date, or 90d from now)', secret.expires ?? ''],
    ['rotateEvery', 'rotate every (90d, 12w)', secret.rotateEvery ?? ''],
  ];
  const metadataSet = element('fieldset');
  metadataSet.append(element('legend', 'metadata'));
  const inputs = fields.map(([key, text, value]) => {
    const node = input(key, 'text', value);
    metadataSet.append(labelled(`${text} `, node));
    return [key, node] as const;
  });
  const save = element('button', 'save metadata');
  save.type = 'submit';
  metadataSet.append(save);
  metadata.append(metadataSet);
  metadata.addEventListener('submit', (event) => {
    event.preventDefault();
    const changed: Record<string, string | null> = {};
    for (const [key, node] of inputs) if (node.value !== node.defaultValue) changed[key] = node.value || null;
    if (Object.keys(changed).length === 0) return say('nothing changed');
    act('/api/secret/metadata', changed);
  });

  const historyParts: HTMLElement[] = [element('h3', 'history')];
  if (page.history.length === 0) historyParts.push(element('p', 'no value stored yet', 'note'));
  else {
    const [node, body] = table(['version', 'set', 'by', 'replaced', 'leaked', ''], { wide: ['replaced'] });
    node.id = 'history';
    for (const entry of [...page.history].reverse()) {
      const line = body.insertRow();
      line.dataset.version = String(entry.version);
      line.append(element('td', `${entry.version}${entry.current ? ' (current)' : ''}`));
      line.append(element('td', entry.set));
      const by = entry.rolledBackFrom ? `rollback to ${entry.rolledBackFrom}` : (entry.setBy ?? '');
      line.append(element('td', by));
      line.append(element('td', entry.replaced ?? '', 'wide'));
      line.append(element('td', entry.leaked ?? ''));
      const cell = line.insertCell();
      if (!entry.current)
        cell.append(
          button(`roll back to ${entry.version}`, () => act('/api/secret/rollback', { to: entry.version })),
        );
    }
    historyParts.push(node);
  }

  const deliveryParts: HTMLElement[] = [element('h3', 'deliveries')];
  if (page.deliveries.length === 0)
    deliveryParts.push(element('p', 'the audit log has no delivery of this secret', 'note'));
  else {
    const [node, body] = table(['time', 'how', 'agent', 'user'], { wide: ['user'] });
    node.id = 'deliveries';
    for (const delivery of page.deliveries) {
      const line = body.insertRow();
      line.append(element('td', delivery.time));
      line.append(element('td', delivery.program ? `${delivery.event} ${delivery.program}` : delivery.event));
      line.append(element('td', delivery.agent ?? 'a person'));
      line.append(element('td', delivery.user ?? '', 'wide'));
    }
    deliveryParts.push(node);
  }

  main.replaceChildren(
    viewLink('← all projects', 'secrets'),
    heading,
    description,
    facts,
    outcome,
    ...(page.protected || page.agent ? [questions] : []),
    valueSection,
    metadata,
    ...historyParts,
    ...deliveryParts,
  );
}
