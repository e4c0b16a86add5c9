/**
 * Random values for `set --generate`. Bytes come from the caller's CSPRNG; characters are
 * picked by rejection sampling so every character of the alphabet is equally likely.
 */
import { LatchError } from '../shared/errors.js';

export type Charset = 'base64' | 'hex' | 'alnum';

const alphabets: Record<Charset, string> = {
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  hex: '0123456789abcdef',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
};

/** True when `name` is a charset `generateValue` knows. */
export function isCharset(name: string): name is Charset {
  return Object.hasOwn(alphabets, name);
}

/**
 * Returns `length` characters from the charset (base64 is the URL-safe alphabet, so the
 * value is safe in URLs and shells). Throws E_USAGE for a length outside 8..4096.
 */
export function generateValue(
  length: number,
  charset: Charset,
  randomBytes: (count: number) => Uint8Array,
): string {
  if (!Number.isInteger(length) || length < 8 || length > 4096) {
    throw new LatchError('E_USAGE', `--length must be a whole number from 8 to 4096`);
  }
  const alphabet = alphabets[charset];
  // The largest multiple of the alphabet size below 256: bytes above it are rejected.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}
