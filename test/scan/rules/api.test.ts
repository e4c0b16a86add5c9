import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, toBase62 } from '../../../src/scan/rules/checks.js';
import { findCredentials, findEnvFileProblem, listRules } from '../../../src/scan/rules/rules.js';

// A checksummed GitHub-style token built at test time, so no token literal sits in the repository.
function githubToken(prefix: string): string {
  const random = 'Q7w2Z9kLm4Np8Rt1Vx6By3Cd5Fg0Hj'.split('').reverse().join('');
  return prefix + random + toBase62(crc32(random), 6);
}

describe('scan-rules interface', () => {
  it('finds a token and returns the offsets of its secret part', () => {
    const token = githubToken(['gh', 'p_'].join(''));
    const text = `const t = "${token}";\n`;
    const findings = findCredentials(text, 'src/a.ts');
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'github-personal-access-token', start: 11, end: 11 + token.length }),
    ]);
    expect(text.slice(findings[0]!.start, findings[0]!.end)).toBe(token);
  });

  it('reports a prefixed token only when no token character touches it', () => {
    const token = githubToken(['gh', 'p_'].join(''));
    expect(findCredentials(token, 'a')).toHaveLength(1);
    expect(findCredentials(`=${token}\n`, 'a')).toHaveLength(1);
    expect(findCredentials(`x${token}`, 'a')).toEqual([]);
    expect(findCredentials(`_${token}`, 'a')).toEqual([]);
    expect(findCredentials(`${token}9`, 'a')).toEqual([]);
  });

  it('lists every rule with a unique id', () => {
    const ids = listRules().map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('generic-secret-assignment');
    expect(ids).toContain('env-file-committed');
  });

  it('flags a .env with a value and not its example', () => {
    expect(findEnvFileProblem('app/.env', 'A=1\n')).toMatchObject({
      ruleId: 'env-file-committed',
      start: 2,
      end: 3,
    });
    expect(findEnvFileProblem('app/.env.example', 'A=1\n')).toBeNull();
  });
});

describe('robustness', () => {
  it('never throws, and returns spans inside the text, on arbitrary input', () => {
    const pieces = fc.constantFrom(
      'ghp_',
      'xoxb-',
      '-us1',
      'postgres://',
      'a:b@',
      '-----BEGIN RSA PRIVATE KEY-----',
      '\n',
      '"',
      "'",
      '=',
      ': ',
      'eyJ',
      '.',
      'api_key',
      'password',
      'AKIA',
      '\\',
      '\u{1F600}',
      'é',
      'ABCDEF0123456789',
      'sk_live_',
      '${',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 80 }), fc.string(), (parts, path) => {
        const text = parts.join('');
        for (const finding of findCredentials(text, path)) {
          expect(finding.start).toBeGreaterThanOrEqual(0);
          expect(finding.end).toBeGreaterThan(finding.start);
          expect(finding.end).toBeLessThanOrEqual(text.length);
        }
        findEnvFileProblem(path, text);
      }),
      { numRuns: 300 },
    );
  });

  it('stays linear on long runs of near-misses', () => {
    const hostile = [
      '-us1 '.repeat(40_000),
      'postgres://a:'.repeat(20_000),
      `${'-----BEGIN RSA PRIVATE KEY-----\n'.repeat(5_000)}`,
      `api_key = "${'a'.repeat(200_000)}`,
      'eyJ'.repeat(60_000),
      `?sv=2020-01-01&${'x'.repeat(200_000)}`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      findCredentials(text, 'src/a.ts');
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});
