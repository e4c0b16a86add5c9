/**
 * `latch ui [--port N] [--no-open] [--idle DURATION]`: the vault's projects and secrets in a
 * browser page served on 127.0.0.1 and ::1 (src/ui/). Unlocks the vault once, prints the
 * address with its one-time token, and serves until nobody has asked for a while, the process
 * is told to stop (Ctrl-C, SIGTERM, SIGHUP) or `latch lock` stops it (src/ui/registry.ts).
 */
import { spawn } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  latchHome,
  openProjectVault,
  openVault,
  type ProjectContext,
  resolveProject,
} from '../../../app/context.js';
import { parseDuration } from '../../../shared/duration.js';
import { LatchError, usageError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { uiApi } from '../../../ui/api.js';
import { readUiAssets } from '../../../ui/assets.js';
import { registerUiServer, writeLaunchPage } from '../../../ui/registry.js';
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
  let unregister: () => void;
  const registration = { pid: process.pid, port: server.port, stopKey: server.stopKey };
  try {
    unregister = registerUiServer(latchHome(io), registration);
  } catch (error) {
    // Unregistered, `latch lock` could not stop it: do not serve at all.
    await server.close();
    throw error;
  }
  // Stopping this way is the usual end, not a failure: the server finishes what it received.
  const stop = () => void server.close();
  let launchPage: string | null = null;
  for (const signal of stopSignals) process.on(signal, stop);
  try {
    say(io, `latch ui: ${server.url}`);
    say(io, 'the address opens the page once; stop with Ctrl-C or `latch lock`');
    if (!flagOption(args, 'no-open'))
      launchPage = openBrowser(io, writeLaunchPage(latchHome(io), registration, server.url));
    await server.closed;
  } finally {
    for (const signal of stopSignals) process.off(signal, stop);
    unregister();
    if (launchPage) removeQuietly(launchPage);
  }
  say(io, 'latch ui: stopped');
  return 0;
}

const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Opens the launch page (src/ui/registry.ts `writeLaunchPage`) in the desktop's browser, so
 * the token is not on the opener's argv; without a desktop, the printed address is enough.
 * Returns the page's path, to remove when the server stops.
 */
function openBrowser(io: Io, launchPage: string): string {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [pathToFileURL(launchPage).href], {
      stdio: 'ignore',
      detached: true,
      env: io.env as NodeJS.ProcessEnv,
    });
    child.on('error', () => {});
    child.unref();
  } catch {}
  return launchPage;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}
