import { describe, expect, it } from 'vitest';
import {
  isLockFile,
  isSecretName,
  isTestFixturePath,
  looksLikeSecretValue,
} from '../../../src/scan/rules/generic.js';
import { findCredentials } from '../../../src/scan/rules/rules.js';
import { createRandom } from '../fixtures.js';

const random = createRandom(2024);
const value = () => `${random.base62(12)}${random.pick('!#%&*+-.', 2)}${random.base62(14)}`;

function genericSpans(text: string, path = 'src/config.ts'): string[] {
  return findCredentials(text, path)
    .filter((finding) => finding.ruleId === 'generic-secret-assignment')
    .map((finding) => text.slice(finding.start, finding.end));
}

describe('generic secret assignments', () => {
  it.each([
    ['env', (v: string) => `SESSION_SECRET=${v}\n`],
    ['env export', (v: string) => `export MY_SERVICE_TOKEN=${v}\n`],
    ['shell quoted', (v: string) => `ACME_API_KEY="${v}"\n`],
    ['js const', (v: string) => `const signingKey = '${v}';\n`],
    ['js object', (v: string) => `  clientSecret: "${v}",\n`],
    ['json', (v: string) => `{ "internal_auth_token": "${v}" }\n`],
    ['yaml', (v: string) => `database:\n  password: ${v}\n`],
    ['go', (v: string) => `\tapiKey := "${v}"\n`],
    ['php/ruby hash', (v: string) => `'webhook_secret' => '${v}',\n`],
    ['python kwarg', (v: string) => `connect(host="db", passwd="${v}")\n`],
    ['cli flag', (v: string) => `curl --token=${v} https://internal\n`],
    ['toml', (v: string) => `private_key = "${v}"\n`],
    ['xml attribute', (v: string) => `<add key="x" credential="${v}" />\n`],
    ['header line', (v: string) => `curl -H "Authorization: Bearer ${v}" https://internal\n`],
    ['header object', (v: string) => `headers: { authorization: "Bearer ${v}" },\n`],
  ])('reports a random value in %s form, exactly', (_form, render) => {
    const secret = value();
    expect(genericSpans(render(secret))).toEqual([secret]);
  });

  it('reports a short but mixed password', () => {
    const password = ['Tr0ub', '4dor&3'].join('');
    expect(genericSpans(`DB_PASSWORD=${password}\n`)).toEqual([password]);
  });

  it.each([
    ['placeholder', 'API_KEY=changeme'],
    ['placeholder words', 'API_KEY="your-api-key-here"'],
    ['angle placeholder', 'SECRET_KEY=<secret-key>'],
    ['variable reference', `API_TOKEN=${'$'}{API_TOKEN}`],
    ['shell reference', 'export AUTH_TOKEN=$AUTH_TOKEN_FROM_CI'],
    ['template', 'password: "{{ vault_password }}"'],
    ['x run', 'SECRET=xxxxxxxxxxxxxxxxxxxx'],
    ['all same', 'SECRET=aaaaaaaaaaaaaaaaaaaaaaaa'],
    ['sequence', 'ACCESS_KEY=abcdef1234567890'],
    ['uuid', 'CLIENT_SECRET=123e4567-e89b-42d3-a456-426614174000'],
    ['integrity hash', `"integrity_key": "sha512-${'Qm9vbGVhbiBmb28gYmFy'.repeat(4)}=="`],
    ['identifier', 'const token = getTokenFromEnvironment();'],
    ['property path', 'const apiKey = config.services.payments.apiKey;'],
    ['env lookup', 'password = os.environ["DB_PASSWORD"]'],
    ['comparison', 'if (token == "abcDEF123ghiJKL456mno") return;'],
    ['type annotation', 'password: string;'],
    ['number', 'TOKEN_TTL=86400000000'],
    ['url', 'AUTH_URL=https://login.example.net/oauth2/token'],
    ['path', 'PRIVATE_KEY=./keys/dev-private.pem'],
    ['public key name', `STRIPE_PUBLISHABLE_KEY=pk_${'aB3dE5fG7hJ9kL1mN3pQ5rS7'}`],
    ['harmless key name', `const sortKey = "${'q8Zr2LmX0vB7nC4k'}";`],
    ['name without secret word', `const buildId = "${'q8Zr2LmX0vB7nC4kW1pE'}";`],
    ['reference', 'STRIPE_KEY=latch://payments/stripe'],
    ['sentence', 'password_hint = "the name of our first dog"'],
    ['max tokens', 'max_tokens: 4096000000'],
    ['too short', 'api_key = "short1"'],
    ['call expression', 'const secret = getUInt8Buffer((_a = options.secret));'],
    ['boolean expression', 'k=r.API_KEY:process.env.API_KEY&&process.env.API_KEY.length'],
    ['chained assignment', 'Q.AUTH_TOKEN=Q.HEX=Q.URL_CHAR=Q.MARK'],
    ['type in an interface', 'password: IDataType'],
    ['translated message', '"unexpected_token_1068": "予期しないトークンです。コンストラクター"'],
    ['method call', 'const webSocketToken = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));'],
  ])('ignores %s', (_kind, line) => {
    expect(genericSpans(`${line}\n`)).toEqual([]);
  });

  it('stays silent in lock files, and in test fixtures for made-up values only', () => {
    const line = `"auth_token": "${value()}"\n`;
    for (const path of [
      'package-lock.json',
      'a/yarn.lock',
      'pnpm-lock.yaml',
      'Cargo.lock',
      'go.sum',
      'poetry.lock',
    ]) {
      expect(genericSpans(line, path)).toEqual([]);
    }
    const fixturePaths = [
      'test/fixtures/tokens.json',
      'pkg/testdata/config.yaml',
      'src/__snapshots__/a.snap',
    ];
    // A random value pasted into a fixture is still a leak; a short made-up password is not.
    const secret = value();
    for (const path of fixturePaths) {
      expect(genericSpans(`"auth_token": "${secret}"\n`, path)).toEqual([secret]);
      expect(genericSpans('DB_PASSWORD=Tr0ub4dor&3\n', path)).toEqual([]);
      expect(genericSpans('api_secret: aaaabbbbccccdddd1234\n', path)).toEqual([]);
    }
    expect(genericSpans('DB_PASSWORD=Tr0ub4dor&3\n', 'config/settings.env')).toEqual(['Tr0ub4dor&3']);
    expect(genericSpans(line, 'config/settings.json')).toHaveLength(1);
  });

  it('does not report a span again that a known-format rule reported', () => {
    const token = `xoxb-${random.digits(11)}-${random.digits(12)}-${random.base62(24)}`;
    const findings = findCredentials(`SLACK_BOT_TOKEN=${token}\n`, 'src/a.ts');
    expect(findings.map((finding) => finding.ruleId)).toEqual(['slack-bot-token']);
  });

  it('reads long minified lines around the keyword only, and still finds the value', () => {
    const secret = value();
    const filler = 'var a=1;'.repeat(5000);
    expect(genericSpans(`${filler}var secretKey="${secret}";${filler}`)).toEqual([secret]);
  });

  it('finds several assignments on one line and none twice', () => {
    const first = value();
    const second = value();
    expect(genericSpans(`{"app_secret":"${first}","refresh_token":"${second}"}`)).toEqual([first, second]);
  });

  it.each([
    ['API_KEY', true],
    ['apiKey', true],
    ['x-api-key', true],
    ['githubToken', true],
    ['DB_PASSWORD', true],
    ['passwd', true],
    ['pwd', true],
    ['auth', true],
    ['basic_auth', true],
    ['aws_credentials', true],
    ['PRIVATE_KEY', true],
    ['jwtSigningKey', true],
    ['author', false],
    ['tokenizer', false],
    ['max_tokens', false],
    ['primary_key', false],
    ['TOKEN_URL', false],
    ['secret_name', false],
    ['publicKey', false],
    ['keyboard', false],
    ['monkey', false],
  ])('name %s is secret-looking: %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it('judges values by charset and length', () => {
    expect(looksLikeSecretValue(random.hex(40), false)).toBe(true);
    expect(looksLikeSecretValue(random.hex(12), false)).toBe(false);
    expect(looksLikeSecretValue(random.base62(32), false)).toBe(true);
    expect(looksLikeSecretValue('ThisIsMyApplicationName', false)).toBe(false);
    expect(looksLikeSecretValue('k9#Lq2!v', true)).toBe(true);
    expect(looksLikeSecretValue('k9#Lq2!v', false)).toBe(false);
  });

  it('tells lock files and test fixtures by path', () => {
    expect(isLockFile('deep/dir/package-lock.json')).toBe(true);
    expect(isLockFile('src/lock.json')).toBe(false);
    expect(isTestFixturePath('spec\\fixtures\\keys.yml')).toBe(true);
    expect(isTestFixturePath('src/fixture-loader.ts')).toBe(true);
    expect(isTestFixturePath('src/keys.ts')).toBe(false);
  });
});
