/**
 * Checks that some token formats carry in themselves: checksums (GitHub and npm append a CRC32
 * of the random part), and structure (a JWT's header is base64url JSON naming an `alg`).
 * A check that passes makes a finding certain; rules fall back to entropy when it fails.
 */
import { shannonEntropy } from './model.js';

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let value = byte;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[byte] = value >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib) of an ASCII string. */
export function crc32(ascii: string): number {
  let crc = 0xffffffff;
  for (let index = 0; index < ascii.length; index++) {
    crc = crcTable[(crc ^ ascii.charCodeAt(index)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `value` in base 62 (digits, upper, lower), left-padded with `0` to `width`. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = base62Alphabet[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub's and npm's token layout: `prefix` + 30 random base62 characters + 6 characters of
 * base62 CRC32 of the random part. True when the last six characters are that checksum.
 */
export function hasBase62Checksum(token: string, prefixLength: number): boolean {
  const random = token.slice(prefixLength, -6);
  return toBase62(crc32(random), 6) === token.slice(-6);
}

/**
 * A rule check for checksummed tokens: a valid checksum is certain; without one, a token is
 * still reported when its random part looks random (a checksum layout we do not know yet must
 * not hide a real leak), but `ghp_aaaa...` is not.
 */
export function checksumOrEntropy(prefixLength: number, minEntropy: number): (token: string) => boolean {
  return (token) =>
    hasBase62Checksum(token, prefixLength) || shannonEntropy(token.slice(prefixLength)) >= minEntropy;
}

/** Decodes base64 or base64url to a string (latin1), or null when it is not valid. */
export function decodeBase64Url(text: string): string | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  try {
    return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  } catch {
    return null;
  }
}

/** True when a JWT's first segment decodes to a JSON object with a string `alg` (RFC 7515 §4.1.1). */
export function isJwtHeader(token: string): boolean {
  const header = decodeBase64Url(token.slice(0, token.indexOf('.')));
  if (header === null) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return (
      typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}
