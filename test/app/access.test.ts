/**
 * The shared checks of src/app/access.ts, through the commands that call them: trusted
 * directories for references and the library, protected environments for every change that
 * deletes or replaces values, and an agent's consent for every way a value reaches its screen.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { loadSecrets } from '../../src/index.js';
import { fakeIo, scriptedTerminal, tempDirs } from '../cli/fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
/** Runs latch in `cwd` (the project by default); `answers` script a terminal, none means no terminal. */
async function latch(
  argv: string[],
  options: {
    cwd?: string;
    answers?: string[];
    asked?: string[];
    stdin?: string;
    env?: Record<string, string>;
  } = {},
) {
  const io = fakeIo({
    cwd: options.cwd ?? project,
    env: { ...env, ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.answers ? { terminal: scriptedTerminal(options.answers, options.asked) } : {}),
  });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
}
async function ok(argv: string[], options: Parameters<typeof latch>[1] = {}) {
  const result = await latch(argv, options);
  expect(result.code, `${argv.join(' ')}: ${result.err}`).toBe(0);
  return result;
}
const reveal = async (name: string, environment = 'dev') =>
  (await ok(['get', name, '--env', environment, '--reveal'], { answers: [environment] })).out;

beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  await ok(['init']);
  await ok(['set', 'API_KEY'], { stdin: 'dev-api-key-123456' });
  await ok(['set', 'PROD_KEY', '--env', 'prod'], { stdin: 'prod-key-value-1' });
});
afterEach(() => dirs.cleanup());

describe('a directory reaches a project only if the project trusts it', () => {
  /** A clone whose latch.yaml names another project, with a template of references into shop. */
  function clone(): string {
    const other = join(dirs.root, 'evil');
    mkdirSync(other);
    writeFileSync(join(other, 'latch.yaml'), 'project: evil\nenvironments:\n  dev: {}\nsecrets: []\n');
    writeFileSync(join(other, 'app.tpl'), 'key={{ latch://shop/dev/API_KEY }}\n');
    return other;
  }

  it('a reference from another directory is used once a person types the project name, then trusted', async () => {
    const other = clone();
    const asked: string[] = [];
    const output = join(other, 'app.conf');
    await ok(['inject', '-i', 'app.tpl', '-o', output], { cwd: other, answers: ['shop'], asked });
    expect(asked).toEqual([
      `a reference (app.tpl:1) uses project shop, which you use in ${project}; trusting it gives ${other} its secrets; type "shop" to continue: `,
    ]);
    expect(readFileSync(output, 'utf8')).toBe('key=dev-api-key-123456\n');
    // Trusted from now on: no terminal needed.
    expect((await ok(['inject', '-i', 'app.tpl'], { cwd: other })).out).toBe('key=dev-api-key-123456\n');
  });

  it('a wrong answer, or no terminal, gives nothing and trusts nothing', async () => {
    const other = clone();
    const wrong = await latch(['inject', '-i', 'app.tpl'], { cwd: other, answers: ['evil'] });
    expect(wrong.code).toBe(3);
    expect(wrong.out).toBe('');
    expect(wrong.err).toBe('latch: not confirmed; nothing was done\n');
    const none = await latch(['inject', '-i', 'app.tpl'], { cwd: other });
    expect(none.code).toBe(3);
    expect(none.out).toBe('');
  });

  it('the library gives a project only to a directory it trusts, even when named in code', async () => {
    const other = clone();
    await expect(loadSecrets({ cwd: other, env, project: 'shop' })).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
      exitCode: 3,
    });
    const second = join(dirs.root, 'shop-copy');
    mkdirSync(second);
    copyFileSync(join(project, 'latch.yaml'), join(second, 'latch.yaml'));
    await expect(loadSecrets({ cwd: second, env })).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
    });
    expect(await loadSecrets({ cwd: project, env, project: 'shop' })).toMatchObject({
      API_KEY: 'dev-api-key-123456',
    });
  });
});

