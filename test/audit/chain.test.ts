import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/audit/chain.js';
import {
  type AuditFields,
  deriveVaultAuditKey,
  fragmentDigest,
  genesisMac,
  parseLine,
  sealRecord,
} from '../../src/audit/record.js';
import { auditVectorInputs } from './vector.js';

const encode = (text: string) => new TextEncoder().encode(text);
const keys = {
  vault: deriveVaultAuditKey(auditVectorInputs.dataKey, auditVectorInputs.vaultId),
  state: auditVectorInputs.stateKey,
};

/** Builds a log of `count` records, alternating keys, the way appends do. */
function buildLog(count: number, fields: (index: number) => AuditFields = () => ({ user: 'dev' })) {
  let previous: Uint8Array = genesisMac;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const keyed = index % 3 === 1 ? 'state' : 'vault';
    const sealed = sealRecord(
      { v: 1, seq: index + 1, time: '2026-01-02T03:04:05.000Z', event: 'run', keyed, fields: fields(index) },
      keyed === 'vault' ? keys.vault : keys.state,
      previous,
    );
    previous = Buffer.from(sealed.record.mac, 'hex');
    lines.push(sealed.line);
  }
  return lines;
}

describe('verifyLog: every kind of tampering is found, with the first bad record', () => {
  const lines = buildLog(6);
  const log = (list: string[]) => encode(list.join(''));
  const tamperings: [string, () => string[], number][] = [
    [
      'edit a field',
      () => lines.map((line, index) => (index === 2 ? line.replace('"user":"dev"', '"user":"eve"') : line)),
      3,
    ],
    ['delete a middle record', () => lines.filter((_, index) => index !== 3), 4],
    ['swap two records', () => [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)], 2],
    [
      'insert a forged record',
      () => {
        const forged = sealRecord(
          { v: 1, seq: 4, time: '2026-01-02T03:04:05.000Z', event: 'run', keyed: 'vault', fields: {} },
          new Uint8Array(32),
          Buffer.from(parseLine(lines[2]!.trimEnd())!.mac, 'hex'),
        ).line;
        return [...lines.slice(0, 3), forged, ...lines.slice(3)];
      },
      4,
    ],
    [
      'replace the first record, even with the right key',
      () => [buildLog(1, () => ({ user: 'eve' }))[0]!, ...lines.slice(1)],
      2,
    ],
  ];
  it.each(tamperings)('%s', (_name, tamper, line) => {
    const result = verifyLog(log(tamper()), keys);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.line).toBe(line);
  });

  it('every single flipped bit of the log is detected', () => {
    const bytes = log(lines);
    for (let offset = 0; offset < bytes.length; offset++) {
      const copy = bytes.slice();
      copy[offset]! ^= 0x01;
      const result = verifyLog(copy, keys);
      // A flipped final newline becomes a torn tail after a record that no head remembers;
      // the heads catch that (next test); every other flip fails here.
      if (offset === bytes.length - 1) continue;
      expect(result.ok, `offset ${offset}`).toBe(false);
    }
  });

  it('a cut tail or a deleted log fails against a remembered head', () => {
    const head = { seq: 6, mac: parseLine(lines[5]!.trimEnd())!.mac };
    const remembered = [{ where: 'audit.head', head }];
    expect(verifyLog(log(lines), keys, remembered).ok).toBe(true);
    const cut = verifyLog(log(lines.slice(0, 4)), keys, remembered);
    expect(cut).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/ends at record 4 but audit.head remembers record 6/),
    });
    expect(verifyLog(new Uint8Array(0), keys, remembered).ok).toBe(false);
    const cutMidLine = encode(lines.join('').slice(0, -40));
    expect(verifyLog(cutMidLine, keys, remembered).ok).toBe(false);
    const replaced = verifyLog(log(buildLog(6, () => ({ user: 'eve' }))), keys, remembered);
    expect(replaced).toMatchObject({ ok: false, reason: expect.stringMatching(/log replaced/) });
  });

  it('a torn last line is reported, and accepted once sealed off by a truncated-tail record', () => {
    const torn = lines[5]!.slice(0, 50);
    const withTorn = encode(lines.slice(0, 5).join('') + torn);
    expect(verifyLog(withTorn, keys)).toMatchObject({ ok: true, records: 5, partialTail: { bytes: 50 } });
    const marker = sealRecord(
      {
        v: 1,
        seq: 6,
        time: 't',
        event: 'truncated-tail',
        keyed: 'state',
        fields: { bytes: 50, sha256: fragmentDigest(torn) },
      },
      keys.state,
      Buffer.from(parseLine(lines[4]!.trimEnd())!.mac, 'hex'),
    ).line;
    const sealed = encode(`${lines.slice(0, 5).join('')}${torn}\n${marker}`);
    expect(verifyLog(sealed, keys)).toMatchObject({ ok: true, records: 6, partialTail: null });
    // A garbage line without its marker, or with a marker for other bytes, is tampering.
    expect(verifyLog(encode(`${lines.slice(0, 5).join('')}garbage\n${marker}`), keys).ok).toBe(false);
    expect(
      verifyLog(encode(`${lines.slice(0, 3).join('')}garbage\n${lines.slice(3).join('')}`), keys).ok,
    ).toBe(false);
  });

  it('without the vault key, vault-keyed records are counted as unchecked, state-keyed ones still checked', () => {
    expect(verifyLog(log(lines), { vault: null, state: keys.state })).toMatchObject({
      ok: true,
      unchecked: 4,
    });
    expect(verifyLog(log(lines), { vault: null, state: new Uint8Array(32) }).ok).toBe(false);
  });

  it('property: any change to any one record is detected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (index, value) => {
          const changed = lines.map((line, at) =>
            at === index ? line.replace('"user":"dev"', `"user":${JSON.stringify(`dev${value}`)}`) : line,
          );
          return verifyLog(log(changed), keys).ok === false;
        },
      ),
    );
  });

  it('the fragment digest is SHA-256 of the raw bytes', () => {
    expect(fragmentDigest('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
  });
});
