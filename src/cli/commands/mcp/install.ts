/**
 * `latch mcp install CLIENT [--project | --user] [--print]`: writes (or prints) the client's
 * configuration that starts `latch mcp`, and the rules it supports that keep the agent from
 * reading `.env*` files.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { findManifestFile } from '../../../manifest/file.js';
import { type ClientName, clientConfigFiles, clientNames } from '../../../mcp/client-config.js';
import { usageError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/files.js';
import { type Io, say } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export const installUsage =
  'latch mcp install claude|cursor|codex|gemini [--project-scope | --user] [--print]';

export function install(args: ParsedArgs, io: Io, client: string | undefined): number {
  if (client === undefined || !clientNames.includes(client as ClientName))
    throw usageError(`usage: ${installUsage}`);
  if (flagOption(args, 'user') && flagOption(args, 'project-scope'))
    throw usageError(`usage: ${installUsage}`);
  const scope = flagOption(args, 'user') ? 'user' : 'project';
  const base =
    scope === 'user'
      ? (io.env.HOME ?? homedir())
      : dirname(findManifestFile(io.cwd)?.path ?? join(io.cwd, 'x'));
  const print = flagOption(args, 'print');
  for (const file of clientConfigFiles(client as ClientName, scope)) {
    const path = join(base, file.path);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    const text = file.edit(current);
    if (print) {
      io.stdout.write(`==> ${path} <==\n${text}`);
      continue;
    }
    if (text === current) {
      say(io, `${path}: already ${file.purpose}`);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o644 });
    say(io, `${path}: ${current === null ? 'created' : 'updated'}; ${file.purpose}`);
  }
  return 0;
}
