/**
 * `latch mcp`: a Model Context Protocol server on stdio (the SDK's low-level `Server`, so
 * that the tools' JSON schemas are exactly those of tools.ts). Every tool call runs with the
 * client as the agent of its audit records, no terminal, and the server's own stdout kept
 * for the protocol; it ends with an `mcp-tool` audit record. Errors become tool errors (the
 * model reads them), never a prompt and never a value.
 *
 * The server stops when its input ends or it is told to (SIGTERM, SIGINT, SIGHUP): the
 * programs latch_run started are stopped with their process groups first, so a client that
 * goes away mid-run leaves nothing running.
 */
import type { Readable, Writable } from 'node:stream';
import { recordEvent } from '../app/audit.js';
import type { ProjectChoice } from '../app/context.js';
import { LatchError } from '../shared/errors.js';
import { type Io, note } from '../shared/io.js';
import { type CallContext, type CallNames, checkSecrets, listSecrets, runProgram } from './calls.js';
import { auditProject, scanProject } from './report-calls.js';
import { requestSecret } from './request-call.js';
import { loadMcpSdk } from './sdk.js';
import { checkArguments, findTool, type ToolArguments, tools } from './tools.js';

export interface ServeOptions {
  /** The server's --project and --env. */
  choice: ProjectChoice;
  input: Readable;
  output: Writable;
  /** latch's version, told to the client. */
  version: string;
}

type Handler = (call: CallContext, args: ToolArguments, names: CallNames) => Promise<string>;

const handlers: Record<string, Handler> = {
  latch_list: listSecrets,
  latch_check: checkSecrets,
  latch_run: runProgram,
  latch_request_secret: requestSecret,
  latch_scan: scanProject,
  latch_audit: auditProject,
};

/** The client's name and version as one short printable label (it comes from the client). */
export function clientLabel(info: { name?: unknown; version?: unknown } | undefined): string {
  const part = (value: unknown) =>
    typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 64) : '';
  const label = [part(info?.name), part(info?.version)].filter(Boolean).join(' ');
  return label === '' ? 'unnamed mcp client' : label;
}

/** A failed call as the model reads it: one line saying what to do next. */
export function errorText(error: unknown): { code: string; text: string } {
  if (error instanceof LatchError) {
    if (error.code === 'E_LOCKED' || error.code === 'E_BAD_PASSPHRASE')
      return {
        code: error.code,
        text: 'the vault is locked: a person must run `latch unlock` in a terminal, then call this tool again',
      };
    if (error.code === 'E_CONFIRMATION_REQUIRED' && /protected/.test(error.message))
      return {
        code: error.code,
        text: `${error.message}; a person can let agents use it for a while with \`latch grant --env ENV --for 15m\` on a terminal`,
      };
    return { code: error.code, text: error.message };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    code: code ?? 'E_UNEXPECTED',
    text: `unexpected error${code ? ` (${code})` : ''}; see the server's stderr`,
  };
}

/** Serves until the input ends or a stop signal comes; resolves once everything it started has stopped. */
export async function serveMcp(io: Io, options: ServeOptions): Promise<void> {
  const sdk = loadMcpSdk();
  const server = new sdk.Server(
    { name: 'latch', version: options.version },
    {
      capabilities: { tools: {} },
      instructions:
        "latch holds this project's secrets. Use latch_list and latch_check to see which secrets exist by name, and latch_run to run commands with them injected; output comes back with values replaced by <latch:NAME>. No tool returns a value.",
    },
  );
  // Calls in flight: each one's abort, so that a stop reaches every program they started.
  const running = new Set<Promise<unknown>>();
  const stopAll = new AbortController();
  // The stdout of the server is the protocol's: notes go to stderr, and nothing prompts.
  const callIo = (): Io => ({
    ...io,
    stdout: io.stderr,
    terminal: null,
    client: clientLabel(server.getClientVersion()),
  });

  server.setRequestHandler(sdk.ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(sdk.CallToolRequestSchema, async (request, extra) => {
    const name = request.params.name;
    const tool = findTool(name);
    const handler = handlers[name];
    const names: CallNames = {};
    const call: CallContext = {
      io: callIo(),
      choice: options.choice,
      signal: AbortSignal.any([extra.signal, stopAll.signal]),
    };
    const work = (async () => {
      if (!tool || !handler)
        throw new LatchError(
          'E_USAGE',
          `no tool named "${name.slice(0, 64)}"; the tools are ${tools.map((known) => known.name).join(', ')}`,
        );
      return handler(call, checkArguments(tool, request.params.arguments), names);
    })();
    running.add(work);
    try {
      const text = await work;
      await recordCall(call.io, tool?.name ?? 'unknown', names, 'ok');
      return { content: [{ type: 'text' as const, text }] };
    } catch (error) {
      const failure = errorText(error);
      if (!(error instanceof LatchError))
        note(io, `latch mcp: ${name}: ${(error as Error)?.stack ?? String(error)}`);
      await recordCall(call.io, tool?.name ?? 'unknown', names, failure.code);
      return { content: [{ type: 'text' as const, text: failure.text }], isError: true };
    } finally {
      running.delete(work);
    }
  });
  server.onerror = (error) => note(io, `latch mcp: ${error.message}`);

  const transport = new sdk.StdioServerTransport(options.input, options.output);
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  const stop = () => void transport.close().catch(() => {});
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const signal of signals) process.on(signal, stop);
  options.input.once('end', stop);
  options.input.once('close', stop);
  // A client that went away: writing to it fails (EPIPE); stop rather than die mid-run.
  const onOutputError = () => stop();
  options.output.on('error', onOutputError);
  try {
    await server.connect(transport);
    await closed;
  } finally {
    stopAll.abort();
    await Promise.allSettled([...running]);
    for (const signal of signals) process.off(signal, stop);
    options.output.off('error', onOutputError);
  }
}

async function recordCall(io: Io, tool: string, names: CallNames, outcome: string): Promise<void> {
  await recordEvent(io, {
    kind: 'mcp-tool',
    ...(names.project !== undefined ? { project: names.project } : {}),
    ...(names.environment !== undefined ? { environment: names.environment } : {}),
    ...(names.secrets !== undefined ? { secrets: names.secrets } : {}),
    ...(names.program !== undefined ? { program: names.program } : {}),
    outcome,
    detail: { tool },
  });
}
