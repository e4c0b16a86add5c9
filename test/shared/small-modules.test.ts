import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAgent } from '../../src/audit/agent.js';
import {
  assertEnvironmentName,
  assertProjectName,
  isSecretName,
  projectNameFrom,
} from '../../src/manifest/names.js';
import { buildRunPlan, describePlan, environmentEntryLimit, unusableValues } from '../../src/run/plan.js';
import { expiryTime, parseDuration, parseExpiry } from '../../src/shared/duration.js';
import { decodeUtf8 } from '../../src/shared/utf8.js';
import { generateValue } from '../../src/vault/generate.js';
import { defaultKdfParams, parseKdfParams } from '../../src/vault/kdf.js';
import { putSecret } from '../../src/vault/secrets.js';
import type { EnvironmentRecord } from '../../src/vault/vault.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeUtf8', () => {
  it.each([
    [[0x61, 0x0a, 0xc3, 0xa9], { text: 'a\né' }],
    [[0xef, 0xbb, 0xbf, 0x41], { text: '\ufeffA' }],
    [[0x61, 0x0a, 0x62, 0x0a, 0xe9, 0x0a], { invalidLine: 3 }],
    [[0x61, 0xc3], { invalidLine: 1 }],
    [[0xff, 0xfe, 0x41, 0x00], { invalidLine: 1 }],
  ])('decodeUtf8(%j) is %j', (input, expected) => {
    expect(decodeUtf8(new Uint8Array(input))).toEqual(expected);
  });
});

describe('names', () => {
  it.each([
    ['API_KEY', true],
    ['_private', true],
    ['a1', true],
    ['1ABC', false],
    ['A-B', false],
    ['A.B', false],
    ['', false],
    ['A B', false],
  ])('isSecretName(%j) is %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it.each(['dev', 'prod-eu', 'ci_1'])('accepts environment %j', (name) =>
    expect(assertEnvironmentName(name)).toBe(name));
  it.each(['Dev', '-x', '', 'a'.repeat(33), 'a/b'])('refuses environment %j', (name) =>
    expect(() => assertEnvironmentName(name)).toThrow());
  it.each(['../x', '', 'a b'])('refuses project %j', (name) =>
    expect(() => assertProjectName(name)).toThrow());
  it.each([
    ['My App', 'My-App'],
    ['.hidden', 'hidden'],
    ['', 'project'],
  ])('projectNameFrom(%j) is %j', (input, expected) => expect(projectNameFrom(input)).toBe(expected));
});

describe('durations and expiry', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['8h', 28_800_000],
    ['90d', 90 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('parseDuration(%j) = %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '0d', '5', 'd', '1.5h', '-1d', '3mo'])('parseDuration refuses %j', (text) =>
    expect(() => parseDuration(text)).toThrow(/duration/));
  it.each([
    ['2027-01-31', '2027-01-31'],
    ['2027-01-31T10:00:00Z', '2027-01-31T10:00:00.000Z'],
    ['1d', '2026-01-02T00:00:00.000Z'],
  ])('parseExpiry(%j) = %j', (text, expected) => expect(parseExpiry(text, now)).toBe(expected));
  it.each(['tomorrow', '2027-13-45', '31/01/2027'])('parseExpiry refuses %j', (text) =>
    expect(() => parseExpiry(text, now)).toThrow());
  it('a date expires at the end of that day, UTC', () => {
    expect(expiryTime('2026-01-01')).toBe(Date.parse('2026-01-02T00:00:00Z'));
  });
});

describe('kdf parameters', () => {
  it('defaults to RFC 9106 second recommended option (64 MiB, t=3, p=4)', () => {
    expect(defaultKdfParams).toEqual({ memoryKiB: 65536, iterations: 3, parallelism: 4 });
  });
  it.each(['m=1024,t=1,p=1', 'm=8192,t=0,p=1', 'x', 'm=8192,t=1'])('refuses %j', (text) =>
    expect(() => parseKdfParams(text)).toThrow());
});

describe('generateValue', () => {
  it.each([
    ['hex', /^[0-9a-f]{40}$/],
    ['alnum', /^[A-Za-z0-9]{40}$/],
    ['base64', /^[A-Za-z0-9_-]{40}$/],
  ] as const)('%s gives the alphabet and length', (charset, pattern) => {
    expect(generateValue(40, charset, (n) => randomBytes(n))).toMatch(pattern);
  });
  it('does not bias: rejection sampling discards bytes beyond the last whole alphabet', () => {
    // Bytes 248..255 are rejected for alnum (62 * 4 = 248): 254 would map to "G" if it were used.
    const fed = [254, 254, 7];
    let call = 0;
    const value = generateValue(8, 'alnum', (n) =>
      Uint8Array.from({ length: n }, () => fed[Math.min(call++, 2)]!),
    );
    expect(value).toBe('HHHHHHHH');
  });
  it.each([0, 7, 4097, 1.5])('refuses length %s', (length) =>
    expect(() => generateValue(length, 'hex', (n) => randomBytes(n))).toThrow());
});

