/**
 * Raw HTTP for the security tests of `latch ui`: node:http, because fetch cannot set Host (nor
 * leave Origin out of a POST), and a hostile page or a rebinding attack sends whatever it can.
 */
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface SendOptions {
  /** The address connected to (default 127.0.0.1); the Host header defaults to it and the port. */
  address?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** `address` as a Host header names it: `[::1]:PORT`, `127.0.0.1:PORT`. */
export function hostOf(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Sends one request on a connection of its own and reads the whole reply. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<Reply> {
  const address = options.address ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: address,
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: { host: hostOf(address, port), ...options.headers },
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

/** A JSON POST from the page at `origin` (no Origin header when it is null). */
export function postJson(
  port: number,
  path: string,
  body: unknown,
  options: { address?: string; origin: string | null; headers?: Record<string, string> },
): Promise<Reply> {
  return send(port, path, {
    ...(options.address ? { address: options.address } : {}),
    method: 'POST',
    headers: {
      ...(options.origin === null ? {} : { origin: options.origin }),
      'content-type': 'application/json',
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
}

/** Whether this machine can listen on ::1 (no IPv6 loopback in some containers). */
export function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

/** Whether something accepts connections on `address`:`port`. */
export function isListening(port: number, address = '127.0.0.1'): Promise<boolean> {
  return send(port, '/', { address }).then(
    () => true,
    () => false,
  );
}
