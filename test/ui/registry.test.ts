import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseUiRegistration,
  registerUiServer,
  stopUiServers,
  uiRegistryDirectory,
} from '../../src/ui/registry.js';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { tempDirs } from '../cli/fake-io.js';
import { isListening } from './http.js';

let dirs: ReturnType<typeof tempDirs>;
const servers: UiServer[] = [];
beforeEach(() => {
  dirs = tempDirs();
  mkdirSync(dirs.home, { mode: 0o700 });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  dirs.cleanup();
});

async function startServer(): Promise<UiServer> {
  const server = await startUiServer({
    port: 0,
    idleMs: 60_000,
    assets: new Map(),
    api: async () => ({ status: 200, json: {} }),
  });
  servers.push(server);
  return server;
}

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

const registrations = () => readdirSync(uiRegistryDirectory(dirs.home)).sort();

describe('the registry of latch ui servers', () => {
  it('writes a registration 0600 in a 0700 directory, and removes it when asked', () => {
    const remove = registerUiServer(dirs.home, { pid: process.pid, port: 4321, stopKey: 'k'.repeat(43) });
    const directory = uiRegistryDirectory(dirs.home);
    const file = join(directory, `${process.pid}-4321.json`);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseUiRegistration(readFileSync(file, 'utf8'))).toEqual({
      pid: process.pid,
      port: 4321,
      stopKey: 'k'.repeat(43),
    });
    remove();
    remove();
    expect(registrations()).toEqual([]);
  });

  it('refuses a ui/ directory that others can write', () => {
    mkdirSync(uiRegistryDirectory(dirs.home));
    chmodSync(uiRegistryDirectory(dirs.home), 0o777);
    expect(() => registerUiServer(dirs.home, { pid: process.pid, port: 1, stopKey: 'k' })).toThrow(
      expect.objectContaining({ code: 'E_UNSAFE_PERMISSIONS' }),
    );
  });

  it.each([
    ['not JSON', 'nope'],
    ['no key', '{"pid":1,"port":2}'],
    ['an empty key', '{"pid":1,"port":2,"stopKey":""}'],
    ['a port out of range', '{"pid":1,"port":70000,"stopKey":"k"}'],
    ['a pid that is not a whole number', '{"pid":1.5,"port":2,"stopKey":"k"}'],
    ['null', 'null'],
  ])('reads no registration from %s', (_what, text) => {
    expect(parseUiRegistration(text)).toBeNull();
  });

  it('stops every registered server and removes the registrations', async () => {
    const first = await startServer();
    const second = await startServer();
    for (const server of [first, second])
      registerUiServer(dirs.home, { pid: process.pid, port: server.port, stopKey: server.stopKey });
    const outcomes = await stopUiServers(dirs.home);
    expect(outcomes.sort((a, b) => a.port - b.port)).toEqual(
      [first.port, second.port]
        .sort((a, b) => a - b)
        .map((port) => ({ pid: process.pid, port, stopped: true })),
    );
    await Promise.all([first.closed, second.closed]);
    expect(await isListening(first.port)).toBe(false);
    expect(registrations()).toEqual([]);
  });

  it('removes the registrations of servers that are gone, and sends no key to their port', async () => {
    // The port of a server killed with -9, taken since by something else that counts requests.
    let asked = 0;
    const stranger = createNetServer((socket) => {
      asked++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const port = (stranger.address() as { port: number }).port;
    const live = await startServer();
    try {
      registerUiServer(dirs.home, { pid: deadPid(), port, stopKey: 'dead' });
      // A live pid with a key the server on that port does not know (a pid reused, a port reused).
      registerUiServer(dirs.home, { pid: process.pid, port: live.port, stopKey: 'not-its-key' });
      writeFileSync(join(uiRegistryDirectory(dirs.home), '1-2.json'), 'garbage');
      writeFileSync(join(uiRegistryDirectory(dirs.home), 'notes.txt'), 'not ours');
      const outcomes = await stopUiServers(dirs.home, 500);
      expect(outcomes.map((outcome) => outcome.stopped)).toEqual([false, false]);
      expect(asked).toBe(0);
      expect(registrations()).toEqual(['notes.txt']);
      // The server whose key was wrong goes on serving.
      expect(await isListening(live.port)).toBe(true);
    } finally {
      stranger.close();
    }
  });

  it('gives up on a server that does not answer within the time given', async () => {
    const silent = createNetServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      registerUiServer(dirs.home, { pid: process.pid, port, stopKey: 'k' });
      const started = Date.now();
      expect(await stopUiServers(dirs.home, 300)).toEqual([{ pid: process.pid, port, stopped: false }]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(registrations()).toEqual([]);
    } finally {
      silent.close();
    }
  });

  it('finds nothing to stop in a home without registrations', async () => {
    expect(await stopUiServers(dirs.home)).toEqual([]);
  });
});
