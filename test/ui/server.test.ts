import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiAssets } from '../../src/ui/assets.js';
import { type ApiRequest, startUiServer, type UiServer } from '../../src/ui/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so that Host and Origin can be anything a hostile page could send. */
function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const assets: UiAssets = new Map([
  ['/', { type: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><title>latch</title>') }],
]);

let server: UiServer | undefined;
const seen: ApiRequest[] = [];

async function start(idleMs = 60_000): Promise<{ server: UiServer; token: string; origin: string }> {
  server = await startUiServer({
    port: 0,
    idleMs,
    assets,
    api: async (request) => {
      seen.push(request);
      return { status: 200, json: { projects: [] } };
    },
  });
  const token = new URL(server.url).hash.replace('#token=', '');
  return { server, token, origin: `http://127.0.0.1:${server.port}` };
}

async function login(port: number, origin: string, token: string): Promise<Reply> {
  return send(port, '/api/session', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  seen.length = 0;
});

describe('latch ui server', () => {
  it('listens on 127.0.0.1 and puts the token in the fragment, never in the path', async () => {
    const { server, token } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(token).toHaveLength(43);
  });

  it('answers the API with 401 without a session', async () => {
    const { server } = await start();
    const reply = await send(server.port, '/api/overview');
    expect(reply.status).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('trades the token once for an HttpOnly, SameSite=Strict session cookie', async () => {
    const { server, token, origin } = await start();
    expect((await login(server.port, origin, 'not-the-token')).status).toBe(401);
    const first = await login(server.port, origin, token);
    expect(first.status).toBe(200);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^latch_ui_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const session = cookie.split(';')[0]!;
    const reply = await send(server.port, '/api/overview', { headers: { cookie: session } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ projects: [] });
    // The token is spent: a second exchange (a copied URL, a browser history) opens nothing.
    expect((await login(server.port, origin, token)).status).toBe(401);
    const forged = await send(server.port, '/api/overview', {
      headers: { cookie: 'latch_ui_session=forged' },
    });
    expect(forged.status).toBe(401);
  });

  it.each([
    ['a rebinding name', (port: number) => `attacker.example:${port}`],
    ['localhost', (port: number) => `localhost:${port}`],
    ['another port', (port: number) => `127.0.0.1:${port + 1}`],
  ])('refuses a Host of %s (DNS rebinding), even with the token', async (_what, host) => {
    const { server, token, origin } = await start();
    expect((await send(server.port, '/', { headers: { host: host(server.port) } })).status).toBe(403);
    const reply = await send(server.port, '/api/session', {
      method: 'POST',
      headers: { host: host(server.port), origin, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(reply.status).toBe(403);
    // The refused request did not spend the token.
    expect((await login(server.port, origin, token)).status).toBe(200);
  });

  it('refuses a POST from a foreign Origin or without one (CSRF), and one that is not JSON', async () => {
    const { server, token, origin } = await start();
    const session = String((await login(server.port, origin, token)).headers['set-cookie']).split(';')[0]!;
    const post = (headers: Record<string, string>) =>
      send(server.port, '/api/secret', {
        method: 'POST',
        headers: { cookie: session, ...headers },
        body: JSON.stringify({ project: 'p', environment: 'dev', name: 'A', value: 'x' }),
      });
    expect(
      (await post({ origin: 'http://attacker.example', 'content-type': 'application/json' })).status,
    ).toBe(403);
    expect((await post({ 'content-type': 'application/json' })).status).toBe(403);
    expect((await post({ origin: 'null', 'content-type': 'application/json' })).status).toBe(403);
    expect((await post({ origin, 'content-type': 'text/plain' })).status).toBe(415);
    const anonymous = await send(server.port, '/api/secret', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect(seen).toHaveLength(0);
    expect((await post({ origin, 'content-type': 'application/json' })).status).toBe(200);
    expect(seen.map((request) => request.path)).toEqual(['/api/secret']);
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
});