describe('every change that deletes or replaces values in a protected environment asks a person', () => {
  it('env rm prod --force: --force does not skip the protection', async () => {
    const refused = await latch(['env', 'rm', 'prod', '--force']);
    expect(refused.code).toBe(3);
    expect(refused.err).toBe(
      'latch: shop/prod is protected; removing it and its 1 secret: confirm on a terminal (no terminal here)\n',
    );
    expect(await reveal('PROD_KEY', 'prod')).toBe('prod-key-value-1');
    expect(readFileSync(join(project, 'latch.yaml'), 'utf8')).toMatch(/prod:/);
    await ok(['env', 'rm', 'prod', '--force'], { answers: ['prod'] });
    expect((await latch(['get', 'PROD_KEY', '--env', 'prod'])).code).toBe(4);
  });

  it('project rm --force of a project with a protected environment needs the project name typed', async () => {
    const refused = await latch(['project', 'rm', 'shop', '--force']);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/^latch: project shop has protected environments \(prod\); this deletes it/);
    expect(JSON.parse((await ok(['project', 'ls', '--json'])).out)).toHaveLength(1);
    const asked: string[] = [];
    await ok(['project', 'rm', 'shop', '--force'], { answers: ['shop'], asked });
    expect(asked).toHaveLength(1);
    expect(JSON.parse((await ok(['project', 'ls', '--json'])).out)).toEqual([]);
  });

  it('set over a stored prod value asks; a new secret or the same bytes do not', async () => {
    const refused = await latch(['set', 'PROD_KEY', '--env', 'prod'], { stdin: 'replaced-by-a-clone' });
    expect(refused.code).toBe(3);
    expect(refused.err).toBe(
      'latch: shop/prod is protected; replacing the value of PROD_KEY: confirm on a terminal (no terminal here)\n',
    );
    expect(await reveal('PROD_KEY', 'prod')).toBe('prod-key-value-1');
    await ok(['set', 'PROD_KEY', '--env', 'prod'], { stdin: 'prod-key-value-1' });
    await ok(['set', 'NEW_KEY', '--env', 'prod'], { stdin: 'a-new-prod-value' });
    await ok(['set', 'PROD_KEY', '--env', 'prod'], { stdin: 'prod-key-value-2', answers: ['prod'] });
    expect(await reveal('PROD_KEY', 'prod')).toBe('prod-key-value-2');
    // Unprotected environments never ask.
    await ok(['set', 'API_KEY'], { stdin: 'dev-api-key-changed' });
  });

  it('import over stored prod values asks once, naming them', async () => {
    const file = join(dirs.root, 'prod.env');
    writeFileSync(file, 'PROD_KEY=imported-over-it\nFRESH=fresh-value-1\n');
    const refused = await latch(['import', file, '--env', 'prod']);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/shop\/prod is protected; replacing the value of PROD_KEY: /);
    expect((await latch(['get', 'FRESH', '--env', 'prod'])).code).toBe(4);
    const asked: string[] = [];
    await ok(['import', file, '--env', 'prod'], { answers: ['prod'], asked });
    expect(asked).toHaveLength(1);
    expect(await reveal('PROD_KEY', 'prod')).toBe('imported-over-it');
  });
});

describe('with an agent detected, every way a value reaches its screen needs consent', () => {
  const agent = { CLAUDECODE: '1' };

  it('inject to stdout asks (a file does not)', async () => {
    const template = join(dirs.root, 'app.tpl');
    writeFileSync(template, 'a={{ latch://API_KEY }}\n');
    const refused = await latch(['inject', '-i', template], { env: agent });
    expect(refused.code).toBe(3);
    expect(refused.out).toBe('');
    expect(refused.err).toBe(
      'latch: claude-code (an AI agent) asks to reveal API_KEY from shop/dev through inject to stdout: confirm on a terminal (no terminal here)\n',
    );
    const allowed = await latch(['inject', '-i', template], { env: agent, answers: ['API_KEY'] });
    expect(allowed.out).toBe('a=dev-api-key-123456\n');
    const output = join(dirs.root, 'app.conf');
    await ok(['inject', '-i', template, '-o', output], { env: agent });
    expect(readFileSync(output, 'utf8')).toBe('a=dev-api-key-123456\n');
  });

  it('run --no-mask asks; masked run does not', async () => {
    const printenv = ['--', 'sh', '-c', 'test "$API_KEY" = dev-api-key-123456'];
    const refused = await latch(['run', '--no-mask', ...printenv], { env: agent });
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(
      /claude-code \(an AI agent\) asks to reveal API_KEY from shop\/dev through run --no-mask/,
    );
    const asked: string[] = [];
    await ok(['run', '--no-mask', ...printenv], { env: agent, answers: ['API_KEY'], asked });
    expect(asked).toHaveLength(1);
    await ok(['run', ...printenv], { env: agent });
    // Without an agent, --no-mask asks nothing.
    await ok(['run', '--no-mask', ...printenv]);
  });

  it('several values: a person types how many; a confirmed protected environment is consent enough', async () => {
    await ok(['set', 'SECOND'], { stdin: 'second-value-123' });
    const asked: string[] = [];
    await ok(['run', '--no-mask', '--', 'true'], { env: agent, answers: ['2 secrets'], asked });
    expect(asked).toEqual([
      'claude-code (an AI agent) asks to reveal 2 secrets (API_KEY, SECOND) from shop/dev through run --no-mask; type "2 secrets" to continue: ',
    ]);
    await ok(['set', 'API_KEY', '--env', 'prod'], { stdin: 'prod-api-key-123' });
    await ok(['set', 'SECOND', '--env', 'prod'], { stdin: 'prod-second-123' });
    const prod: string[] = [];
    await ok(['run', '--env', 'prod', '--no-mask', '--', 'true'], {
      env: agent,
      answers: ['prod'],
      asked: prod,
    });
    expect(prod).toEqual(['shop/prod is protected; running true; type "prod" to continue: ']);
  });
});
