/**
 * The security of `latch ui` without a browser, against the built command in a real
 * LATCH_HOME: raw HTTP requests (node:http, which can send any Host and leave Origin out) over
 * 127.0.0.1 and ::1, and the ways the server stops: `latch lock` run from another process,
 * SIGINT, SIGTERM, SIGHUP, and the registration a killed server leaves behind.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '../../src/ui/api.js';
import { hasIpv6Loopback, hostOf, isListening, postJson, send } from '../ui/http.js';
import { initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

const ipv6 = await hasIpv6Loopback();

interface RunningUi {
  child: ChildProcess;
  port: number;
  token: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `latch ui --no-open` and resolves once it printed its address. */
function startUi(sandbox: Sandbox): Promise<RunningUi> {
  const child = startLatch(sandbox, ['ui', '--no-open']);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const found = /latch ui: http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/.exec(stdout);
      if (found) resolve({ child, port: Number(found[1]), token: found[2]!, stdout: () => stdout, exited });
    });
    void exited.then(({ code }) => reject(new Error(`latch ui exited with ${code}: ${stderr}`)));
  });
}

function stopIfRunning(ui: RunningUi | undefined): void {
  if (ui?.child.pid && ui.child.exitCode === null && ui.child.signalCode === null)
    process.kill(-ui.child.pid, 'SIGKILL');
}

const registrations = (sandbox: Sandbox) => readdirSync(join(sandbox.home, 'ui'));

/** The checks of every request, over one loopback address, against one running server. */
function securityChecks(address: string): void {
  let sandbox: Sandbox;
  let ui: RunningUi;
  let session = '';
  const own = () => `http://${hostOf(address, ui.port)}`;

  beforeAll(async () => {
    sandbox = makeSandbox();
    initProject(sandbox);
    ui = await startUi(sandbox);
  });
  afterAll(() => {
    stopIfRunning(ui);
    sandbox.cleanup();
  });

  it('answers 401 on every API route without the token, with or without a forged cookie', async () => {
    expect(Object.keys(routes).length).toBeGreaterThan(0);
    for (const route of Object.keys(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      for (const cookie of [undefined, 'latch_ui_session=forged']) {
        const headers = cookie ? { cookie } : {};
        const reply =
          method === 'GET'
            ? await send(ui.port, path, { address, headers })
            : await postJson(ui.port, path, {}, { address, origin: own(), headers });
        expect(reply.status, `${route} ${cookie ?? ''}`).toBe(401);
      }
    }
  });

  it.each([
    ['a rebinding name', (port: number) => `evil.example:${port}`],
    ['127.0.0.1 on another port', (port: number) => `127.0.0.1:${port + 1}`],
    ['::1 on another port', (port: number) => `[::1]:${port + 1}`],
  ])('answers 403 to a Host of %s, even with the token, and the token stays unspent', async (_what, host) => {
    const headers = { host: host(ui.port) };
    expect((await send(ui.port, '/', { address, headers })).status).toBe(403);
    const login = await postJson(
      ui.port,
      '/api/session',
      { token: ui.token },
      { address, origin: own(), headers },
    );
    expect(login.status).toBe(403);
  });

  it('trades the token for a session once only', async () => {
    const login = () => postJson(ui.port, '/api/session', { token: ui.token }, { address, origin: own() });
    const first = await login();
    expect(first.status).toBe(200);
    session = String(first.headers['set-cookie']).split(';')[0]!;
    expect(session).toMatch(/^latch_ui_session=/);
    expect((await login()).status).toBe(401);
    expect((await send(ui.port, '/api/overview', { address, headers: { cookie: session } })).status).toBe(
      200,
    );
  });

  it('answers 403 to a POST with a foreign Origin or without one, even with the session', async () => {
    const post = (origin: string | null) =>
      postJson(
        ui.port,
        '/api/secret',
        { project: 'myapp', environment: 'dev', name: 'CSRF_PROBE', value: 'csrf-value-8q1' },
        { address, origin, headers: { cookie: session } },
      );
    for (const origin of ['http://evil.example', `http://evil.example:${ui.port}`, 'null', null]) {
      const reply = await post(origin);
      expect(reply.status, String(origin)).toBe(403);
      expect(JSON.parse(reply.body).error.code).toBe('E_ORIGIN');
    }
    const listed = latch(sandbox, ['ls', '--env', 'dev']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain('CSRF_PROBE');
  });
}

describe('latch ui over 127.0.0.1', () => securityChecks('127.0.0.1'));
describe.skipIf(!ipv6)(
  ipv6 ? 'latch ui over ::1' : 'latch ui over ::1 (skipped: this machine has no IPv6 loopback)',
  () => securityChecks('::1'),
);

describe('stopping latch ui', () => {
  let sandbox: Sandbox;
  let ui: RunningUi | undefined;
  beforeEach(() => {
    sandbox = makeSandbox();
    initProject(sandbox);
  });
  afterEach(() => {
    stopIfRunning(ui);
    ui = undefined;
    sandbox.cleanup();
  });

  async function expectGone(running: RunningUi): Promise<void> {
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.stdout()).toContain('latch ui: stopped\n');
    expect(await isListening(running.port)).toBe(false);
    if (ipv6) expect(await isListening(running.port, '::1')).toBe(false);
    expect(registrations(sandbox)).toEqual([]);
  }

  it('registers itself privately, and `latch lock` from another process stops it', async () => {
    ui = await startUi(sandbox);
    const name = `${ui.child.pid}-${ui.port}.json`;
    expect(registrations(sandbox)).toEqual([name]);
    expect(statSync(join(sandbox.home, 'ui')).mode & 0o777).toBe(0o700);
    const file = join(sandbox.home, 'ui', name);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const registration = JSON.parse(readFileSync(file, 'utf8'));
    expect(registration).toMatchObject({ pid: ui.child.pid, port: ui.port });
    expect(registration.stopKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ui.stdout()).not.toContain(registration.stopKey);

    const lock = latch(sandbox, ['lock']);
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stdout).toContain(`stopped latch ui on port ${ui.port} (pid ${ui.child.pid})\n`);
    await expectGone(ui);
  });

  it.each([
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
  ] as const)('stops cleanly on %s: exit 0, registration removed', async (signal) => {
    ui = await startUi(sandbox);
    process.kill(ui.child.pid!, signal);
    await expectGone(ui);
  });

  it('leaves a registration when killed with SIGKILL, which `latch lock` removes', async () => {
    ui = await startUi(sandbox);
    process.kill(ui.child.pid!, 'SIGKILL');
    expect((await ui.exited).signal).toBe('SIGKILL');
    expect(registrations(sandbox)).toHaveLength(1);
    const lock = latch(sandbox, ['lock']);
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stdout).not.toContain('stopped latch ui');
    expect(registrations(sandbox)).toEqual([]);
  });
});
