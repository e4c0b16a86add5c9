/**
 * `latch mcp` through the MCP SDK's real Client and stdio transport, against the built binary
 * and a real vault: the tools and their schemas, list and check by name only, bad input.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binary, initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import { connectMcp, type McpSession, resultText } from './mcp-harness.js';

let sandbox: Sandbox;
let session: McpSession | null = null;
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

const apiKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // latch:allow (a made-up key)

function declare(names: { name: string; required: boolean }[]): void {
  const manifest = join(sandbox.cwd, 'latch.yaml');
  const text = readFileSync(manifest, 'utf8').replace(/^secrets:[\s\S]*$/m, '');
  const secrets = names.map((entry) => `  - name: ${entry.name}\n    required: ${entry.required}\n`).join('');
  writeFileSync(manifest, `${text}secrets:\n${secrets}`);
}

describe('latch mcp', () => {
  it('lists its tools, each with an object schema that refuses unknown arguments', async () => {
    session = await connectMcp(sandbox);
    const { tools } = await session.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['latch_list', 'latch_check', 'latch_run']));
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect((tool.inputSchema as { additionalProperties?: unknown }).additionalProperties).toBe(false);
    }
    const run = tools.find((tool) => tool.name === 'latch_run')!;
    expect(run.inputSchema.required).toEqual(['argv']);
  });

  it('latch_list names the secrets and their state, never a value, a length or a hash', async () => {
    declare([
      { name: 'API_KEY', required: true },
      { name: 'DB_URL', required: true },
    ]);
    session = await connectMcp(sandbox);
    const result = await session.client.callTool({ name: 'latch_list', arguments: {} });
    expect(result.isError).toBeFalsy();
    const listed = JSON.parse(resultText(result));
    expect(listed.environment).toBe('dev');
    expect(listed.secrets.map((secret: { name: string; set: boolean }) => [secret.name, secret.set])).toEqual(
      [
        ['API_KEY', true],
        ['DB_URL', false],
      ],
    );
    const text = resultText(result);
    expect(text).not.toContain(apiKey);
    expect(text).not.toMatch(/length|hash|sha/i);
  });

  it('latch_check names the missing required secrets', async () => {
    declare([
      { name: 'API_KEY', required: true },
      { name: 'DB_URL', required: true },
    ]);
    session = await connectMcp(sandbox);
    const result = await session.client.callTool({ name: 'latch_check', arguments: { environment: 'dev' } });
    expect(JSON.parse(resultText(result))).toMatchObject({ ok: false, missing: ['DB_URL'] });
  });

  it('refuses unknown arguments and unknown tools with a tool error, and keeps serving', async () => {
    session = await connectMcp(sandbox);
    const unknown = await session.client.callTool({ name: 'latch_list', arguments: { reveal: true } });
    expect(unknown.isError).toBe(true);
    expect(resultText(unknown)).toContain('has no argument "reveal"');
    const noTool = await session.client.callTool({ name: 'latch_get', arguments: {} });
    expect(noTool.isError).toBe(true);
    const wrongType = await session.client.callTool({ name: 'latch_run', arguments: { argv: 'env' } });
    expect(resultText(wrongType)).toContain('argv must be an array of strings');
    const ok = await session.client.callTool({ name: 'latch_check', arguments: {} });
    expect(ok.isError).toBeFalsy();
  });

  it('a locked vault is a tool error telling a person to unlock; nothing is prompted', async () => {
    session = await connectMcp(sandbox, { env: { LATCH_PASSPHRASE: undefined } });
    const result = await session.client.callTool({ name: 'latch_list', arguments: {} });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('a person must run `latch unlock`');
  });

  it('a missing project is a tool error naming what to do', async () => {
    session = await connectMcp(sandbox, { cwd: sandbox.root });
    const result = await session.client.callTool({ name: 'latch_list', arguments: {} });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('latch init');
  });

  it('records every tool call in the audit log with the client as the agent', async () => {
    session = await connectMcp(sandbox, { name: 'claude-code' });
    await session.client.callTool({ name: 'latch_list', arguments: {} });
    await session.client.callTool({ name: 'latch_list', arguments: { nope: 1 } });
    const audit = latch(sandbox, ['audit', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const records = JSON.parse(audit.stdout).filter(
      (record: { event: string }) => record.event === 'mcp-tool',
    );
    expect(records).toEqual([
      expect.objectContaining({
        agent: 'claude-code 1.2.3',
        agentSource: 'mcp',
        tool: 'latch_list',
        outcome: 'ok',
        secrets: ['API_KEY'],
      }),
      expect.objectContaining({ agent: 'claude-code 1.2.3', tool: 'latch_list', outcome: 'E_USAGE' }),
    ]);
  });

  it('answers malformed JSON-RPC with an error and keeps serving', async () => {
    const server = spawn(process.execPath, [binary, 'mcp'], { cwd: sandbox.cwd, env: sandbox.env });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    };
    server.stdin.write('{this is not json\n');
    server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call' })}\n`);
    server.stdin.write(`${JSON.stringify(initialize)}\n`);
    const end = Date.now() + 10_000;
    while (!output.includes('"id":1') && Date.now() < end)
      await new Promise((resolve) => setTimeout(resolve, 50));
    server.stdin.end();
    await new Promise((resolve) => server.once('exit', resolve));
    const replies = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(replies.find((reply) => reply.id === 7)?.error).toBeDefined();
    expect(replies.find((reply) => reply.id === 1)?.result.serverInfo.name).toBe('latch');
    expect(server.exitCode).toBe(0);
  });
});
