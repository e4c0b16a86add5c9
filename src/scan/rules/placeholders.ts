/**
 * Values that stand in for a secret rather than being one: template and variable references
 * (`${VAR}`, `$VAR`, `{{ .Values.x }}`, `${{ secrets.X }}`, `%(name)s`, `<your-key>`),
 * documentation words (`your_api_key_here`, `changeme`), masks (`****`, `xxxxxxxx`) and
 * values too regular for their alphabet. The context rules (a password after `curl -u`, in a
 * URL, under an XML key) use these, where no prefix or checksum says "this is a token".
 */
import { shannonEntropy } from './model.js';

// A reference is resolved at deploy or run time: the file holds a name, not a value.
const referencePattern =
  /^\$[A-Za-z_{(]|\$\{|\$\(|\{\{|\}\}|\{%|<%|%\([\w.-]+\)[sdr]|^%[A-Za-z_][\w.-]*%$|^@[A-Za-z_][\w.-]*@$|^#\{|^ENC\[|^(?:vault|op|latch|env|secret|ref\+\w+|arn):|^<[^>]*>$|^\[\[.*\]\]$/;

// Words documentation puts where the secret goes.
const placeholderWordPattern =
  /your[_-]?(?:api[_-]?)?(?:key|token|secret|pass|password|pwd)|[_-]here$|^(?:change[_-]?me|changeit|replace[_-]?me|redacted|placeholder|dummy|fake|sample|example|secret|password|passw0rd|p@ssw0rd|pass|pwd|token|apikey|api[_-]key|test|testing|none|null|nil|undefined|true|false|admin|root|guest|user|username|default|todo|tbd|fixme|xxx+|\*+|\.+|-+|_+)$/i;

const maskPattern = /^[*x.#?_-]+$|(.)\1{5,}|\*{3,}|x{6,}|X{6,}/;
const sequencePattern = /0123456|1234567|abcdefg|ABCDEFG|qwerty|QWERTY|asdfgh/;

// The passwords of tutorials and connection-string references: `myPassword`, `password123`,
// `db_secret1`. Anchored and made of words, so no random token of any format can match.
const documentationPasswordPattern =
  /^(?:my|your|the|some|a)?[_-]?(?:db|database|user|admin|app|root|test)?[_-]?(?:password|passwd|pass|pwd|secret|passphrase)[_-]?\d{0,4}!?$/i;

/** True for a tutorial's password (`myPassword`, `password123`, `db_secret1`): a placeholder. */
export function isDocumentationPassword(value: string): boolean {
  return documentationPasswordPattern.test(value);
}

/** True for a reference to a value held elsewhere (`${DB_PASSWORD}`, `{{ .Values.x }}`, `%(pw)s`). */
export function isReference(value: string): boolean {
  return referencePattern.test(value);
}

/**
 * True for text that stands in for a secret: a reference, a documentation word, a mask, a
 * run or a sequence. A real credential of any format is none of these.
 */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  return (
    trimmed.length === 0 ||
    isReference(trimmed) ||
    placeholderWordPattern.test(trimmed) ||
    documentationPasswordPattern.test(trimmed) ||
    maskPattern.test(trimmed) ||
    sequencePattern.test(trimmed) ||
    /example|placeholder|changeme|redacted|dummy/i.test(trimmed)
  );
}

/** The size of the smallest usual alphabet `value` is written in (hex, base36, base64, printable). */
function alphabetSize(value: string): number {
  if (/^[0-9]+$/.test(value)) return 10;
  if (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value)) return 16;
  if (/^[0-9a-z]+$/.test(value) || /^[0-9A-Z]+$/.test(value)) return 36;
  if (/^[0-9A-Za-z]+$/.test(value)) return 62;
  if (/^[0-9A-Za-z+/=_-]+$/.test(value)) return 64;
  return 94;
}

/**
 * True when `value` is too regular for its alphabet to be random: its Shannon entropy is
 * below `share` of what a random string of its length and alphabet would have.
 */
export function isLowEntropyForAlphabet(value: string, share = 0.6): boolean {
  const expected = Math.min(Math.log2(alphabetSize(value)), Math.log2(Math.max(value.length, 2)));
  return shannonEntropy(value) < expected * share;
}

/**
 * True when `password` (from a URL, a `-u user:pass`, a `Password=` key) can be a real one:
 * at least 6 characters, not a placeholder or reference, not too regular, and not a lone
 * short word (`--password option` in prose, `-u admin:secret` in a tutorial).
 */
export function isPlausiblePassword(password: string): boolean {
  if (password.length < 6 || password.length > 256) return false;
  if (isPlaceholderValue(password) || (password.length < 12 && /^[A-Za-z]+$/.test(password))) return false;
  return !isLowEntropyForAlphabet(password, 0.5);
}

/**
 * True when `value` is base64 of printable text that is a placeholder, or `user:placeholder`
 * (an HTTP Basic header or a Kubernetes `data:` value encoding `changeme`).
 */
export function decodesToPlaceholder(value: string): boolean {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  const colon = decoded.indexOf(':');
  return isPlaceholderValue(decoded) || (colon > 0 && !isPlausiblePassword(decoded.slice(colon + 1)));
}
