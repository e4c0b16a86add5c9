import { describe, expect, it } from 'vitest';
import { isDocumentedExample } from '../../../src/scan/rules/examples.js';
import { findCredentials } from '../../../src/scan/rules/rules.js';
import { createRandom, makeJwt, type Random } from '../fixtures.js';

const ids = (text: string) => findCredentials(text, 'README.md').map((finding) => finding.ruleId);

// Each documented example (cut in two here so that no scanner reads the literal) beside a
// random value of the same format, which the same rule must still report.
const cases: [string, string, (r: Random) => string, string][] = [
  [
    'AWS access key id',
    ['AKIAIOSFOD', 'NN7EXAMPLE'].join(''),
    (r) => `AKIA${r.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    'aws-access-key-id',
  ],
  [
    'Stripe test key',
    ['sk_test_4eC39Hq', 'LyjWDarjtT1zdp7dc'].join(''),
    (r) => `sk_test_${r.base62(24)}`,
    'stripe-test-secret-key',
  ],
  [
    'jwt.io token',
    [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
      'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ].join('.'),
    (r) => makeJwt(r),
    'jwt',
  ],
  [
    'Slack bot token',
    ['xoxb-17653672481-', '19874698323-pdFZKVeTuE8sk7oOcBrzbqgy'].join(''),
    (r) => `xoxb-${r.digits(11)}-${r.digits(11)}-${r.base62(24)}`,
    'slack-bot-token',
  ],
];

describe('documented example credentials', () => {
  it.each(
    cases,
  )('%s: the documented value is not reported, a real one is', (_name, example, real, ruleId) => {
    expect(isDocumentedExample(example)).toBe(true);
    expect(ids(`const key = "${example}";\n`)).toEqual([]);
    expect(ids(`const key = "${real(createRandom(5))}";\n`)).toEqual([ruleId]);
  });

  it("drops a tutorial's password in a connection string, not a real one in the same place", () => {
    expect(ids('Server=db;Database=app;User Id=app;Password=myPassword;\n')).toEqual([]);
    expect(ids('DATABASE_URL=postgres://app:password123@db/app\n')).toEqual([]);
    const real = `${createRandom(4).base62(12)}-x`;
    expect(ids(`Server=db;Database=app;User Id=app;Password=${real};\n`)).toEqual(['ado-net-password']);
    expect(ids(`DATABASE_URL=postgres://app:${real}@db/app\n`)).toEqual(['postgres-url-password']);
  });

  it('does not suppress the generic rule for anything but the exact value', () => {
    const secret = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
    expect(ids(`aws_secret_access_key = ${secret}\n`)).toEqual([]);
    const real = createRandom(9).base64(40);
    expect(ids(`aws_secret_access_key = ${real}\n`)).toEqual(['aws-secret-access-key']);
  });
});
