import { describe, expect, it } from 'vitest';
import { findCredentials, findEnvFileProblem, listRules } from '../../src/core/scan-rules.js';
import { crc32, toBase62 } from '../../src/core/scan-rules-checks.js';

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
