/**
 * Context rules: credentials with no fixed prefix, recognised by where they sit. A password
 * after `curl -u user:` or `wget --password`, an HTTP Basic `Authorization` header, the
 * password part of any `scheme://user:pass@host` URL (including `redis://:pass@`), ODBC
 * connection strings, and XML elements and attributes named like a secret. Values that are
 * references or placeholders (`$PASS`, `${{ secrets.X }}`, `<password>`) are not reported.
 * `Authorization: Bearer`, `key: value` and `--password=value` are the generic rule's (see
 * generic.ts): these rules add the forms it cannot read.
 */
import { looksLikeSecretValue } from './generic.js';
import { type CredentialRule, caseless, patternRule } from './model.js';
import { isPlausiblePassword, isReference } from './placeholders.js';

/** `Basic` credentials: base64 of `user:password` with a plausible password. */
export function isBasicCredential(encoded: string): boolean {
  if (encoded.length % 4 === 1) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded)) return false;
  return isPlausiblePassword(decoded.slice(colon + 1)) && !isReference(decoded.slice(0, colon));
}

const urlPassword = (password: string) => isPlausiblePassword(password) && !/^\d+$/.test(password);

// Names of XML elements and keys that hold a password or a secret, matched case-blind.
const passwordNames = ['password', 'passwd', 'pwd', 'passphrase'];
const secretNames = [
  'secret',
  'clientsecret',
  'client_secret',
  'apikey',
  'api_key',
  'api-key',
  'accesstoken',
  'access_token',
  'authtoken',
  'auth_token',
  'secretkey',
  'secret_key',
  'accesskey',
  'access_key',
  'privatekey',
  'private_key',
  'token',
];
const xmlNames = [...passwordNames, ...secretNames].map(caseless).join('|');
// A key named like a secret, with an optional prefix (`db.password`, `SmtpPassword`).
const xmlKey = `[\\w.:-]{0,40}?(?:${xmlNames})`;
// A Windows DPAPI blob (base64 of its fixed header, as NuGet's `Password` holds) is a value
// encrypted to one user's account, not a cleartext credential.
const dpapiBlob = /^AQAAANCMnd8BFdERjHoAwE/;
const xmlValue = (secret: string) =>
  !dpapiBlob.test(secret) && isPlausiblePassword(secret) && looksLikeSecretValue(secret, true);

/** The context rules, registered after the known formats (a known format wins a tie). */
export const contextRules: readonly CredentialRule[] = [
  patternRule(
    { id: 'curl-user-password', provider: 'curl', description: 'Password in a curl -u/--user option' },
    ['curl'],
    `\\bcurl\\b[^\\n]{0,400}?\\s(?:-u\\s*|-U\\s*|--user[\\s=]+|--proxy-user[\\s=]+)["']?[^\\s:"'\`$]{1,64}:([^\\s"'\`]{1,256})`,
    { allowPlaceholder: true, check: isPlausiblePassword },
  ),
  patternRule(
    { id: 'wget-password', provider: 'wget', description: 'Password in a wget --password option' },
    ['wget'],
    `\\bwget\\b[^\\n]{0,400}?\\s--(?:http-|ftp-|proxy-)?password(?:=|\\s+)["']?([^\\s"'\`]{1,256})`,
    { allowPlaceholder: true, check: isPlausiblePassword },
  ),
  patternRule(
    { id: 'http-basic-auth', provider: 'HTTP', description: 'HTTP Basic Authorization header credentials' },
    ['basic'],
    `${caseless('authorization')}["']?\\s{0,3}[:=]\\s{0,3}["'\`]?${caseless('basic')}\\s+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])`,
    { allowPlaceholder: true, check: isBasicCredential },
  ),
  // Any scheme, after the specific connection-string rules: SQLAlchemy's `postgresql+psycopg2://`,
  // `https://user:pass@host`, `redis://:pass@host`. The rarer literal `@` first and the URL read
  // behind it: a leading lookbehind is tried at every offset (20 times slower), and `://` is
  // on most lines of source (twice slower).
  {
    ...patternRule(
      { id: 'url-password', provider: 'URL', description: 'Password in the user part of a URL' },
      ['://'],
      `@(?<=[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\\s:/@"'\`<>{}]{0,128}:([^\\s/@"'\`<>]{1,256})@)[A-Za-z0-9[._-]`,
      { allowPlaceholder: true, check: urlPassword },
    ),
    requires: '@',
  },
  patternRule(
    {
      id: 'odbc-password',
      provider: 'ODBC',
      description: 'ODBC or ADO.NET connection string with a password',
    },
    ['pwd=', 'password='],
    `(?:${['Uid', 'User ID', 'User', 'Database', 'Server', 'DSN', 'Driver', 'Data Source', 'Initial Catalog', 'Host'].map(caseless).join('|')})\\s*=[^;\\n"'\`]*;[^\\n"'\`]{0,200}?(?:${caseless('pwd')}|${caseless('password')})\\s*=\\s*(\\{[^}\\n]{1,256}\\}|[^;"'\`\\s]{1,256})`,
    {
      allowPlaceholder: true,
      check: (secret) => !isReference(secret) && isPlausiblePassword(secret.replace(/^\{|\}$/g, '')),
    },
  ),
  patternRule(
    { id: 'xml-secret-element', provider: 'XML', description: 'Secret in an XML element named like one' },
    [...passwordNames, ...secretNames].map((name) => `${name}>`),
    `<${xmlKey}>\\s*([^<>\\s]{6,256})\\s*</${xmlKey}>`,
    { allowPlaceholder: true, check: xmlValue },
  ),
  patternRule(
    {
      id: 'xml-secret-attribute',
      provider: 'XML',
      description: 'Secret in an XML key/value setting (appSettings, Spring, Java properties)',
    },
    ['key=', 'name='],
    `\\s(?:key|name)=["']${xmlKey}["'](?:\\s+value=["']([^"'<>\\s]{6,256})["']|[^<>]{0,80}>\\s*([^<>\\s]{6,256})\\s*</)`,
    { allowPlaceholder: true, check: xmlValue },
  ),
];
