/**
 * Synthetic credential fixtures, built at test time from a seeded generator: no token literal
 * sits in the repository (other scanners, and our own `latch scan`, must not flag this file).
 */
import { crc32, toBase62 } from '../../src/scan/rules/checks.js';

export const alphabets = {
  base62: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  lower: 'abcdefghijklmnopqrstuvwxyz0123456789',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  urlSafe: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  base32: 'abcdefghijklmnopqrstuvwxyz234567',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  digits: '0123456789',
} as const;

/** A small seeded generator (mulberry32), so fixtures are the same on every run. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let index = 0; index < length; index++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  return {
    next,
    pick,
    base62: (length: number) => pick(alphabets.base62, length),
    hex: (length: number) => pick(alphabets.hex, length),
    upper: (length: number) => pick(alphabets.upper, length),
    lower: (length: number) => pick(alphabets.lower, length),
    letters: (length: number) => pick(alphabets.letters, length),
    urlSafe: (length: number) => pick(alphabets.urlSafe, length),
    base64: (length: number) => pick(alphabets.base64, length),
    digits: (length: number) => pick(alphabets.digits, length),
    uuid: () => {
      const h = (length: number) => pick(alphabets.hex, length);
      return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;

/** `prefix` + 30 random base62 characters + their CRC32 in base62: GitHub's and npm's layout. */
export function checksummedToken(random: Random, prefix: string): string {
  const body = random.base62(30);
  return prefix + body + toBase62(crc32(body), 6);
}

/** A base64url segment of JSON. */
export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A signed-looking JWT with a random signature. */
export function makeJwt(random: Random, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const payload = base64UrlJson({ sub: random.lower(12), iat: 1_700_000_000, scope: random.letters(10) });
  return `${base64UrlJson(header)}.${payload}.${random.urlSafe(43)}`;
}

/** A PEM-style block with `lines` lines of random base64 (64 per line). */
export function armour(random: Random, label: string, lines = 6, newline = '\n'): string {
  const body = Array.from({ length: lines }, () => random.base64(64)).join(newline);
  return `-----BEGIN ${label}-----${newline}${body}${newline}-----END ${label}-----`;
}
