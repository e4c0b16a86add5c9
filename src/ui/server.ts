/**
 * The HTTP server of `latch ui`, on 127.0.0.1 only. Access: the URL printed on the terminal
 * carries a one-time token in its fragment (never sent in a request line, so never in a log or
 * a Referer); the page POSTs it once for an HttpOnly, SameSite=Strict session cookie, and
 * every API request needs that cookie (401 without). Every request must name this server's
 * own Host (DNS rebinding), every POST must come from its own Origin as JSON (CSRF), and
 * every response carries a strict Content-Security-Policy. The server stops after `idleMs`
 * without a request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatchError } from '../shared/errors.js';
import type { UiAssets } from './assets.js';
import {
  contentSecurityPolicy,
  cookieValue,
  isOwnHost,
  isOwnOrigin,
  sameSecret,
  sessionCookie,
  sessionCookieHeader,
} from './guard.js';

/** An API request, after the checks: the path, the query and the parsed JSON body. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** What the API answers: a status and JSON (never a value, but for the reveal route). */
export interface ApiAnswer {
  status: number;
  json: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** Answers API requests with JSON (never a value: see src/ui/api.ts). */
export type ApiHandler = (request: ApiRequest) => Promise<ApiAnswer>;

export interface UiServerOptions {
  /** 0 for a free port chosen by the system. */
  port: number;
  /** Stop after this long without a request (milliseconds). */
  idleMs: number;
  assets: UiAssets;
  api: ApiHandler;
}

export interface UiServer {
  port: number;
  /** The address to open: the token is in the fragment. */
  url: string;
  /** Resolves when the server has stopped (idle, or `close`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The largest request body read: a value of 4 MiB in JSON, with room to spare. */
const maxBodyBytes = 6 * 1024 * 1024;

const randomSecret = () => randomBytes(32).toString('base64url');

/** Starts the server; resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  let token: string | null = randomSecret();
  const sessions = new Set<string>();
  let port = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const server = createServer((request, response) => {
    touch();
    handle(request, response).catch(() => {
      if (!response.headersSent)
        send(response, 500, { error: { code: 'E_INTERNAL', message: 'internal error' } });
      else response.destroy();
    });
  });

  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(idleTimer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
  server.on('close', () => resolveClosed());

  function touch(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), options.idleMs);
    // An idle server must not keep a finished process alive.
    idleTimer.unref();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isOwnHost(request.headers.host, port)) return refuse(response, 403, 'E_HOST', 'wrong host');
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (method === 'POST') {
      if (!isOwnOrigin(request.headers.origin, port))
        return refuse(response, 403, 'E_ORIGIN', 'cross-origin request refused');
      if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
        return refuse(response, 415, 'E_USAGE', 'send JSON');
    } else if (method !== 'GET') {
      return refuse(response, 405, 'E_USAGE', 'method not allowed');
    }
    if (method === 'GET' && !url.pathname.startsWith('/api/')) {
      const asset = options.assets.get(url.pathname);
      if (!asset) return refuse(response, 404, 'E_NOT_FOUND', 'not found');
      response.writeHead(200, { ...securityHeaders, 'content-type': asset.type });
      response.end(asset.body);
      return;
    }
    const isLogin = method === 'POST' && url.pathname === '/api/session';
    // The session is checked before a body is read: without one, nothing more is taken in.
    const session = cookieValue(request.headers.cookie, sessionCookie);
    if (!isLogin && ![...sessions].some((known) => sameSecret(session, known)))
      return refuse(response, 401, 'E_UNAUTHORIZED', 'open the address latch ui printed');
    const body = method === 'POST' ? await readJson(request) : undefined;
    if (body === invalid) return refuse(response, 400, 'E_USAGE', 'the body is not JSON, or too large');
    if (isLogin) {
      const given = (body as { token?: unknown } | null)?.token;
      // One exchange only: a token seen later (history, a screenshot) opens nothing.
      if (token === null || typeof given !== 'string' || !sameSecret(given, token))
        return refuse(response, 401, 'E_UNAUTHORIZED', 'open the address latch ui printed');
      token = null;
      const created = randomSecret();
      sessions.add(created);
      response.setHeader('set-cookie', sessionCookieHeader(created));
      return send(response, 200, { ok: true });
    }
    try {
      const answer = await options.api({ method, path: url.pathname, query: url.searchParams, body });
      send(response, answer.status, answer.json, answer.headers);
    } catch (error) {
      if (!(error instanceof LatchError)) throw error;
      send(response, statusOf(error), { error: { code: error.code, message: error.message } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  touch();
  return {
    port,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    closed,
    close,
  };
}

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function send(
  response: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    ...securityHeaders,
    'content-type': 'application/json; charset=utf-8',
  });
  response.end(JSON.stringify(json));
}

function refuse(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, status, { error: { code, message } });
}

function statusOf(error: LatchError): number {
  switch (error.code) {
    case 'E_USAGE':
    case 'E_TOO_LARGE':
      return 400;
    case 'E_NOT_FOUND':
      return 404;
    case 'E_CONFIRMATION_REQUIRED':
    case 'E_BAD_PASSPHRASE':
      return 403;
    case 'E_LOCKED':
      return 423;
    case 'E_CLIPBOARD':
      return 503;
    default:
      return 500;
  }
}

const invalid = Symbol('invalid');

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return invalid;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return invalid;
  }
}
