/**
 * The checks every request to `latch ui` passes before it is served, as pure functions over
 * headers: the Host (a DNS-rebinding page reaches 127.0.0.1 under its own name), the Origin
 * of a state-changing request (a cross-site form or fetch, CSRF), the session cookie, and
 * the one-time token the URL carries. No I/O here.
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

/** True when `host` (the Host header) names exactly the loopback address and port served. */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}`;
}

/** True when `origin` (the Origin header) is the server's own origin. */
export function isOwnOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}`;
}

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
