/**
 * A private Secret Service for tests: a D-Bus session bus with gnome-keyring-daemon on it,
 * started by dbus-run-session and torn down afterwards. Needs the Debian packages dbus,
 * gnome-keyring and libsecret-tools (.ci/run installs them).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SecretService {
  /** Variables a latch process needs to reach it. */
  env: Record<string, string>;
  /** Runs secret-tool against it. */
  secretTool(args: string[]): { code: number; stdout: string };
  stop(): void;
}

export async function startSecretService(): Promise<SecretService> {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(
        `${tool} is missing: install the Debian packages dbus, gnome-keyring and libsecret-tools`,
      );
    }
  }
  const root = mkdtempSync(join(tmpdir(), 'latch-keyring-'));
  const base = { ...process.env, XDG_DATA_HOME: join(root, 'data'), XDG_RUNTIME_DIR: root, HOME: root };
  // The daemon unlocks (and creates) the login keyring with the password on its stdin.
  const script =
    'printf testpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ' +
    'echo "ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 3600';
  const session: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: base,
    stdio: ['ignore', 'pipe', 'ignore'],
    // Its own process group: dbus-daemon and gnome-keyring-daemon stay in it, so stopping
    // the group stops them too (dbus-run-session alone leaves them running).
    detached: true,
  });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no D-Bus address from dbus-run-session: ${output}`)),
      15_000,
    );
    session.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ADDRESS=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: root };
  return {
    env,
    secretTool: (args) => {
      const result = spawnSync('secret-tool', args, { env: { ...base, ...env }, encoding: 'utf8' });
      return { code: result.status ?? 1, stdout: result.stdout };
    },
    stop: () => {
      try {
        process.kill(-session.pid!, 'SIGTERM');
      } catch {}
      session.stdout!.destroy();
      session.unref();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
