import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectVault, openVault, resolveProject } from '../../src/app/context.js';
import type { EnvironmentOverview } from '../../src/app/vault-overview.js';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { ApiHandler } from '../../src/ui/server.js';
import { fakeIo, tempDirs } from '../cli/fake-io.js';

const firstValue = 'first-value-1x9';
const secondValue = 'second-value-2y8';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
  for (const value of [firstValue, secondValue]) {
    const io = fakeIo({ cwd: project, env, stdin: value });
    expect(await runMain(['set', 'API_KEY', '--description', 'the shop API'], io), io.err()).toBe(0);
  }
});
afterEach(() => dirs.cleanup());

async function apiHere(): Promise<ApiHandler> {
  const io: Io = { ...fakeIo({ cwd: project, env }), client: 'ui' };
  const here = await resolveProject({ options: {} }, io);
  return uiApi({ io, vault: await openProjectVault(io, here), here });
}

const get = (api: ApiHandler, path: string, query: Record<string, string> = {}) =>
  api({ method: 'GET', path, query: new URLSearchParams(query), body: undefined });
const post = (api: ApiHandler, path: string, body: unknown) =>
  api({ method: 'POST', path, query: new URLSearchParams(), body });

async function cli(args: string[]): Promise<string> {
  const io = fakeIo({ cwd: project, env });
  expect(await runMain(args, io), io.err()).toBe(0);
  return io.out();
}

function expectNoValue(json: unknown): void {
  const text = JSON.stringify(json);
  for (const value of [firstValue, secondValue, 'typed-in-ui-3z7']) expect(text).not.toContain(value);
  expect(text).not.toContain('"bytes"');
  expect(text).not.toContain('"value"');
}

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

  it('refuses a protected environment (it needs a person at a terminal) and stores nothing', async () => {
    const api = await apiHere();
    await expect(
      post(api, '/api/secret', { project: 'shop', environment: 'prod', name: 'API_KEY', value: 'x-value' }),
    ).rejects.toMatchObject({ code: 'E_CONFIRMATION_REQUIRED' });
    await expect(
      post(api, '/api/secret', { project: 'shop', environment: 'dev', name: 'API_KEY', value: '' }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    const check = fakeIo({ cwd: project, env });
    expect(await runMain(['check', '--env', 'prod', '--json'], check)).toBe(7);
    expect(JSON.parse(check.out()).missing).toEqual(['API_KEY']);
  });

  it('shows what another process stored after the page was opened', async () => {
    const api = await apiHere();
    const io = fakeIo({ cwd: project, env, stdin: 'later-value-4w6' });
    expect(await runMain(['set', 'API_KEY', '--env', 'staging'], io), io.err()).toBe(0);
    const answer = await get(api, '/api/overview');
    const staging = (
      answer.json as { projects: Array<{ environments: EnvironmentOverview[] }> }
    ).projects[0]!.environments.find((environment) => environment.name === 'staging');
    expect(staging?.secrets[0]).toMatchObject({ name: 'API_KEY', set: true });
  });

  it('shows the projects of the vault outside any repository, by what they store', async () => {
    const io: Io = { ...fakeIo({ cwd: dirs.root, env }), client: 'ui' };
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