describe('putSecret keeps every earlier value', () => {
  it('records versions on change, not on an identical value', () => {
    const env: EnvironmentRecord = { protected: false, secrets: {} };
    expect(putSecret(env, 'K', bytes('one'), {}, 't1')).toBe('created');
    expect(putSecret(env, 'K', bytes('one'), { owner: 'bo' }, 't2')).toBe('unchanged');
    expect(putSecret(env, 'K', bytes('two'), {}, 't3')).toBe('updated');
    const secret = env.secrets.K!;
    expect(new TextDecoder().decode(secret.value)).toBe('two');
    expect(secret.owner).toBe('bo');
    expect(
      secret.versions.map((version) => [
        new TextDecoder().decode(version.value),
        version.created,
        version.replaced,
      ]),
    ).toEqual([['one', 't1', 't3']]);
  });
  it('refuses values over the size limit', () => {
    expect(() =>
      putSecret({ protected: false, secrets: {} }, 'K', new Uint8Array(5 * 1024 * 1024), {}, 't'),
    ).toThrow(/at most/);
  });
});

describe('run plan', () => {
  const base = { command: 'node', args: ['app.js'], project: 'p', environment: 'dev' };
  it('removes unlock variables, keeps the rest, adds secrets', () => {
    const result = buildRunPlan({
      ...base,
      callerEnv: {
        PATH: '/bin',
        LATCH_PASSPHRASE: 'x',
        LATCH_PASSPHRASE_FILE: '/f',
        LATCH_NEW_PASSPHRASE: 'y',
        LATCH_ENV: 'dev',
      },
      secrets: [{ name: 'A', required: true, value: bytes('va') }],
    });
    expect(result).toMatchObject({
      ok: true,
      plan: { env: { PATH: '/bin', LATCH_ENV: 'dev', A: 'va' }, secretNames: ['A'] },
    });
    if (result.ok) expect(Object.keys(result.plan.env).sort()).toEqual(['A', 'LATCH_ENV', 'PATH']);
  });
  it('reports every missing required secret and ignores missing optional ones', () => {
    const result = buildRunPlan({
      ...base,
      callerEnv: {},
      secrets: [
        { name: 'A', required: true, value: undefined },
        { name: 'B', required: false, value: undefined },
        { name: 'C', required: true, value: undefined },
      ],
    });
    expect(result).toEqual({ ok: false, missing: ['A', 'C'], binary: [], tooLong: [] });
  });
  it('describes the plan with names only', () => {
    const result = buildRunPlan({
      ...base,
      callerEnv: {},
      secrets: [{ name: 'A', required: true, value: bytes('hidden') }],
    });
    expect(result.ok && JSON.stringify(describePlan(result.plan))).not.toContain('hidden');
  });
  it('a required binary value means no plan, named as binary', () => {
    const result = buildRunPlan({
      ...base,
      callerEnv: {},
      secrets: [{ name: 'CERT', required: true, value: Uint8Array.of(0xff) }],
    });
    expect(result).toEqual({ ok: false, missing: [], binary: ['CERT'], tooLong: [] });
  });
  it('a required value longer than the entry limit means no plan; an optional one is left out', () => {
    const limit = environmentEntryLimit('linux');
    const long = new Uint8Array(limit - 'BIG='.length + 1).fill(0x61);
    const fits = long.subarray(2);
    expect(
      buildRunPlan({
        ...base,
        callerEnv: {},
        entryLimit: limit,
        secrets: [{ name: 'BIG', required: true, value: long }],
      }),
    ).toEqual({ ok: false, missing: [], binary: [], tooLong: ['BIG'] });
    const secrets = [
      { name: 'BIG', required: false, value: long },
      { name: 'FITS', required: true, value: fits },
    ];
    expect(unusableValues(secrets, limit)).toEqual({ binary: [], tooLong: ['BIG'] });
    const result = buildRunPlan({ ...base, callerEnv: {}, entryLimit: limit, secrets });
    expect(result.ok && Object.keys(result.plan.env)).toEqual(['FITS']);
    expect(environmentEntryLimit('darwin')).toBe(Number.POSITIVE_INFINITY);
  });
  it('does not inject optional binary values and names them', () => {
    const secrets = [{ name: 'BIN', required: false, value: Uint8Array.of(0xff, 0, 1) }];
    expect(unusableValues(secrets)).toEqual({ binary: ['BIN'], tooLong: [] });
    const result = buildRunPlan({ ...base, callerEnv: {}, secrets });
    expect(result.ok && result.plan.env.BIN).toBe(undefined);
  });
  it('property: no caller variable starting LATCH_PASSPHRASE ever reaches the plan', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        fc.string(),
        (callerEnv, suffix) => {
          const result = buildRunPlan({
            ...base,
            callerEnv: { ...callerEnv, [`LATCH_PASSPHRASE${suffix}`]: 'secret' },
            secrets: [],
          });
          return (
            result.ok && Object.keys(result.plan.env).every((name) => !name.startsWith('LATCH_PASSPHRASE'))
          );
        },
      ),
    );
  });
});

describe('detectAgent', () => {
  it.each([
    [{ CLAUDECODE: '1' }, 'claude-code'],
    [{ CURSOR_AGENT: '1' }, 'cursor'],
    [{ LATCH_AGENT: 'custom' }, 'custom'],
    [{ PATH: '/bin' }, null],
  ])('%j is %s', (env, expected) => expect(detectAgent(env)).toBe(expected));
});
