/**
 * Generic secrets: a high-entropy value assigned to a secret-looking name, for the credentials
 * no known-format rule describes (a team's own tokens, passwords, signing keys). The checks
 * lean towards silence: placeholders, references, identifiers, hashes in lock files, UUIDs and
 * test fixtures stay out, because a hook that cries wolf gets uninstalled.
 */
import { nameAround, readAssignment } from './assignment.js';
import { type CredentialFinding, shannonEntropy } from './model.js';
import { isLowEntropyForAlphabet, isPlaceholderValue } from './placeholders.js';

/** Keywords that make a line worth a look: parts of secret-looking names. */
export const genericKeywords: readonly string[] = [
  'key',
  'token',
  'secret',
  'pass',
  'pwd',
  'auth',
  'credential',
];

const description = 'High-entropy value assigned to a secret-looking name';

// Lock files hold integrity hashes and resolved checksums by design.
const lockFileNames = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'deno.lock',
  'cargo.lock',
  'go.sum',
  'go.work.sum',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'composer.lock',
  'gemfile.lock',
  'mix.lock',
  'pubspec.lock',
  'podfile.lock',
  'packages.lock.json',
  'gradle.lockfile',
  'flake.lock',
  'package.resolved',
]);
const fixtureSegments = new Set([
  'fixtures',
  'fixture',
  '__fixtures__',
  'testdata',
  'test-data',
  'test_data',
  '__snapshots__',
  '__mocks__',
]);

/** True when `path` is a lock file, where the generic rule stays silent (integrity hashes by design). */
export function isLockFile(path: string): boolean {
  const name = path.replace(/\\/g, '/').toLowerCase().split('/').pop() ?? '';
  return lockFileNames.has(name);
}

/**
 * True when `path` is a test fixture (a fixture directory or a file named so). Fixtures are not
 * ignored: there the generic rule reports only values that are long and random for their
 * alphabet, since a fixture's `password: hunter2-test` is made up but a pasted key is not.
 */
export function isTestFixturePath(path: string): boolean {
  const segments = path.replace(/\\/g, '/').toLowerCase().split('/');
  const name = segments[segments.length - 1] ?? '';
  if (name.endsWith('.snap') || /(^|[._-])fixtures?([._-]|$)/.test(name)) return true;
  return segments.slice(0, -1).some((segment) => fixtureSegments.has(segment));
}

/** A value random enough to be reported even in a test fixture. */
function looksRandomInFixture(value: string): boolean {
  return value.length >= 16 && !isPlaceholderValue(value) && !isLowEntropyForAlphabet(value, 0.85);
}

// Names of things that are not secrets although they contain a keyword.
const harmlessLastSegments = new Set([
  'url',
  'uri',
  'urls',
  'path',
  'paths',
  'file',
  'dir',
  'name',
  'names',
  'id',
  'ids',
  'type',
  'types',
  'endpoint',
  'header',
  'length',
  'len',
  'size',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'count',
  'max',
  'min',
  'prefix',
  'suffix',
  'env',
  'var',
  'field',
  'format',
  'mode',
  'version',
  'enabled',
  'hash',
  'hashed',
  'digest',
  'alg',
  'algorithm',
  'kind',
  'label',
  'location',
  'ref',
  'region',
  'provider',
  'scope',
  'scopes',
  'method',
  'policy',
  'template',
  'pattern',
  'regex',
  'host',
  'port',
  'user',
  'username',
  'email',
  'issuer',
  'audience',
  'index',
]);
const harmlessKeyNames = new Set([
  'primary',
  'foreign',
  'sort',
  'cache',
  'partition',
  'public',
  'publishable',
  'map',
  'object',
  'lookup',
  'idempotency',
  'row',
  'unique',
  'composite',
  'hot',
  'shortcut',
  'i18n',
  'translation',
  'storage',
  'react',
  'dedupe',
  'group',
  'routing',
  'shard',
  'bucket',
  'dict',
  'hash',
  'entry',
  'cursor',
  'next',
  'prev',
  'last',
  'first',
]);

// Source files repeat the same few names (`cacheKey`, `authToken`) on line after line.
const secretNameCache = new Map<string, boolean>();

/** True when a (possibly camelCase) name reads like it holds a secret. */
export function isSecretName(name: string): boolean {
  let verdict = secretNameCache.get(name);
  if (verdict === undefined) {
    verdict = /key|token|secret|pass|pwd|auth|credential/i.test(name) && judgeName(name);
    if (secretNameCache.size >= 10_000) secretNameCache.clear();
    secretNameCache.set(name, verdict);
  }
  return verdict;
}

