import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { routes } from '../../src/ui/api.js';
import type { UiAssets } from '../../src/ui/assets.js';
import { stopPath } from '../../src/ui/guard.js';
import { type ApiAnswer, type ApiRequest, startUiServer, type UiServer } from '../../src/ui/server.js';
import { hasIpv6Loopback, hostOf, isListening, postJson, type Reply, send } from './http.js';

const ipv6 = await hasIpv6Loopback();

const assets: UiAssets = new Map([
  ['/', { type: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><title>latch</title>') }],
]);

let server: UiServer | undefined;
const seen: ApiRequest[] = [];
/** What the fake API answers; a test may make it wait. */
let answer: () => Promise<ApiAnswer> = async () => ({ status: 200, json: { projects: [] } });

async function start(idleMs = 60_000, port = 0): Promise<{ server: UiServer; token: string }> {
  server = await startUiServer({
    port,
    idleMs,
    assets,
    api: async (request) => {
      seen.push(request);
      return answer();
    },
  });
  const token = new URL(server.url).hash.replace('#token=', '');
  return { server, token };
}

function login(port: number, token: string, address = '127.0.0.1'): Promise<Reply> {
  return postJson(port, '/api/session', { token }, { address, origin: `http://${hostOf(address, port)}` });
}

/** The `name=value` of the session cookie a login set. */
const sessionOf = (reply: Reply) => String(reply.headers['set-cookie']).split(';')[0]!;

afterEach(async () => {
  await server?.close();
  server = undefined;
  seen.length = 0;
  answer = async () => ({ status: 200, json: { projects: [] } });
});

describe('latch ui server', () => {
  it('listens on 127.0.0.1 (and ::1) and puts the token in the fragment, never in the path', async () => {
    const { server, token } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(token).toHaveLength(43);
    expect(server.addresses).toEqual(ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
  });

  it('trades the token once for an HttpOnly, SameSite=Strict session cookie', async () => {
    const { server, token } = await start();
    expect((await login(server.port, 'not-the-token')).status).toBe(401);
    const first = await login(server.port, token);
    expect(first.status).toBe(200);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^latch_ui_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const reply = await send(server.port, '/api/overview', { headers: { cookie: sessionOf(first) } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ projects: [] });
    // The token is spent: a second exchange (a copied URL, a browser history) opens nothing.
    expect((await login(server.port, token)).status).toBe(401);
    const forged = await send(server.port, '/api/overview', {
      headers: { cookie: 'latch_ui_session=forged' },
    });
    expect(forged.status).toBe(401);
  });

  it('serves every response with a strict Content-Security-Policy', async () => {
    const { server } = await start();
    for (const path of ['/', '/api/overview', '/missing']) {
      const reply = await send(server.port, path);
      expect(reply.headers['content-security-policy']).toContain("default-src 'self'");
      expect(reply.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
    expect((await send(server.port, '/missing')).status).toBe(404);
  });

  it('stops after the idle time without a request', async () => {
    const { server } = await start(300);
    const started = Date.now();
    await server.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect(send(server.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('counts a request as activity: the idle time starts again', async () => {
    const { server } = await start(400);
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 250));
    await send(server.port, '/');
    await server.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('finishes a request it received whole before it stops, and takes no new one', async () => {
    const { server, token } = await start();
    const session = sessionOf(await login(server.port, token));
    let release: () => void = () => {};
    answer = () =>
      new Promise((resolve) => {
        release = () => resolve({ status: 200, json: { outcome: 'created' } });
      });
    const storing = postJson(
      server.port,
      '/api/secret',
      { project: 'p', environment: 'dev', name: 'A', value: 'x' },
      { origin: `http://127.0.0.1:${server.port}`, headers: { cookie: session } },
    );
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = server.close().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    expect(await isListening(server.port)).toBe(false);
    release();
    const reply = await storing;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ outcome: 'created' });
    await stopping;
    await server.closed;
  });

  it('drops a request whose body is still arriving when it stops: it has done nothing yet', async () => {
    const { server, token } = await start();
    const session = sessionOf(await login(server.port, token));
    const partial = httpRequest({
      host: '127.0.0.1',
      port: server.port,
      path: '/api/secret',
      method: 'POST',
      agent: false,
      headers: {
        host: `127.0.0.1:${server.port}`,
        origin: `http://127.0.0.1:${server.port}`,
        'content-type': 'application/json',
        'content-length': '1000',
        cookie: session,
      },
    });
    const failed = new Promise((resolve) => partial.on('error', resolve));
    partial.write('{"project":"p",');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await failed;
    expect(seen).toEqual([]);
  });

  it('refuses a port that is taken on ::1 when the port was asked for, and frees 127.0.0.1', async () => {
    if (!ipv6) return;
    const squatter = createNetServer();
    await new Promise<void>((resolve) => squatter.listen(0, '::1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      await expect(start(60_000, port)).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining(`cannot listen on ::1 port ${port} (EADDRINUSE)`),
      });
      expect(await isListening(port)).toBe(false);
    } finally {
      squatter.close();
    }
  });
});

describe('the stop key (latch lock)', () => {
  it('stops the server: it stops listening before it answers', async () => {
    const { server } = await start();
    const reply = await postJson(server.port, stopPath, { key: server.stopKey }, { origin: null });
    expect(reply.status).toBe(200);
    expect(await isListening(server.port)).toBe(false);
    if (ipv6) expect(await isListening(server.port, '::1')).toBe(false);
    await server.closed;
  });

  it.each([
    ['without the key', {}, {}],
    ['with a wrong key', { key: 'guessed' }, {}],
    ['with the key from a page (an Origin)', null, { origin: 'http://attacker.example' }],
    ['with the key from its own page', null, { origin: 'own' }],
    ['with the key not as JSON', null, { 'content-type': 'text/plain' }],
    ['with the key to a rebinding name', null, { host: 'attacker.example:PORT' }],
  ])('refuses a stop %s and goes on serving', async (_what, body, headers: Record<string, string>) => {
    const { server } = await start();
    const own = `http://127.0.0.1:${server.port}`;
    const sent = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        value.replace('PORT', String(server.port)).replace(/^own$/, own),
      ]),
    );
    const reply = await postJson(server.port, stopPath, body ?? { key: server.stopKey }, {
      origin: null,
      headers: sent,
    });
    expect([401, 403, 415]).toContain(reply.status);
    expect((await send(server.port, '/')).status).toBe(200);
  });
});

/** The checks of every request, over one of the two loopback addresses. */
function securityChecks(address: string): void {
  const hostFor = (port: number) => hostOf(address, port);

  it('answers 401 on every API route without a session, and never calls the API', async () => {
    const { server } = await start();
    const origin = `http://${hostFor(server.port)}`;
    expect(Object.keys(routes).length).toBeGreaterThan(0);
    for (const route of Object.keys(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      const reply =
        method === 'GET'
          ? await send(server.port, path, { address })
          : await postJson(server.port, path, {}, { address, origin });
      expect(reply.status, route).toBe(401);
      expect(JSON.parse(reply.body).error.code).toBe('E_UNAUTHORIZED');
      const forged = await send(server.port, path, {
        address,
        method,
        headers: { origin, 'content-type': 'application/json', cookie: 'latch_ui_session=forged' },
        body: '{}',
      });
      expect(forged.status, route).toBe(401);
    }
    expect(seen).toHaveLength(0);
  });

  it('trades the token once', async () => {
    const { server, token } = await start();
    expect((await login(server.port, token, address)).status).toBe(200);
    expect((await login(server.port, token, address)).status).toBe(401);
  });

  it.each([
    ['127.0.0.1', (port: number) => `127.0.0.1:${port}`],
    ['::1', (port: number) => `[::1]:${port}`],
    ['localhost', (port: number) => `localhost:${port}`],
  ])('serves the page under the Host %s and its port', async (_what, host) => {
    const { server } = await start();
    expect((await send(server.port, '/', { address, headers: { host: host(server.port) } })).status).toBe(
      200,
    );
  });

  it.each([
    ['a rebinding name', (port: number) => `attacker.example:${port}`],
    ['a name under localhost', (port: number) => `attacker.localhost:${port}`],
    ['127.0.0.1 on another port', (port: number) => `127.0.0.1:${port + 1}`],
    ['::1 on another port', (port: number) => `[::1]:${port + 1}`],
    ['localhost on another port', (port: number) => `localhost:${port + 1}`],
    ['no port', () => '127.0.0.1'],
  ])('refuses a Host of %s (DNS rebinding), even with the token', async (_what, host) => {
    const { server, token } = await start();
    const origin = `http://${hostFor(server.port)}`;
    const headers = { host: host(server.port) };
    const page = await send(server.port, '/', { address, headers });
    expect(page.status).toBe(403);
    expect(JSON.parse(page.body).error.code).toBe('E_HOST');
    const reply = await postJson(server.port, '/api/session', { token }, { address, origin, headers });
    expect(reply.status).toBe(403);
    // The refused request did not spend the token.
    expect((await login(server.port, token, address)).status).toBe(200);
  });

  it('refuses a POST from a foreign Origin or without one (CSRF), and one that is not JSON', async () => {
    const { server, token } = await start();
    const origin = `http://${hostFor(server.port)}`;
    const session = sessionOf(await login(server.port, token, address));
    const post = (headers: Record<string, string>) =>
      send(server.port, '/api/secret', {
        address,
        method: 'POST',
        headers: { cookie: session, ...headers },
        body: JSON.stringify({ project: 'p', environment: 'dev', name: 'A', value: 'x' }),
      });
    const json = { 'content-type': 'application/json' };
    expect((await post({ origin: 'http://attacker.example', ...json })).status).toBe(403);
    expect((await post({ ...json })).status).toBe(403);
    expect((await post({ origin: 'null', ...json })).status).toBe(403);
    expect((await post({ origin: `https://${hostFor(server.port)}`, ...json })).status).toBe(403);
    expect((await post({ origin: `http://${hostFor(server.port + 1)}`, ...json })).status).toBe(403);
    expect((await post({ origin, 'content-type': 'text/plain' })).status).toBe(415);
    const anonymous = await postJson(server.port, '/api/secret', {}, { address, origin });
    expect(anonymous.status).toBe(401);
    expect(seen).toHaveLength(0);
    expect((await post({ origin, ...json })).status).toBe(200);
    expect(seen.map((request) => request.path)).toEqual(['/api/secret']);
  });

  it("refuses a POST whose Origin is another of the server's own hosts: each page posts to itself", async () => {
    const { server, token } = await start();
    const session = sessionOf(await login(server.port, token, address));
    const hosts = [`127.0.0.1:${server.port}`, `[::1]:${server.port}`, `localhost:${server.port}`];
    for (const host of hosts) {
      for (const origin of hosts) {
        const reply = await postJson(
          server.port,
          '/api/secret',
          {},
          { address, origin: `http://${origin}`, headers: { host, cookie: session } },
        );
        expect(reply.status, `Host ${host}, Origin ${origin}`).toBe(origin === host ? 200 : 403);
      }
    }
  });
}

describe('requests over 127.0.0.1', () => securityChecks('127.0.0.1'));
describe.skipIf(!ipv6)(
  ipv6 ? 'requests over ::1' : 'requests over ::1 (skipped: this machine has no IPv6 loopback)',
  () => securityChecks('::1'),
);
