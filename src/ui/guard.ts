/**
 * The checks every request to `latch ui` passes before it is served, as pure functions over
 * headers: the Host (a DNS-rebinding page reaches 127.0.0.1 under its own name), the Origin
 * of a state-changing request (a cross-site form or fetch, CSRF), the session cookie, the
 * one-time token the URL carries, and the stop key `latch lock` sends. No I/O here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The session cookie's name; the cookie is HttpOnly and SameSite=Strict. */
export const sessionCookie = 'latch_ui_session';

/**
 * The Content-Security-Policy of every response: only latch's own scripts, styles and
 * requests, no inline script or style, no framing, no form posted elsewhere.
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The Host headers of this server on `port`: its two loopback addresses, and `localhost`.
 * A DNS-rebinding page reaches the server under its own name (`attacker.example:PORT`) and
 * cannot make the browser send another, so `localhost` is as safe as the addresses: only a
 * page the person opened on this machine's loopback names it.
 */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`];
}

/** True when `host` (the Host header) is exactly one of `ownHosts(port)`. */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && ownHosts(port).includes(host);
}

/**
 * True when `origin` (the Origin header) is the origin of the page that `host`, the request's
 * Host, serves, and that Host is ours: a page on `localhost` posts to `localhost`, never to
 * `127.0.0.1`. A missing or `null` origin is false.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined, port: number): boolean {
  return isOwnHost(host, port) && origin === `http://${host}`;
}

/**
 * Where `latch lock` (src/ui/registry.ts) posts the stop key. Not a page's request: it comes
 * without an Origin, which every browser sends with a POST, and as JSON, which a cross-site
 * page cannot send without a preflight this server never grants.
 */
export const stopPath = '/internal/stop';

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/**
 * Compares a secret the client sent with the expected one in constant time (hashes first, so
 * lengths do not leak either). False for a missing one.
 */
export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The Set-Cookie header of a new session. */
export function sessionCookieHeader(session: string): string {
  return `${sessionCookie}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}