function judgeName(name: string): boolean {
  const segments = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = segments[segments.length - 1];
  if (last === undefined || harmlessLastSegments.has(last)) return false;
  if (segments.some((segment) => segment === 'public' || segment === 'publishable' || segment === 'example'))
    return false;
  const joined = segments.join('_');
  if (
    /secret|token|passw|passphrase|credential|private_?key|api_?key|access_?key|signing_?key|encryption_?key|master_?key/.test(
      joined,
    )
  ) {
    return (
      !/^(?:token_?izer|tokens?_?(?:count|limit|usage|type|budget)|max_?tokens?)$/.test(joined) &&
      !/tokeniz/.test(joined)
    );
  }
  if (
    segments.includes('pwd') ||
    segments.includes('pass') ||
    segments.includes('auth') ||
    segments.includes('authorization')
  ) {
    return true;
  }
  if (last === 'key' || last === 'keys') {
    const before = segments[segments.length - 2];
    return before !== undefined && !harmlessKeyNames.has(before);
  }
  return false;
}

const placeholderWords =
  /changeme|change_me|change-me|replace|example|sample|dummy|fake|mock|placeholder|redacted|insert|your[_-]|[_-]here\b|xxx|\*\*\*|password|secret|token|test|todo|fixme|lorem|null|undefined|none|true|false/i;
const referencePattern =
  /^(?:\$|%|@|<|\{\{|#\{|ENC\[|encrypted:|vault:|arn:|ref\+|op:\/\/|latch:\/\/|\[\[|\{\s*\{|~|\.{0,2}\/)|\$\{|\$\(|\{\{|<%|%\(|\.\.\./;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sequencePattern = /(.)\1{5,}|01234|12345|23456|34567|45678|56789|abcde|bcdef|qwert|asdfg/i;

/** Alphanumeric runs of three or more letters or digits, as identifiers and words have. */
function isMadeOfWords(value: string): boolean {
  const alphanumerics = value.replace(/[^A-Za-z0-9]/g, '');
  if (alphanumerics.length === 0) return true;
  const runs = alphanumerics.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  return alphanumerics.length / runs.length >= 3.2;
}

function characterClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(value)).length;
}

/**
 * True when `value`, assigned to a secret-looking name, looks like a real secret rather than
 * a placeholder, reference, identifier, number, hash or UUID. `isPassword` lowers the bar
 * (people choose passwords; they are short and less random than tokens).
 */
export function looksLikeSecretValue(value: string, isPassword: boolean): boolean {
  // Secrets are printable ASCII without the punctuation of code: `f(x)`, `a && b`, `{...}`,
  // `a=b=c` are expressions that happen to follow a secret-looking name.
  if (value.length < 8 || value.length > 1000 || !/^[\x21-\x7e]+$/.test(value)) return false;
  if (
    /[(){};,[\]<>|\\]|&&|=[^=]/.test(value) ||
    /^(?:process\.env|import\.meta|os\.environ|System\.getenv|ENV\[)/.test(value)
  ) {
    return false;
  }
  if (placeholderWords.test(value) || referencePattern.test(value) || sequencePattern.test(value))
    return false;
  if (value.includes('://') || uuidPattern.test(value) || /^(?:sha\d+|md5|sha)[-:=]/i.test(value))
    return false;
  if (/^[\d.,:_-]+$/.test(value) || /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/.test(value) || value.endsWith('('))
    return false;
  const entropy = shannonEntropy(value);
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 16 && entropy >= 3;
  const classes = characterClasses(value);
  if (value.length < 16) {
    return (
      isPassword &&
      /[A-Za-z]/.test(value) &&
      /[^A-Za-z]/.test(value) &&
      entropy >= 2.5 &&
      !isMadeOfWords(value)
    );
  }
  if (classes === 1) return value.length >= 20 && entropy >= 3.8 && !/[aeiou]{2}/.test(value);
  if (isMadeOfWords(value) && entropy < 4.2) return false;
  return entropy >= Math.min(3.5, Math.log2(value.length) - 0.5);
}

/**
 * Generic findings in `text`: values of secret-looking assignments that look random. Silent
 * for lock files; stricter in test fixtures (`path`). `keywordPositions` (from the prefilter: ascending
 * offsets of generic keywords) says where to look, so that only the names holding a keyword
 * are read. Never throws.
 */
export function findGenericSecrets(
  text: string,
  path: string,
  keywordPositions: readonly number[],
): CredentialFinding[] {
  if (keywordPositions.length === 0 || isLockFile(path)) return [];
  const fixture = isTestFixturePath(path);
  const findings: CredentialFinding[] = [];
  let lastNameEnd = -1;
  for (const position of keywordPositions) {
    if (position < lastNameEnd) continue; // another keyword of a name already read (`secret_key`)
    const name = nameAround(text, position);
    if (name === null) continue;
    lastNameEnd = name[1];
    // The name first: most keyword hits are names like `cacheKey`, and the verdict is cached.
    if (!isSecretName(text.slice(name[0], name[1]))) continue;
    const assignment = readAssignment(text, name[0], name[1]);
    if (assignment === null) continue;
    const value = text.slice(assignment.valueStart, assignment.valueEnd);
    if (!looksLikeSecretValue(value, /pass|pwd/i.test(assignment.name))) continue;
    if (fixture && !looksRandomInFixture(value)) continue;
    findings.push({
      ruleId: 'generic-secret-assignment',
      description,
      start: assignment.valueStart,
      end: assignment.valueEnd,
    });
  }
  return findings;
}
