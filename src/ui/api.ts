/**
 * The JSON API the page calls: the vault's projects and secrets by name and state, one
 * secret's history, and storing a new value. No response ever holds a value (nor its length
 * or a hash): the page shows names and states, and a value goes one way, into the vault.
 */
import type { ProjectContext } from '../app/context.js';
import { storeSecretValue } from '../app/secret-value.js';
import { environmentContext, vaultOverview } from '../app/vault-overview.js';
import { secretHistory } from '../lifecycle/history.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import type { UnlockedVault } from '../vault/store.js';
import type { ApiHandler, ApiRequest } from './server.js';

export interface UiState {
  /** Its `client` is `ui`: the audit log names the page as the agent of its changes. */
  io: Io;
  vault: UnlockedVault;
  /** This directory's project (latch.yaml), if there is one. */
  here: ProjectContext | null;
}

/** The API over `state`, for src/ui/server.ts. */
export function uiApi(state: UiState): ApiHandler {
  return async (request) => {
    const now = state.io.now().getTime();
    if (request.method === 'GET' && request.path === '/api/overview') {
      const contents = state.vault.reload();
      return { status: 200, json: { projects: vaultOverview(contents, state.here, state.io.cwd, now) } };
    }
    if (request.method === 'GET' && request.path === '/api/secret') return secretPage(state, request, now);
    if (request.method === 'POST' && request.path === '/api/secret') return setValue(state, request);
    throw new LatchError('E_NOT_FOUND', 'no such page');
  };
}

function field(source: Record<string, unknown> | URLSearchParams, name: string): string {
  const value = source instanceof URLSearchParams ? source.get(name) : source[name];
  if (typeof value !== 'string' || value === '') throw new LatchError('E_USAGE', `${name} is missing`);
  return value;
}

async function secretPage(state: UiState, request: ApiRequest, now: number) {
  const project = field(request.query, 'project');
  const environment = field(request.query, 'environment');
  const name = field(request.query, 'name');
  const contents = state.vault.reload();
  const overview = vaultOverview(contents, state.here, state.io.cwd, now).find((p) => p.name === project);
  const status = overview?.environments
    .find((env) => env.name === environment)
    ?.secrets.find((secret) => secret.name === name);
  if (!status) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${project}/${environment}`);
  const stored = contents.getProject(project)?.environments[environment]?.secrets[name];
  // History without `bytes`: a value's length is a fact about the value.
  const history = stored ? secretHistory(stored).map(({ bytes: _bytes, ...entry }) => entry) : [];
  return { status: 200, json: { project, environment, secret: status, history } };
}

async function setValue(state: UiState, request: ApiRequest) {
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const project = field(body, 'project');
  const environment = field(body, 'environment');
  const name = field(body, 'name');
  if (typeof body.value !== 'string') throw new LatchError('E_USAGE', 'value is missing');
  state.vault.reload();
  const context = environmentContext(state.here, project, environment, state.io.cwd);
  const { outcome } = await storeSecretValue(
    state.io,
    state.vault,
    context,
    name,
    new TextEncoder().encode(body.value),
  );
  return { status: 200, json: { project, environment, name, outcome } };
}
