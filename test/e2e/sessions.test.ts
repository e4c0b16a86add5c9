import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, passphrase, type Sandbox } from './harness.js';
import { type SecretService, startSecretService } from './keychain.js';

let service: SecretService;
let sandbox: Sandbox;
/** The sandbox environment with the keychain on and no passphrase anywhere. */
let noPassphrase: Record<string, string | undefined>;

beforeAll(async () => {
  service = await startSecretService();
});
afterAll(() => service?.stop());
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: 'session-secret-value' });
  noPassphrase = { ...service.env, LATCH_KEYCHAIN: 'auto', LATCH_PASSPHRASE: undefined };
});
afterEach(() => {
  latch(sandbox, ['lock'], { env: noPassphrase });
  sandbox.cleanup();
});

const printKey = ['run', '--no-mask', '--', 'sh', '-c', 'printf %s "$API_KEY"'];

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((done) => setTimeout(done, 50));
  }
}

function vaultAccount(home = sandbox.home): string {
  const vault = readFileSync(join(home, 'vault'));
  return `vault-${vault.subarray(9, 25).toString('hex')}@${home}`;
}

describe('unlock sessions in a real Secret Service', () => {
  it('unlock once, then run without a passphrase; lock ends it', () => {
    expect(latch(sandbox, printKey, { env: noPassphrase }).code).toBe(3);
    const unlock = latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(unlock.stdout).toMatch(/unlocked until/);
    const run = latch(sandbox, printKey, { env: noPassphrase });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('session-secret-value');
    expect(JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout)).toMatchObject({
      unlocked: true,
      keychain: { available: true, backend: 'Secret Service (D-Bus)' },
    });
    expect(latch(sandbox, ['lock'], { env: noPassphrase }).code).toBe(0);
    expect(latch(sandbox, printKey, { env: noPassphrase }).code).toBe(3);
    expect(service.secretTool(['lookup', 'service', 'latch', 'username', vaultAccount()]).code).not.toBe(0);
  });

  it('secret-tool sees the item, and it holds a device key, not the passphrase', () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const item = service.secretTool(['lookup', 'service', 'latch', 'username', vaultAccount()]);
    expect(item.code).toBe(0);
    expect(item.stdout).toMatch(/^latch-device-v1:[0-9a-f]{32}:[A-Za-z0-9+/]{43}=$/);
    expect(item.stdout).not.toContain(passphrase);
    expect(item.stdout).not.toContain('session-secret-value');
  });

  it('an expired session is locked, and its keychain item is deleted', async () => {
    expect(
      latch(sandbox, ['unlock', '--for', '2s'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } }).code,
    ).toBe(0);
    expect(latch(sandbox, printKey, { env: noPassphrase }).stdout).toBe('session-secret-value');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const expired = latch(sandbox, printKey, { env: noPassphrase });
    expect(expired.code).toBe(3);
    expect(expired.stdout).toBe('');
    expect(service.secretTool(['lookup', 'service', 'latch', 'username', vaultAccount()]).code).not.toBe(0);
    expect(latch(sandbox, ['status'], { env: noPassphrase }).stdout).toMatch(
      /locked \(the session has expired\)/,
    );
    // The session agent ended with the session.
    expect(existsSync(join(sandbox.home, 'agent.sock'))).toBe(false);
  });

  it('LATCH_KEYCHAIN=off never touches the keychain', () => {
    const unlock = latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'off' } });
    expect(unlock.code).toBe(1);
    expect(unlock.stderr).toMatch(/LATCH_KEYCHAIN=off/);
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const off = latch(sandbox, printKey, { env: { ...noPassphrase, LATCH_KEYCHAIN: 'off' } });
    expect(off.code).toBe(3);
    expect(off.stderr).not.toMatch(/keychain/);
  });

  it('without a D-Bus session: one clear line, then the passphrase fallback', () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const unlock = latch(sandbox, ['unlock'], { env: { LATCH_KEYCHAIN: 'auto' } });
    expect(unlock.code).toBe(1);
    expect(unlock.stderr).toMatch(/no D-Bus session bus/);
    // LATCH_SESSION_AGENT=off: the session agent, which needs no D-Bus, is not asked either.
    const fallback = latch(sandbox, printKey, {
      env: { LATCH_KEYCHAIN: 'auto', LATCH_SESSION_AGENT: 'off' },
    });
    expect(fallback.code, fallback.stderr).toBe(0);
    expect(fallback.stdout).toBe('session-secret-value');
    expect(fallback.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/no OS keychain \(no D-Bus session bus/),
    ]);
  });

  it('unlock starts a session agent that serves run without the keychain; lock stops it', async () => {
    const unlock = latch(sandbox, ['unlock'], {
      env: { ...service.env, LATCH_KEYCHAIN: 'auto', CALLER_TOKEN: 'not-for-the-agent' },
    });
    expect(unlock.stdout).toMatch(/session agent running/);
    const status = JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout);
    expect(status.agent).toEqual({ running: true, pid: expect.any(Number) });
    // It lives for hours: it keeps neither the passphrase nor the caller's other variables.
    const environment = readFileSync(`/proc/${status.agent.pid}/environ`, 'utf8').split('\0');
    expect(environment.filter((entry) => /^(LATCH_PASSPHRASE|CALLER_TOKEN)/.test(entry))).toEqual([]);
    expect(environment).toContain(`LATCH_HOME=${sandbox.home}`);
    const socket = lstatSync(join(sandbox.home, 'agent.sock'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o077).toBe(0);
    // The keychain cannot be reached at all: only the agent can have opened the vault.
    const noKeychain = { ...noPassphrase, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const served = latch(sandbox, printKey, { env: noKeychain });
    expect(served.code, served.stderr).toBe(0);
    expect(served.stdout).toBe('session-secret-value');
    expect(served.stderr).toBe('');
    // Without its pipe, the agent still answers over its socket.
    const pipe = lstatSync(join(sandbox.home, 'agent.pipe'));
    expect(pipe.isFIFO() && (pipe.mode & 0o077) === 0).toBe(true);
    rmSync(join(sandbox.home, 'agent.pipe'));
    expect(latch(sandbox, printKey, { env: noKeychain }).stdout).toBe('session-secret-value');
    // Masked output through FIFOs the agent made ready.
    expect(readdirSync(join(sandbox.home, 'agent-pipes')).some((name) => name.startsWith('ready-'))).toBe(
      true,
    );
    const masked = latch(sandbox, ['run', '--', 'sh', '-c', 'echo "$API_KEY" > /dev/stderr'], {
      env: noKeychain,
    });
    expect(masked.stderr).toBe('<latch:API_KEY>\n');
    expect(latch(sandbox, printKey, { env: { ...noKeychain, LATCH_SESSION_AGENT: 'off' } }).code).toBe(3);
    expect(latch(sandbox, ['lock'], { env: noPassphrase }).code).toBe(0);
    expect(existsSync(join(sandbox.home, 'agent.sock'))).toBe(false);
    expect(existsSync(join(sandbox.home, 'agent-pipes'))).toBe(false);
    await waitFor(() => !processAlive(status.agent.pid));
    expect(latch(sandbox, printKey, { env: noKeychain }).code).toBe(3);
  });

  it('lock without a D-Bus session still ends the session: its slot leaves the vault', () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    // A write in the session: vault.prev is now a vault with the session's slot in it.
    expect(latch(sandbox, ['set', 'IN_SESSION'], { env: noPassphrase, input: 'in-session-1' }).code).toBe(0);
    // An SSH login: no D-Bus, so the keychain item cannot be deleted; the agent opens the vault.
    const noBus = { ...noPassphrase, DBUS_SESSION_BUS_ADDRESS: undefined };
    const lock = latch(sandbox, ['lock'], { env: noBus });
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stdout).toMatch(/slot is gone from the vault, so its keychain item opens nothing/);
    expect(service.secretTool(['lookup', 'service', 'latch', 'username', vaultAccount()]).code).toBe(0);
    // Back where the keychain is reachable: the item is there, but the session is over.
    const run = latch(sandbox, printKey, { env: noPassphrase });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout).unlocked).toBe(
      false,
    );
    // Nor does it open the previous generation: restored over the vault, it has no slot either.
    copyFileSync(join(sandbox.home, 'vault.prev'), join(sandbox.home, 'vault'));
    const restored = latch(sandbox, printKey, { env: noPassphrase });
    expect(restored.code).toBe(3);
    expect(restored.stdout).toBe('');
  });

  it('a killed agent: the next command reads the keychain and starts a new one', async () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const first = JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout).agent.pid;
    process.kill(first, 'SIGKILL');
    await waitFor(() => !processAlive(first));
    const run = latch(sandbox, printKey, { env: noPassphrase });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('session-secret-value');
    await waitFor(() => {
      const agent = JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout).agent;
      return agent.running && agent.pid !== first;
    });
  });

  it('a program using the library starts a new agent from latch, never from itself', async () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const first = JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout).agent.pid;
    process.kill(first, 'SIGKILL');
    await waitFor(() => !processAlive(first));
    const library = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const program = join(sandbox.root, 'app.mjs');
    writeFileSync(
      program,
      `const { loadSecrets } = await import(${JSON.stringify(library)});\n` +
        'process.stdout.write((await loadSecrets({ cwd: process.cwd(), env: process.env })).API_KEY);\n',
    );
    const env = { ...sandbox.env, ...noPassphrase } as Record<string, string>;
    for (const name of Object.keys(env)) if (env[name] === undefined) delete env[name];
    const loaded = spawnSync(process.execPath, [program], { cwd: sandbox.cwd, env, encoding: 'utf8' });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toBe('session-secret-value');
    let agent = 0;
    await waitFor(() => {
      agent = JSON.parse(latch(sandbox, ['status', '--json'], { env: noPassphrase }).stdout).agent.pid ?? 0;
      return agent !== 0 && agent !== first;
    });
    const command = readFileSync(`/proc/${agent}/cmdline`, 'utf8').split('\0');
    expect(command.some((word) => word.endsWith('dist/cli/latch.cjs'))).toBe(true);
    expect(command).toContain('__session-agent');
    expect(command).not.toContain(program);
  });

  it('passwd keeps the session, and the old passphrase stops working', () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const passwd = latch(sandbox, ['passwd'], {
      env: { ...service.env, LATCH_KEYCHAIN: 'auto', LATCH_NEW_PASSPHRASE: 'a brand new one' },
    });
    expect(passwd.code, passwd.stderr).toBe(0);
    expect(latch(sandbox, printKey, { env: noPassphrase }).stdout).toBe('session-secret-value');
    // The new passphrase first: a wrong one starts the lockout's delay before the next try.
    expect(
      latch(sandbox, ['ls'], { env: { LATCH_KEYCHAIN: 'off', LATCH_PASSPHRASE: 'a brand new one' } }).code,
    ).toBe(0);
    expect(latch(sandbox, ['ls'], { env: { LATCH_KEYCHAIN: 'off' } }).code).toBe(3);
  });

  it('a new vault removes the keychain items of a vault that was deleted', () => {
    latch(sandbox, ['unlock'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } });
    const oldAccount = vaultAccount();
    rmSync(join(sandbox.home, 'vault'));
    rmSync(join(sandbox.home, 'vault.prev'), { force: true });
    rmSync(join(sandbox.cwd, 'latch.yaml'));
    expect(latch(sandbox, ['init'], { env: { ...service.env, LATCH_KEYCHAIN: 'auto' } }).code).toBe(0);
    expect(service.secretTool(['lookup', 'service', 'latch', 'username', oldAccount]).code).not.toBe(0);
  });

  it('two LATCH_HOMEs keep a session each; a home whose vault is deleted loses its item', () => {
    const other = makeSandbox();
    try {
      initProject(other);
      latch(other, ['set', 'API_KEY'], { input: 'other-home-value' });
      const keychainOn = { ...service.env, LATCH_KEYCHAIN: 'auto' };
      expect(latch(sandbox, ['unlock'], { env: keychainOn }).code).toBe(0);
      expect(latch(other, ['unlock'], { env: keychainOn }).code).toBe(0);
      expect(latch(sandbox, printKey, { env: noPassphrase }).stdout).toBe('session-secret-value');
      expect(latch(other, printKey, { env: noPassphrase }).stdout).toBe('other-home-value');
      const otherAccount = vaultAccount(other.home);
      expect(service.secretTool(['lookup', 'service', 'latch', 'username', otherAccount]).code).toBe(0);
      rmSync(join(other.home, 'vault'));
      rmSync(join(other.home, 'vault.prev'), { force: true });
      expect(latch(sandbox, ['unlock'], { env: keychainOn }).code).toBe(0);
      expect(service.secretTool(['lookup', 'service', 'latch', 'username', otherAccount]).code).not.toBe(0);
      expect(latch(sandbox, printKey, { env: noPassphrase }).stdout).toBe('session-secret-value');
    } finally {
      other.cleanup();
    }
  });
});
