/**
 * The `latch ui` API without a browser: the overview and a secret's page by name and state,
 * storing a value (never echoed, recorded with the agent `ui`), protected environments.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openVault } from '../../src/app/context.js';
import type { EnvironmentOverview } from '../../src/app/vault-overview.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { ApiHandler } from '../../src/ui/server.js';
import { fakeIo } from '../cli/fake-io.js';
import { expectNoValue, get, post, type UiFixture, uiFixture } from './fixture.js';

let fixture: UiFixture;
beforeEach(async () => {
  fixture = await uiFixture();
});
afterEach(() => fixture.dirs.cleanup());

const apiHere = (): Promise<ApiHandler> => fixture.api();
const cli = (args: string[], answers?: string[]) => fixture.cli(args, undefined, answers);

describe('the latch ui API', () => {
  it('lists every environment of the project with each secret by name and state', async () => {
    const api = await apiHere();
    const answer = await get(api, '/api/overview');
    expect(answer.status).toBe(200);
    expectNoValue(answer.json);
    const [shop] = (
      answer.json as { projects: Array<{ name: string; here: boolean; environments: EnvironmentOverview[] }> }
    ).projects;
    expect(shop).toMatchObject({ name: 'shop', here: true });
    const byEnvironment = Object.fromEntries(
      shop!.environments.map((environment) => [environment.name, environment]),
    );
    expect(Object.keys(byEnvironment)).toEqual(['dev', 'staging', 'prod']);
    expect(byEnvironment.prod?.protected).toBe(true);
    expect(byEnvironment.dev?.secrets).toEqual([
      expect.objectContaining({ name: 'API_KEY', set: true, required: true, description: 'the shop API' }),
    ]);
    expect(byEnvironment.staging?.secrets).toEqual([
      expect.objectContaining({ name: 'API_KEY', set: false, required: true }),
    ]);
  });

  it("shows a secret's history without values or lengths", async () => {
    const answer = await get(await apiHere(), '/api/secret', {
      project: 'shop',
      environment: 'dev',
      name: 'API_KEY',
    });
    expectNoValue(answer.json);
    const { history } = answer.json as { history: Array<{ version: number; current: boolean }> };
    expect(history.map((entry) => [entry.version, entry.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    await expect(
      get(await apiHere(), '/api/secret', { project: 'shop', environment: 'dev', name: 'NOPE' }),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('stores a value, never echoes it, and records the change with the agent ui', async () => {
    const api = await apiHere();
    const answer = await post(api, '/api/secret', {
      project: 'shop',
      environment: 'staging',
      name: 'API_KEY',
      value: 'typed-in-ui-3z7',
    });
    expect(answer).toEqual({
      status: 200,
      json: { project: 'shop', environment: 'staging', name: 'API_KEY', outcome: 'created' },
    });
    expect(await cli(['get', 'API_KEY', '--env', 'staging', '--reveal'])).toBe('typed-in-ui-3z7');
    const audit = JSON.parse(await cli(['audit', '--json'])) as Array<{
      event: string;
      agent: string | null;
    }>;
    expect(audit.filter((record) => record.event === 'set').at(-1)).toMatchObject({
      environment: 'staging',
      agent: 'ui',
    });
    expectNoValue((await get(api, '/api/overview')).json);
  });

  it("asks for the protected environment's name before replacing a value there, as `set` does", async () => {
    const api = await apiHere();
    const prod = { project: 'shop', environment: 'prod', name: 'API_KEY' };
    // A new secret replaces nothing: stored without a question, as `latch set` does.
    expect((await post(api, '/api/secret', { ...prod, value: 'prod-first-5q1' })).json).toMatchObject({
      outcome: 'created',
    });
    for (const confirm of [undefined, 'staging', ''])
      await expect(
        post(api, '/api/secret', {
          ...prod,
          value: 'prod-second-6r2',
          ...(confirm === undefined ? {} : { confirm }),
        }),
      ).rejects.toMatchObject({ code: 'E_CONFIRMATION_REQUIRED' });
    expect(await cli(['get', 'API_KEY', '--env', 'prod', '--reveal'], ['prod'])).toBe('prod-first-5q1');
    expect(
      (await post(api, '/api/secret', { ...prod, value: 'prod-second-6r2', confirm: 'prod' })).json,
    ).toMatchObject({
      outcome: 'updated',
    });
    expect(await cli(['get', 'API_KEY', '--env', 'prod', '--reveal'], ['prod'])).toBe('prod-second-6r2');
    await expect(
      post(api, '/api/secret', { project: 'shop', environment: 'dev', name: 'API_KEY', value: '' }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('shows what another process stored after the page was opened', async () => {
    const api = await apiHere();
    await fixture.cli(['set', 'API_KEY', '--env', 'staging'], 'later-value-4w6');
    const answer = await get(api, '/api/overview');
    const staging = (
      answer.json as { projects: Array<{ environments: EnvironmentOverview[] }> }
    ).projects[0]!.environments.find((environment) => environment.name === 'staging');
    expect(staging?.secrets[0]).toMatchObject({ name: 'API_KEY', set: true });
  });

  it('shows the projects of the vault outside any repository, by what they store', async () => {
    const io: Io = { ...fakeIo({ cwd: fixture.dirs.root, env: fixture.env }), client: 'ui' };
    const api = uiApi({ io, vault: await openVault(io), here: null });
    const answer = await get(api, '/api/overview');
    expect(answer.json).toMatchObject({
      projects: [
        {
          name: 'shop',
          here: false,
          environments: expect.arrayContaining([
            {
              name: 'dev',
              protected: false,
              secrets: [expect.objectContaining({ name: 'API_KEY', set: true })],
            },
            { name: 'prod', protected: true, secrets: [] },
          ]),
        },
      ],
    });
  });
});
