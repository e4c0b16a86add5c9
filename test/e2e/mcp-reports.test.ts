/**
 * latch_request_secret, latch_scan and latch_audit through the real `latch mcp`: names,
 * rules, files and lines, never a value or a matched text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import { connectMcp, type McpSession, resultText } from './mcp-harness.js';

let sandbox: Sandbox;
let session: McpSession | null = null;
const apiKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // latch:allow (a made-up key)
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  expect(latch(sandbox, ['set', 'API_KEY'], { input: apiKey }).code).toBe(0);
});
afterEach(async () => {
  await session?.close();
  session = null;
  sandbox.cleanup();
});

async function call(name: string, args: Record<string, unknown>) {
  const result = await session!.client.callTool({ name, arguments: args });
  return { isError: result.isError === true, text: resultText(result) };
}

describe('latch mcp reports', () => {
  it('latch_request_secret records the request for latch status; latch_check clears it once set', async () => {
    session = await connectMcp(sandbox, { name: 'claude-code' });
    const asked = await call('latch_request_secret', {
      name: 'STRIPE_KEY',
      reason: 'the payment tests\nneed it',
    });
    expect(asked.isError, asked.text).toBe(false);
    expect(JSON.parse(asked.text).next).toContain('latch set STRIPE_KEY --env dev');
    const status = latch(sandbox, ['status']);
    expect(status.stdout).toContain(
      'requested STRIPE_KEY in myapp/dev by claude-code 1.2.3 (the payment tests need it): run `latch set STRIPE_KEY --env dev`',
    );
    expect(latch(sandbox, ['set', 'STRIPE_KEY'], { input: 'sk_test_abcdefghijklmnop' }).code).toBe(0);
    await call('latch_check', {});
    expect(latch(sandbox, ['status']).stdout).not.toContain('requested STRIPE_KEY');
  });

  it('latch_request_secret refuses a name that is not an environment variable name', async () => {
    session = await connectMcp(sandbox);
    const result = await call('latch_request_secret', { name: 'A B', reason: 'x' });
    expect(result.isError).toBe(true);
  });

  it('latch_scan names rule, file and line, never the matched text', async () => {
    writeFileSync(join(sandbox.cwd, 'config.js'), `const a = 1;\nconst key = "${apiKey}";\n`);
    session = await connectMcp(sandbox);
    const result = await call('latch_scan', { paths: ['config.js'] });
    expect(result.isError, result.text).toBe(false);
    const report = JSON.parse(result.text);
    expect(report.clean).toBe(false);
    expect(report.findings).toContainEqual(expect.objectContaining({ file: 'config.js', line: 2 }));
    expect(result.text).not.toContain(apiKey);
    expect(result.text).not.toContain(apiKey.slice(0, 12));
    const outside = await call('latch_scan', { paths: ['../'] });
    expect(outside.isError).toBe(true);
  });

  it('latch_audit lists the deliveries of the project by name', async () => {
    session = await connectMcp(sandbox, { name: 'cursor' });
    await call('latch_run', { argv: [process.execPath, '-e', ''] });
    const result = await call('latch_audit', { limit: 10 });
    const report = JSON.parse(result.text);
    expect(report.deliveries.at(-1)).toMatchObject({
      event: 'run',
      environment: 'dev',
      secrets: ['API_KEY'],
      agent: 'cursor 1.2.3',
    });
    expect(result.text).not.toContain(apiKey);
  });
});
