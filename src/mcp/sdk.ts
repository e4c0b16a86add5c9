/**
 * The Model Context Protocol SDK, loaded on demand: only `latch mcp` pays for it. It is
 * required from node_modules at run time (scripts/bundle-cli.mjs keeps it out of the bundle),
 * so the start-up of every other command, `latch run` first, does not grow with it.
 */
import { createRequire } from 'node:module';

type ServerModule = typeof import('@modelcontextprotocol/sdk/server/index.js');
type StdioModule = typeof import('@modelcontextprotocol/sdk/server/stdio.js');
type TypesModule = typeof import('@modelcontextprotocol/sdk/types.js');

/** The parts of the SDK the server uses. */
export interface McpSdk {
  Server: ServerModule['Server'];
  StdioServerTransport: StdioModule['StdioServerTransport'];
  ListToolsRequestSchema: TypesModule['ListToolsRequestSchema'];
  CallToolRequestSchema: TypesModule['CallToolRequestSchema'];
}

/** Loads the SDK's CommonJS build. */
export function loadMcpSdk(): McpSdk {
  const require = createRequire(import.meta.url);
  const { Server } = require('@modelcontextprotocol/sdk/server/index.js') as ServerModule;
  const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js') as StdioModule;
  const { ListToolsRequestSchema, CallToolRequestSchema } =
    require('@modelcontextprotocol/sdk/types.js') as TypesModule;
  return { Server, StdioServerTransport, ListToolsRequestSchema, CallToolRequestSchema };
}
