import { describe, expect, it } from 'vitest';
import { rollbackSecret, secretHistory } from '../../src/lifecycle/history.js';
import { putSecret } from '../../src/vault/secrets.js';
import { type EnvironmentRecord, nameMap } from '../../src/vault/vault.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);

function threeValues(): EnvironmentRecord {
  const env: EnvironmentRecord = { protected: false, secrets: nameMap() };
  putSecret(env, 'KEY', bytes('one'), {}, '2026-01-01T00:00:00.000Z');
  putSecret(env, 'KEY', bytes('two'), {}, '2026-02-01T00:00:00.000Z', 'import');
  putSecret(env, 'KEY', bytes('three'), {}, '2026-03-01T00:00:00.000Z', 'rotate');
  return env;
}

describe('secretHistory', () => {
  it('numbers every value and says which event set and replaced it', () => {
    const history = secretHistory(threeValues().secrets.KEY!);
    expect(history.map((entry) => [entry.version, entry.setBy, entry.replacedBy, entry.current])).toEqual([
      [1, 'set', 'import', false],
      [2, 'import', 'rotate', false],
      [3, 'rotate', null, true],
    ]);
    expect(history[1]).toMatchObject({
      set: '2026-02-01T00:00:00.000Z',
      replaced: '2026-03-01T00:00:00.000Z',
    });
    expect(JSON.stringify(history)).not.toMatch(/one|two|three/);
  });
});

describe('rollbackSecret', () => {
  it('makes an earlier value current again and keeps every value', () => {
    const secret = threeValues().secrets.KEY!;
    const done = rollbackSecret(secret, 'KEY', 1, '2026-04-01T00:00:00.000Z');
    expect(done).toEqual({ from: 3, to: 1, current: 4, leaked: null });
    expect(text(secret.value)).toBe('one');
    expect(secret.versions.map((version) => text(version.value))).toEqual(['one', 'two', 'three']);
    const history = secretHistory(secret);
    expect(history[3]).toMatchObject({ setBy: 'rollback', rolledBackFrom: 1, current: true });
    expect(history[2]).toMatchObject({ setBy: 'rotate', replacedBy: 'rollback' });
  });

  it('defaults to the previous value', () => {
    const secret = threeValues().secrets.KEY!;
    expect(rollbackSecret(secret, 'KEY', undefined, '2026-04-01T00:00:00.000Z').to).toBe(2);
    expect(text(secret.value)).toBe('two');
  });

  it('keeps the leaked mark of the value it restores, and clears the one of the value it retires', () => {
    const env = threeValues();
    const secret = env.secrets.KEY!;
    secret.rotationNeeded = '2026-03-02T00:00:00.000Z';
    putSecret(env, 'KEY', bytes('four'), {}, '2026-03-03T00:00:00.000Z', 'rotate');
    expect(secret.rotationNeeded).toBeUndefined();
    const done = rollbackSecret(secret, 'KEY', 3, '2026-04-01T00:00:00.000Z');
    expect(done.leaked).toBe('2026-03-02T00:00:00.000Z');
    expect(secret.rotationNeeded).toBe('2026-03-02T00:00:00.000Z');
    rollbackSecret(secret, 'KEY', 4, '2026-04-02T00:00:00.000Z');
    expect(secret.rotationNeeded).toBeUndefined();
  });

  it.each([
    [99, 'E_NOT_FOUND'],
    [0, 'E_NOT_FOUND'],
    [3, 'E_USAGE'],
  ])('refuses --to %s (%s) and changes nothing', (to, code) => {
    const secret = threeValues().secrets.KEY!;
    expect(() => rollbackSecret(secret, 'KEY', to, '2026-04-01T00:00:00.000Z')).toThrow(
      expect.objectContaining({ code }),
    );
    expect(secret.versions).toHaveLength(2);
    expect(text(secret.value)).toBe('three');
  });
});
