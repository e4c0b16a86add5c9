/**
 * `latch ui [--port N] [--no-open] [--idle DURATION]`: the vault's projects and secrets in a
 * browser page served on 127.0.0.1 (src/ui/). Unlocks the vault once, prints the address with
 * its one-time token, and serves until the process ends or nobody has asked for a while.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openProjectVault, openVault, type ProjectContext, resolveProject } from '../../../app/context.js';
import { parseDuration } from '../../../shared/duration.js';
import { LatchError, usageError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { uiApi } from '../../../ui/api.js';
import { readUiAssets } from '../../../ui/assets.js';
import { startUiServer } from '../../../ui/server.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

/** Stop after half an hour without a request: a forgotten tab does not keep the vault open. */
const defaultIdle = '30m';

/** dist/ui/ seen from the CommonJS bundle, from an ES module chunk, and from src/ in tests. */
const assetDirectories = ['../ui/', '../../ui/', '../../../../dist/ui/'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0)
    throw usageError('usage: latch ui [--port N] [--no-open] [--idle DURATION]');
  const portText = stringOption(args, 'port') ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw usageError(`--port must be a port number, not "${portText}"`);
  const idleMs = parseDuration(stringOption(args, 'idle') ?? defaultIdle);
  const assets = readUiAssets(assetDirectories);
  const uiIo: Io = { ...io, client: 'ui' };
  let here: ProjectContext | null = null;
  try {
    here = await resolveProject(args, uiIo);
  } catch (error) {
    // Outside a repository the page shows every project of the vault all the same.
    if (!(error instanceof LatchError && error.code === 'E_NO_MANIFEST')) throw error;
  }
  const vault = here ? await openProjectVault(uiIo, here) : await openVault(uiIo);
  const server = await startUiServer({ port, idleMs, assets, api: uiApi({ io: uiIo, vault, here }) });
  say(io, `latch ui: ${server.url}`);
  say(io, 'the address opens the page once; stop with Ctrl-C');
  if (!flagOption(args, 'no-open')) openBrowser(server.url);
  await server.closed;
  say(io, 'latch ui: stopped');
  return 0;
}

/** Opens the address in the desktop's browser; without one, the printed address is enough. */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {}
}
