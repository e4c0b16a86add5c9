/**
 * `latch mcp`: serves the Model Context Protocol on stdin and stdout for an AI coding agent
 * (src/mcp/server.ts), in this directory's project. Runs until the client closes its end.
 */
import type { Readable, Writable } from 'node:stream';
import { serveMcp } from '../../../mcp/server.js';
import { usageError } from '../../../shared/errors.js';
import type { Io } from '../../../shared/io.js';
import type { ParsedArgs } from '../../args.js';
import { version } from '../../version.js';
import { install, installUsage } from './install.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action, client, ...extra] = args.positionals;
  if (action === 'install' && extra.length === 0) return install(args, io, client);
  if (args.positionals.length > 0)
    throw usageError(`usage: latch mcp [--project NAME] [--env E] | ${installUsage}`);
  await serveMcp(io, {
    choice: args,
    // The real io's stdin and stdout are the process's streams; the protocol runs over them.
    input: io.stdin as unknown as Readable,
    output: io.stdout as unknown as Writable,
    version,
  });
  return 0;
}
