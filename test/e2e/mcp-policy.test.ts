/**
 * The person's policy and grants through the real `latch mcp`: a protected environment is
 * refused, allowed inside a grant and refused once it expires (the grant's clock injected);
 * environments beyond the default need the policy; a policy file that others may write, or
 * a symlink, stops every run.
 */
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { clock, fakeIo, scriptedTerminal } from '../cli/fake-io.js';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import { connectMcp, type McpSession, resultText } from './mcp-harness.js';

let sandbox: Sandbox;
let session: McpSession | null = null;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  for (const environment of ['dev', 'staging', 'prod'])
    expect(
      latch(sandbox, ['set', 'API_KEY', '--env', environment], { input: `value-for-${environment}-1234` })
        .code,
    ).toBe(0);
});
afterEach(async () => {
  await session?.close();
  session = null;
  sandbox.cleanup();
});

const printKey = [process.execPath, '-e', 'console.log(process.env.API_KEY)'];

async function run(environment: string) {
  const result = await session!.client.callTool({
    name: 'latch_run',
    arguments: { argv: printKey, environment },
  });
  return { isError: result.isError === true, text: resultText(result) };
}

/** `latch grant` as a person on a terminal, in-process, at the clock's time. */
async function grant(environment: string, length: string, at: number, agent?: string) {
  clock.now = at;
  const io = fakeIo({
    env: sandbox.env,
    cwd: sandbox.cwd,
    terminal: scriptedTerminal([environment]),
  });
  const code = await runMain(
    ['grant', '--env', environment, '--for', length, ...(agent ? ['--agent', agent] : [])],
    io,
  );
  expect(code, io.err()).toBe(0);
}

describe('latch mcp: policy and grants', () => {
  it('runs in the default environment, masked', async () => {
    session = await connectMcp(sandbox);
    const result = await run('dev');
    expect(result.isError, result.text).toBe(false);
    expect(JSON.parse(result.text).stdout).toBe('<latch:API_KEY>\n');
  });

  it('a protected environment: refused, allowed inside a grant, refused after it expires', async () => {
    session = await connectMcp(sandbox, { name: 'claude-code' });
    const refused = await run('prod');
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('latch grant --env');
    // A grant made 15 minutes less 3 seconds ago: 3 seconds left on the server's clock.
    const started = Date.now();
    await grant('prod', '15m', started - 15 * 60 * 1000 + 3000);
    const allowed = await run('prod');
    expect(allowed.isError, allowed.text).toBe(false);
    expect(JSON.parse(allowed.text).stdout).toBe('<latch:API_KEY>\n');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 3100 - Date.now())));
    const expired = await run('prod');
    expect(expired.isError).toBe(true);
    expect(expired.text).toContain('latch grant --env prod');
  }, 30_000);

  it('a grant written by hand, not sealed with the vault, is ignored', async () => {
    const now = Date.now();
    writeFileSync(
      join(sandbox.home, 'grants.json'),
      JSON.stringify([
        {
          project: 'myapp',
          environment: 'prod',
          agent: null,
          granted: new Date(now).toISOString(),
          until: new Date(now + 3_600_000).toISOString(),
          mac: '00'.repeat(32),
        },
      ]),
      { mode: 0o600 },
    );
    session = await connectMcp(sandbox);
    const result = await run('prod');
    expect(result.isError).toBe(true);
    expect(result.text).toContain('latch grant --env prod');
  });

  it('a grant for another agent does not cover this client', async () => {
    await grant('prod', '15m', Date.now(), 'cursor');
    session = await connectMcp(sandbox, { name: 'claude-code' });
    expect((await run('prod')).isError).toBe(true);
  });

  it('another environment needs the policy; the policy cannot lift protection', async () => {
    session = await connectMcp(sandbox);
    const refused = await run('staging');
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('policy does not let agents run with myapp/staging');
    writeFileSync(
      join(sandbox.home, 'agent-policy.json'),
      JSON.stringify({ projects: { myapp: { environments: ['dev', 'staging', 'prod'] } } }),
      { mode: 0o600 },
    );
    expect((await run('staging')).isError).toBe(false);
    expect((await run('prod')).isError).toBe(true);
  });

  it('a policy with commands allows only those programs', async () => {
    writeFileSync(
      join(sandbox.home, 'agent-policy.json'),
      JSON.stringify({ projects: { '*': { commands: ['npm'] } } }),
      {
        mode: 0o600,
      },
    );
    session = await connectMcp(sandbox);
    const result = await run('dev');
    expect(result.isError).toBe(true);
    expect(result.text).toContain('lets agents run only npm');
  });

  it('env allowed by the policy still has every value masked', async () => {
    writeFileSync(
      join(sandbox.home, 'agent-policy.json'),
      JSON.stringify({ projects: { '*': { environment_printers: true, shells: ['sh'] } } }),
      { mode: 0o600 },
    );
    session = await connectMcp(sandbox);
    for (const argv of [['env'], ['sh', '-c', 'printf %s "$API_KEY" | base64']]) {
      const result = await session.client.callTool({ name: 'latch_run', arguments: { argv } });
      const text = resultText(result);
      expect(result.isError, text).toBeFalsy();
      expect(text).not.toContain('value-for-dev-1234');
      expect(text).not.toContain(Buffer.from('value-for-dev-1234').toString('base64'));
      expect(text).toContain('<latch:API_KEY>');
    }
    const env = await session.client.callTool({ name: 'latch_run', arguments: { argv: ['env'] } });
    expect(JSON.parse(resultText(env)).stdout).toContain('API_KEY=<latch:API_KEY>');
  });

  it.each(['group-writable', 'symlink'])('a %s policy file stops every run', async (kind) => {
    const file = join(sandbox.home, 'agent-policy.json');
    const text = JSON.stringify({ projects: { '*': { environments: ['dev'] } } });
    if (kind === 'symlink') {
      writeFileSync(join(sandbox.root, 'policy.json'), text, { mode: 0o600 });
      symlinkSync(join(sandbox.root, 'policy.json'), file);
    } else {
      writeFileSync(file, text);
      chmodSync(file, 0o620);
    }
    session = await connectMcp(sandbox);
    const result = await run('dev');
    expect(result.isError).toBe(true);
    expect(result.text).toContain('mode 0600');
  });
});
