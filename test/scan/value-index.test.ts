import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskForms } from '../../src/mask/forms.js';
import { ManagedValueMatcher } from '../../src/scan/managed.js';
import { anchorHash, buildSection, deriveIndexKeys, type ScanIndex } from '../../src/scan/value-index.js';
import {
  decodeIndexBody,
  encodeIndexBody,
  openScanIndex,
  sealScanIndex,
} from '../../src/scan/value-index-format.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const indexKey = Uint8Array.from({ length: 32 }, (_, index) => index + 1);
const keys = deriveIndexKeys(indexKey);
const fingerprint = new Uint8Array(32).fill(7);

function indexOf(secrets: { name: string; current: string; earlier?: string[] }[]): ScanIndex {
  const section = buildSection(
    keys,
    'demo',
    fingerprint,
    secrets.map((secret) => ({
      name: secret.name,
      current: bytes(secret.current),
      earlier: (secret.earlier ?? []).map(bytes),
    })),
  );
  return { vaultDigest: new Uint8Array(32).fill(9), sections: [section] };
}

describe('scan index format', () => {
  const vector = JSON.parse(readFileSync(new URL('../vectors/scan-index-v1.json', import.meta.url), 'utf8'));

  it('matches the known-answer vector byte for byte', () => {
    const index = indexOf([{ name: 'dev/API_KEY', current: vector.value }]);
    const sealed = sealScanIndex(
      deriveIndexKeys(Buffer.from(vector.indexKey, 'hex')),
      index,
      Buffer.from(vector.nonce, 'hex'),
    );
    expect(Buffer.from(sealed).toString('hex')).toBe(vector.file);
  });

  it('opens the vector and finds the value in it, holding no value in the clear', () => {
    const file = Buffer.from(vector.file, 'hex');
    expect(file.includes(Buffer.from(vector.value))).toBe(false);
    expect(file.includes(Buffer.from('API_KEY'))).toBe(false);
    const opened = openScanIndex(deriveIndexKeys(Buffer.from(vector.indexKey, 'hex')), file)!;
    expect(opened.sections[0]!.names).toEqual(['dev/API_KEY']);
    const matcher = new ManagedValueMatcher(keys, opened);
    expect(matcher.find(bytes(`token: ${vector.value}!`))).toEqual([
      { start: 7, end: 7 + vector.value.length, names: ['demo/dev/API_KEY'] },
    ]);
  });

  it('returns null under another key and throws on damage', () => {
    const sealed = sealScanIndex(
      keys,
      indexOf([{ name: 'dev/A', current: 'abcdefgh12345' }]),
      new Uint8Array(12),
    );
    expect(openScanIndex(deriveIndexKeys(new Uint8Array(32)), sealed)).toBeNull();
    const newer = Uint8Array.from(sealed);
    newer[8] = 2;
    expect(() => openScanIndex(keys, newer)).toThrow(/newer latch/);
    expect(() => openScanIndex(keys, sealed.subarray(0, 10))).toThrow(/damaged/);
    expect(() => decodeIndexBody(encodeIndexBody(indexOf([])).subarray(0, 20))).toThrow(/damaged/);
  });

  it('round-trips any index body', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 8, maxLength: 40 }), { maxLength: 4 }), (values) => {
        const index = indexOf(values.map((value, i) => ({ name: `dev/S${i}`, current: value })));
        expect(decodeIndexBody(encodeIndexBody(index))).toEqual(index);
      }),
      { numRuns: 30 },
    );
  });
});

describe('incremental sections', () => {
  it('copies the entries of unchanged secrets and rebuilds changed ones', () => {
    const secrets = [
      { name: 'dev/A', current: bytes('first value 123'), earlier: [] },
      { name: 'dev/B', current: bytes('second value 456'), earlier: [] },
    ];
    const before = buildSection(keys, 'demo', fingerprint, secrets);
    const changed = [
      secrets[0]!,
      { name: 'dev/B', current: bytes('a new value 789'), earlier: [bytes('second value 456')] },
    ];
    const after = buildSection(keys, 'demo', fingerprint, changed, before);
    expect(after).toEqual(buildSection(keys, 'demo', fingerprint, changed));
    // A previous section whose entries were tampered with is trusted only for unchanged secrets.
    const forged = { ...before, entries: before.entries.map((entry) => ({ ...entry, length: 99 })) };
    const reused = buildSection(keys, 'demo', fingerprint, changed, forged);
    expect(reused.entries.filter((entry) => entry.name === 0).every((entry) => entry.length === 99)).toBe(
      true,
    );
    expect(reused.entries.filter((entry) => entry.name === 1).some((entry) => entry.length === 99)).toBe(
      false,
    );
  });
});

describe('managed value matcher', () => {
  const value = 'Zq8#vL2!pW9xR4tY';
  const index = indexOf([
    { name: 'dev/DB_PASSWORD', current: value, earlier: ['old-password-2024'] },
    { name: 'dev/SHORT', current: 'abc1234' },
    { name: 'prod/CERT', current: 'line one of a cert\nsecond line here\nx' },
  ]);
  const matcher = new ManagedValueMatcher(keys, index);

  it('finds every form the masker knows, anywhere in a text', () => {
    const forms = maskForms(bytes(value), 8);
    expect(forms.length).toBeGreaterThanOrEqual(10);
    for (const form of forms) {
      const text = Buffer.concat([Buffer.from('prefix "'), Buffer.from(form), Buffer.from('" suffix')]);
      const found = matcher.find(text);
      expect(found, Buffer.from(form).toString()).toHaveLength(1);
      expect(found[0]!.names).toEqual(['demo/dev/DB_PASSWORD']);
      expect(found[0]!.start).toBe(8);
    }
  });

  it('names earlier values and finds single lines of multi-line values', () => {
    expect(matcher.find(bytes('x=old-password-2024'))[0]!.names).toEqual([
      'demo/dev/DB_PASSWORD (an earlier value)',
    ]);
    expect(matcher.find(bytes('> second line here <'))[0]!.names).toEqual(['demo/prod/CERT']);
  });

  it('does not index values shorter than 8 characters, nor match near misses', () => {
    expect(matcher.find(bytes('abc1234 abc1234'))).toEqual([]);
    expect(matcher.find(bytes(value.slice(0, -1)))).toEqual([]);
    expect(matcher.find(bytes(`${value.slice(0, 8)}X${value.slice(9)}`))).toEqual([]);
  });

  it('agrees with a naive search on random text with planted values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.nat(200), (noise, at) => {
        const cut = Math.min(at, noise.length);
        const text = bytes(`${noise.slice(0, cut)}${value}${noise.slice(cut)}`);
        const found = matcher.find(text);
        expect(
          found.some((match) => Buffer.from(text.subarray(match.start, match.end)).toString() === value),
        ).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('computes the anchor with the keyed multiplier', () => {
    const form = bytes('12345678');
    let expected = 0;
    for (const byte of form) expected = (Math.imul(expected, keys.multiplier) + byte) | 0;
    expect(anchorHash(form, 0, keys.multiplier)).toBe(expected >>> 0);
    expect(keys.multiplier % 2).toBe(1);
  });
});
