/**
 * Starts the built `latch mcp` with the MCP SDK's own Client and StdioClientTransport, as an
 * agent's client would, in a sandbox. The stdio transport passes on only a few variables by
 * default, so LATCH_HOME and the unlock variables are given explicitly (the sandbox's env).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { binary, type Sandbox } from './harness.js';

export interface McpSession {
  client: Client;
  transport: StdioClientTransport;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Connects a client named `name` to `latch mcp ARGS` in the sandbox's project. */
export async function connectMcp(
  sandbox: Sandbox,
  options: { args?: string[]; env?: Record<string, string | undefined>; name?: string; cwd?: string } = {},
): Promise<McpSession> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...sandbox.env, ...options.env }))
    if (value !== undefined) env[key] = value;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binary, 'mcp', ...(options.args ?? [])],
    cwd: options.cwd ?? sandbox.cwd,
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: options.name ?? 'test-agent', version: '1.2.3' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

/** The text of a tool result's first content block. */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((block) => block.text ?? '').join('');
}
