/**
 * The set-up the `latch ui` API tests share: a project `shop` (dev, staging, protected prod)
 * in a temporary LATCH_HOME, with API_KEY set twice in dev; the API over it as `latch ui`
 * builds it; the CLI run in the same place to check what the API did.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openProjectVault, resolveProject } from '../../src/app/context.js';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { ApiHandler } from '../../src/ui/server.js';
import { fakeIo, scriptedTerminal, tempDirs } from '../cli/fake-io.js';

export const firstValue = 'first-value-1x9';
export const secondValue = 'second-value-2y8';
export const passphrase = 'pass phrase 1';

export interface UiFixture {
  dirs: ReturnType<typeof tempDirs>;
  project: string;
  env: Record<string, string>;
  /** The API as `latch ui` serves it from the project's directory (`extraEnv`: its environment). */
  api(extraEnv?: Record<string, string>): Promise<ApiHandler>;
  /**
   * Runs the CLI in the project; expects exit 0 and returns stdout. `answers` are typed at a
   * terminal (a protected environment's name).
   */
  cli(args: string[], stdin?: string, answers?: string[]): Promise<string>;
}

export async function uiFixture(): Promise<UiFixture> {
  const dirs = tempDirs();
  const project = join(dirs.root, 'shop');
  mkdirSync(project);
  const env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: passphrase, LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  const cli = async (args: string[], stdin?: string, answers?: string[]) => {
    const io = fakeIo({
      cwd: project,
      env,
      ...(stdin === undefined ? {} : { stdin }),
      ...(answers ? { terminal: scriptedTerminal(answers) } : {}),
    });
    expect(await runMain(args, io), io.err()).toBe(0);
    return io.out();
  };
  await cli(['init']);
  for (const value of [firstValue, secondValue])
    await cli(['set', 'API_KEY', '--description', 'the shop API'], value);
  const api = async (extraEnv: Record<string, string> = {}) => {
    // No terminal: `latch ui`'s questions are answered by the page, never on a terminal.
    const io: Io = {
      ...fakeIo({ cwd: project, env: { ...env, ...extraEnv }, terminal: null }),
      client: 'ui',
    };
    const here = await resolveProject({ options: {} }, io);
    return uiApi({ io, vault: await openProjectVault(io, here), here });
  };
  return { dirs, project, env, api, cli };
}

export const get = (api: ApiHandler, path: string, query: Record<string, string> = {}) =>
  api({ method: 'GET', path, query: new URLSearchParams(query), body: undefined });
export const post = (api: ApiHandler, path: string, body: unknown) =>
  api({ method: 'POST', path, query: new URLSearchParams(), body });

/** Expects no stored value, length or value field in an answer. */
export function expectNoValue(json: unknown, values: readonly string[] = []): void {
  const text = JSON.stringify(json);
  for (const value of [firstValue, secondValue, 'typed-in-ui-3z7', ...values])
    expect(text).not.toContain(value);
  expect(text).not.toContain('"bytes"');
  expect(text).not.toContain('"value"');
}
