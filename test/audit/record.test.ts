import { createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/audit/chain.js';
import { deriveVaultAuditKey, encodeSigned, genesisMac, sealRecord } from '../../src/audit/record.js';
import { auditVectorInputs } from './vector.js';

const vector = JSON.parse(readFileSync(new URL('../vectors/audit-v1.json', import.meta.url), 'utf8')) as {
  vaultAuditKey: string;
  log: string[];
};
const encode = (text: string) => new TextEncoder().encode(text);
const keys = {
  vault: deriveVaultAuditKey(auditVectorInputs.dataKey, auditVectorInputs.vaultId),
  state: auditVectorInputs.stateKey,
};

describe('audit log known-answer vector (test/vectors/audit-v1.json)', () => {
  it('the code produces the committed lines byte for byte', () => {
    let previous: Uint8Array = genesisMac;
    auditVectorInputs.records.forEach((record, index) => {
      const sealed = sealRecord(
        { v: 1, seq: index + 1, ...record },
        record.keyed === 'vault' ? keys.vault : keys.state,
        previous,
      );
      expect(sealed.line).toBe(`${vector.log[index]}\n`);
      previous = Buffer.from(sealed.record.mac, 'hex');
    });
  });

  it('verifies by following docs/audit.md alone (HKDF, HMAC over signed bytes || previous MAC)', () => {
    const vaultKey = Buffer.from(
      hkdfSync('sha256', auditVectorInputs.dataKey, auditVectorInputs.vaultId, 'latch audit v1 records', 32),
    );
    expect(vaultKey.toString('hex')).toBe(vector.vaultAuditKey);
    let previous = Buffer.alloc(32);
    for (const line of vector.log) {
      const at = line.lastIndexOf(',"mac":"');
      const signed = `${line.slice(0, at)}}`;
      const mac = line.slice(at + 8, at + 8 + 64);
      const key = JSON.parse(signed).keyed === 'vault' ? vaultKey : Buffer.from(auditVectorInputs.stateKey);
      const expected = createHmac('sha256', key)
        .update(Buffer.from(signed, 'utf8'))
        .update(previous)
        .digest();
      expect(expected.toString('hex')).toBe(mac);
      previous = expected;
    }
    expect(verifyLog(encode(`${vector.log.join('\n')}\n`), keys)).toMatchObject({ ok: true, records: 3 });
  });

  it('orders head fields first, then the event fields sorted by name', () => {
    expect(
      encodeSigned({
        v: 1,
        seq: 7,
        time: 't',
        event: 'rm',
        keyed: 'state',
        fields: { b: 1, a: ['x'], c: null },
      }),
    ).toBe('{"v":1,"seq":7,"time":"t","event":"rm","keyed":"state","a":["x"],"b":1,"c":null}');
  });

  it('refuses a field that would shadow a head field, and non-integer numbers', () => {
    expect(() =>
      encodeSigned({ v: 1, seq: 1, time: 't', event: 'rm', keyed: 'state', fields: { seq: 2 } }),
    ).toThrow(/reserved/);
    expect(() =>
      encodeSigned({ v: 1, seq: 1, time: 't', event: 'rm', keyed: 'state', fields: { n: 1.5 } }),
    ).toThrow();
  });
});
