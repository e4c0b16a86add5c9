import { describe, expect, it } from 'vitest';
import { dueSecrets, type StoredSecretEntry, upcoming } from '../../src/lifecycle/due.js';
import type { SecretRecord } from '../../src/vault/vault.js';

const now = Date.parse('2026-06-01T12:00:00Z');

function entry(name: string, fields: Partial<SecretRecord>, declaredPeriod?: string): StoredSecretEntry {
  const secret = {
    value: new Uint8Array(),
    created: '2026-05-01T00:00:00.000Z',
    updated: '2026-05-01T00:00:00.000Z',
    versions: [],
    ...fields,
  } as SecretRecord;
  return {
    project: 'shop',
    environment: 'dev',
    name,
    secret,
    ...(declaredPeriod === undefined ? {} : { declaredPeriod }),
  };
}

const brief = (events: ReturnType<typeof upcoming>) =>
  events.map(
    (event) => `${event.name} ${event.kind} ${event.day} ${event.overdue ? 'overdue' : ''}${event.days}`,
  );

describe('upcoming', () => {
  it('lists leaked marks, expiries and ends of periods by date, overdue first, within the span', () => {
    const entries = [
      entry('LATER', { expires: '2026-07-01' }),
      entry('PERIOD', {}, '45d'),
      entry('SPILLED', { rotationNeeded: '2026-05-30T08:00:00.000Z', expires: '2026-06-03T10:00:00Z' }),
      entry('BEYOND', { expires: '2026-12-01' }),
      entry('NONE', {}),
      entry('BAD_PERIOD', {}, 'every month'),
    ];
    expect(brief(upcoming(entries, now, 90))).toEqual([
      'SPILLED leaked 2026-05-30 overdue-2',
      'SPILLED expires 2026-06-03 2',
      'PERIOD rotation 2026-06-15 14',
      'LATER expires 2026-07-01 30',
    ]);
    // The secret's own period wins over the manifest's, as for `rotate --due`.
    expect(brief(upcoming([entry('OWN', { rotateEvery: '10d' }, '45d')], now, 90))).toEqual([
      'OWN rotation 2026-05-11 overdue-21',
    ]);
  });

  it('agrees with dueSecrets on what is already due', () => {
    const entries = [
      entry('EXPIRED', { expires: '2026-05-31' }),
      entry('FRESH', { expires: '2026-06-02' }),
      entry('ROTATE', {}, '7d'),
    ];
    const overdue = upcoming(entries, now, 30).filter((event) => event.overdue);
    expect(overdue.map((event) => event.name).sort()).toEqual(
      dueSecrets(entries, now)
        .map((due) => due.name)
        .sort(),
    );
  });
});
