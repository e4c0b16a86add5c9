/**
 * The HTTP server of `latch ui`, on the loopback only: 127.0.0.1 and, where the machine has
 * IPv6, ::1 on the same port. Access: the URL printed on the terminal carries a one-time
 * token in its fragment (never sent in a request line, so never in a log or a Referer); the
 * page POSTs it once for an HttpOnly, SameSite=Strict session cookie, and every API request
 * needs that cookie (401 without). Every request must name this server's own Host (DNS
 * rebinding), every POST must come from the origin of that Host as JSON (CSRF), and every
 * response carries a strict Content-Security-Policy. The server stops after `idleMs` without
 * a request, on `close`, or when `latch lock` posts its stop key; a request it has received
 * whole is finished first, so a value being stored is stored and recorded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  stopPath,
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
  /** The addresses it listens on: 127.0.0.1, and ::1 where the machine has IPv6. */
  addresses: string[];
  /** The address to open: the token is in the fragment. */
  url: string;
  /** What `latch lock` posts to stop the server (src/ui/registry.ts keeps it in LATCH_HOME). */
  stopKey: string;
  /** Resolves when the server has stopped (idle, `close`, or the stop key). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The largest request body read: a value of 4 MiB in JSON, with room to spare. */
const maxBodyBytes = 6 * 1024 * 1024;
/** The largest body read before the sender is known (the token, the stop key). */
const maxAnonymousBodyBytes = 4096;
/** Errors of a listen on ::1 that mean this machine has no IPv6 loopback. */
const noIpv6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);
/** How many free ports to try when the one the system chose on 127.0.0.1 is taken on ::1. */
const portAttempts = 5;

const randomSecret = () => randomBytes(32).toString('base64url');

/** A request being served, and when it is over (its handler done and its response closed). */
interface InFlight {
  request: IncomingMessage;
  done: Promise<unknown>;
}

/** Starts the server; resolves once it listens. Throws E_USAGE when the port is taken. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  let token: string | null = randomSecret();
  const stopKey = randomSecret();
  const sessions = new Set<string>();
  let idleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | null = null;
  const inFlight = new Set<InFlight>();
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    if (stopping) {
      response.setHeader('connection', 'close');
      return refuse(response, 503, 'E_STOPPED', 'latch ui is stopping');
    }
    touch();
    const work = handle(request, response).catch(() => {
      if (!response.headersSent)
        send(response, 500, { error: { code: 'E_INTERNAL', message: 'internal error' } });
      else response.destroy();
    });
    const entry: InFlight = {
      request,
      done: Promise.all([work, new Promise((resolve) => response.once('close', resolve))]),
    };
    inFlight.add(entry);
    void entry.done.then(() => inFlight.delete(entry));
  };
  const { servers, port } = await listenOnLoopback(onRequest, options.port);

  function close(): Promise<void> {
    stopping ??= (async () => {
      clearTimeout(idleTimer);
      const listening = servers.map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const server of servers) server.closeIdleConnections();
      // A request still arriving has done nothing yet: drop it. One received whole is
      // finished, so a value being stored is stored and recorded before the process ends.
      for (const { request } of inFlight) if (!request.complete) request.socket.destroy();
      await Promise.allSettled([...inFlight].map((entry) => entry.done));
      for (const server of servers) server.closeAllConnections();
      await Promise.all(listening);
      resolveClosed();
    })();
    return stopping;
  }

  function touch(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), options.idleMs);
    // An idle server must not keep a finished process alive.
    idleTimer.unref();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const host = request.headers.host;
    if (!isOwnHost(host, port)) return refuse(response, 403, 'E_HOST', 'wrong host');
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (method === 'POST' && url.pathname === stopPath) return stopOnRequest(request, response);
    if (method === 'POST') {
      if (!isOwnOrigin(request.headers.origin, host, port))
        return refuse(response, 403, 'E_ORIGIN', 'cross-origin request refused');
      if (!isJson(request)) return refuse(response, 415, 'E_USAGE', 'send JSON');
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
    const body =
      method === 'POST' ? await readJson(request, isLogin ? maxAnonymousBodyBytes : maxBodyBytes) : undefined;
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

  /**
   * `latch lock` asking the server to stop: no Origin (a browser sends one with every POST),
   * JSON (a cross-site page cannot send it without a preflight), and the stop key, which
   * only the registration in LATCH_HOME holds. The server stops listening before it answers.
   */
  async function stopOnRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.origin !== undefined)
      return refuse(response, 403, 'E_ORIGIN', 'cross-origin request refused');
    if (!isJson(request)) return refuse(response, 415, 'E_USAGE', 'send JSON');
    const body = await readJson(request, maxAnonymousBodyBytes);
    const given = body === invalid ? undefined : (body as { key?: unknown } | null)?.key;
    if (typeof given !== 'string' || !sameSecret(given, stopKey))
      return refuse(response, 401, 'E_UNAUTHORIZED', 'wrong stop key');
    void close();
    response.setHeader('connection', 'close');
    send(response, 200, { stopped: true });
  }

  touch();
  return {
    port,
    addresses: servers.map((server) => (server.address() as AddressInfo).address),
    url: `http://127.0.0.1:${port}/#token=${token}`,
    stopKey,
    closed,
    close,
  };
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Listens on 127.0.0.1 at `port` (0: one the system picks), then on ::1 at the same port;
 * without IPv6 on this machine, on 127.0.0.1 alone. When the system's pick is taken on ::1,
 * tries another. Throws E_USAGE when a port asked for is taken.
 */
async function listenOnLoopback(
  onRequest: RequestListener,
  port: number,
): Promise<{ servers: Server[]; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const ipv4 = createServer(onRequest);
    await listen(ipv4, port, '127.0.0.1');
    const chosen = (ipv4.address() as AddressInfo).port;
    const ipv6 = createServer(onRequest);
    try {
      await listen(ipv6, chosen, '::1');
      return { servers: [ipv4, ipv6], port: chosen };
    } catch (error) {
      if (noIpv6.has(errorCode(error))) return { servers: [ipv4], port: chosen };
      await new Promise((resolve) => ipv4.close(resolve));
      if (errorCode(error) === 'EADDRINUSE' && port === 0 && attempt < portAttempts) continue;
      throw error;
    }
  }
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: Error) => {
      const code = errorCode(error);
      reject(
        code === 'EADDRINUSE' || code === 'EACCES'
          ? new LatchError(
              'E_USAGE',
              `cannot listen on ${address} port ${port} (${code}); choose another with --port, or leave it out for a free one`,
            )
          : error,
      );
    };
    server.once('error', refused);
    server.listen(port, address, () => {
      server.off('error', refused);
      resolve();
    });
  });
}

const errorCode = (error: unknown) => String((error as NodeJS.ErrnoException)?.code ?? '');

const isJson = (request: IncomingMessage) =>
  (request.headers['content-type'] ?? '').startsWith('application/json');

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

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return invalid;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return invalid;
  }
}
