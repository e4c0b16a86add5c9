/**
 * A private Secret Service for the session rows: a D-Bus session bus with gnome-keyring on
 * it (Debian packages dbus, gnome-keyring), as the keychain tests use. Returns null and the
 * reason when the tools are missing, so the rest of the bench still runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startSecretService() {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return { service: null, reason: `${tool} is missing (apt-get install dbus gnome-keyring)` };
    }
  }
  const root = mkdtempSync(join(tmpdir(), 'latch-bench-keyring-'));
  const base = { ...process.env, XDG_DATA_HOME: join(root, 'data'), XDG_RUNTIME_DIR: root, HOME: root };
  const script =
    'printf benchpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ' +
    'echo "ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 7200';
  const session = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: base,
    stdio: ['ignore', 'pipe', 'ignore'],
    // Its own process group: dbus-daemon and gnome-keyring-daemon stay in it, so stopping
    // the group stops them too (dbus-run-session alone leaves them running).
    detached: true,
  });
  const address = await new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(null), 15_000);
    session.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = /ADDRESS=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const stop = () => {
    try {
      process.kill(-session.pid, 'SIGTERM');
    } catch {}
    session.stdout.destroy();
    session.unref();
    rmSync(root, { recursive: true, force: true });
  };
  if (!address) {
    stop();
    return { service: null, reason: 'dbus-run-session gave no bus address within 15 s' };
  }
  return {
    service: { env: { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: root }, stop },
    reason: null,
  };
}
