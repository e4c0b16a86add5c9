/**
 * The routes that read secrets by name: the vault's projects and secrets by name and state,
 * and one secret's page (its history, its deliveries, the questions the page must ask).
 * Changes are src/ui/actions-api.ts's.
 */
import { latchHome } from '../app/context.js';
import { recentDeliveries } from '../app/deliveries.js';
import { vaultOverview } from '../app/vault-overview.js';
import { detectAgent } from '../audit/agent.js';
import { secretHistory } from '../lifecycle/history.js';
import { LatchError } from '../shared/errors.js';
import { type Routes, secretAddress, type UiState } from './request.js';

const nowOf = (state: UiState) => state.io.now().getTime();

export const secretRoutes: Routes = {
  'GET /api/overview': async (state) => {
    const contents = state.vault.reload();
    return {
      status: 200,
      json: { projects: vaultOverview(contents, state.here, state.io.cwd, nowOf(state)) },
    };
  },

  'GET /api/secret': async (state, request) => {
    const { project, environment, name } = secretAddress(request);
    const contents = state.vault.reload();
    const overview = vaultOverview(contents, state.here, state.io.cwd, nowOf(state)).find(
      (p) => p.name === project,
    );
    const environmentOverview = overview?.environments.find((env) => env.name === environment);
    const status = environmentOverview?.secrets.find((secret) => secret.name === name);
    if (!status) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${project}/${environment}`);
    const stored = contents.getProject(project)?.environments[environment]?.secrets[name];
    // History without `bytes`: a value's length is a fact about the value.
    const history = stored ? secretHistory(stored).map(({ bytes: _bytes, ...entry }) => entry) : [];
    return {
      status: 200,
      json: {
        project,
        environment,
        secret: status,
        history,
        deliveries: recentDeliveries(latchHome(state.io), project, 50, { environment, name }).reverse(),
        // The questions the page asks before a change or a reveal, as the CLI would.
        protected: environmentOverview?.protected ?? false,
        agent: detectAgent(state.io.env),
      },
    };
  },
};
