/**
 * The shape of a credential rule and the helpers the rule tables are written with. A rule is
 * data: keywords for the prefilter, one regular expression whose capture groups span the secret, and
 * optional checks (entropy, checksum) that tell a real token from a look-alike.
 */

/** One credential found in a text: which rule, and where the secret part is. */
export interface CredentialFinding {
  /** Stable id, e.g. `aws-access-key-id`, `generic-secret-assignment`. */
  ruleId: string;
  /** What was found, e.g. `AWS access key ID`. */
  description: string;
  /** Offset of the secret part (not the whole match) in the scanned text, as a JS string index. */
  start: number;
  /** Exclusive end of the secret part. */
  end: number;
  /** The severity a custom rule declares (`.latch/scan-rules.yaml`); built-in rules have none. */
  severity?: string;
}

/** What a report or SARIF `tool.driver.rules` needs to know about a rule. */
export interface RuleInfo {
  id: string;
  provider: string;
  description: string;
}

/** A known credential format. */
export interface CredentialRule extends RuleInfo {
  /** Lowercase literals; the rule runs only on text that contains at least one of them. */
  keywords: readonly string[];
  /**
   * Global, with indices (`gd`). The secret runs from the start of the first capture group to
   * the end of the last (usually there is one). Built by the helpers below.
   */
  pattern: RegExp;
  /** Extra test on the secret (entropy, checksum, decodes to JSON...); false drops the match. */
  check?: (secret: string) => boolean;
  /**
   * A literal the text must contain for the pattern to run: `String.includes` is far cheaper
   * than a pattern's own search when that pattern cannot start with a literal run.
   */
  requires?: string;
  /** See {@link CredentialFinding.severity}. */
  severity?: string;
  /** What the checks test, in words, for docs/scan-rules.md (`entropy >= 3 bits/char`, ...). */
  checks?: readonly string[];
}

/** Characters that continue a token: a match must not be a slice of a longer one. */
export const tokenCharacter = 'A-Za-z0-9_';

/** Escapes a literal for use inside a regular expression. */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `aws` → `[aA][wW][sS]`: a case-blind literal inside an otherwise case-sensitive pattern (Node 20 has no `(?i:)`). */
export function caseless(literal: string): string {
  let out = '';
  for (const character of literal) {
    const lower = character.toLowerCase();
    const upper = character.toUpperCase();
    out += lower === upper ? escapeRegExp(character) : `[${lower}${upper}]`;
  }
  return out;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

// Documentation placeholders that sit in a token's place: runs of one character, `xxxx`,
// `EXAMPLE`, `<...>`, `${VAR}`. A real token of a known format never contains these.
const placeholderPattern = /(.)\1{7,}|x{5,}|X{5,}|example|EXAMPLE|placeholder|PLACEHOLDER|\$\{|<[a-z_ -]+>/;
const sequencePattern = /0123456789|123456789|abcdefghij|ABCDEFGHIJ/;

/** True for text that stands in for a secret rather than being one. */
export function isPlaceholder(secret: string): boolean {
  return placeholderPattern.test(secret) || sequencePattern.test(secret);
}

/** Not a placeholder, and at least `minEntropy` bits per character. */
export function looksRandom(secret: string, minEntropy: number): boolean {
  return !isPlaceholder(secret) && shannonEntropy(secret) >= minEntropy;
}

/** Options shared by the rule builders. */
export interface RuleOptions {
  /** Minimum Shannon entropy (bits per character) of the secret, when the format has no checksum. */
  minEntropy?: number;
  /** Extra test; see {@link CredentialRule.check}. */
  check?: (secret: string) => boolean;
  /** Keywords when the prefix alone is not one (default: the prefix, lowercased). */
  keywords?: readonly string[];
  /** Keep placeholder-looking secrets (formats where `xxxx` cannot occur, e.g. PEM headers). */
  allowPlaceholder?: boolean;
}

/** The checks of `options` in words: the function's name stands for a custom check. */
function describeChecks(options: RuleOptions): string[] {
  const checks: string[] = [];
  if (!options.allowPlaceholder) checks.push('not a placeholder');
  if (options.minEntropy !== undefined) checks.push(`entropy >= ${options.minEntropy} bits/char`);
  const name = options.check?.name;
  if (options.check) checks.push(name && name !== 'check' ? name : 'format check');
  return checks;
}

function combinedCheck(options: RuleOptions): ((secret: string) => boolean) | undefined {
  const { minEntropy, check, allowPlaceholder } = options;
  if (minEntropy === undefined && check === undefined && allowPlaceholder) return undefined;
  return (secret) => {
    if (!allowPlaceholder && isPlaceholder(secret)) return false;
    if (minEntropy !== undefined && shannonEntropy(secret) < minEntropy) return false;
    return check === undefined || check(secret);
  };
}

/** A rule from a raw pattern source whose capture groups span the secret. */
export function patternRule(
  info: RuleInfo,
  keywords: readonly string[],
  source: string,
  options: RuleOptions = {},
): CredentialRule {
  const check = combinedCheck(options);
  return {
    ...info,
    keywords: keywords.map((keyword) => keyword.toLowerCase()),
    pattern: new RegExp(source, 'gd'),
    ...(check ? { check } : {}),
    checks: describeChecks(options),
  };
}

/**
 * A token that starts with a fixed prefix (`ghp_`, `glpat-`, `xoxb-`): the prefix and `body`
 * (a pattern source) form the secret, bounded on both sides by non-token characters.
 */
export function prefixRule(
  info: RuleInfo,
  prefix: string,
  body: string,
  options: RuleOptions = {},
): CredentialRule {
  const keywords = options.keywords ?? [prefix.toLowerCase()];
  const literal = escapeRegExp(prefix);
  // The literal first and the boundary behind it checked after: the engine then skips from
  // one occurrence of the prefix to the next, which a leading lookbehind prevents (1.6 times
  // faster on node_modules).
  const source =
    prefix === ''
      ? `(?<![${tokenCharacter}])(${body})(?![${tokenCharacter}])`
      : `(${literal}(?<![${tokenCharacter}]${literal})${body})(?![${tokenCharacter}])`;
  return patternRule(info, keywords, source, options);
}

/**
 * A value without a distinctive prefix, recognised by the name it is assigned to
 * (`DATADOG_API_KEY=...`, `"twilio_auth_token": "..."`). `name` is a pattern source matched
 * anywhere in the key, case-blind when written with {@link caseless}; `value` is the secret.
 */
export function assignedRule(
  info: RuleInfo,
  keywords: readonly string[],
  name: string,
  value: string,
  options: RuleOptions = {},
): CredentialRule {
  const source =
    `(?:${name})[\\w.-]{0,40}?["'\`]?\\s{0,3}(?:=>|:=|=|:|\\s)\\s{0,3}(?:[\\w.]+\\()?["'\`]?` +
    `(${value})(?![${tokenCharacter}+/=-])`;
  return patternRule(info, keywords, source, options);
}

/** {@link prefixRule} with the usual arguments spelled out: a prefixed token of `provider`. */
export function tokenRule(
  id: string,
  provider: string,
  description: string,
  prefix: string,
  body: string,
  options: RuleOptions = { minEntropy: 3 },
): CredentialRule {
  return prefixRule({ id, provider, description }, prefix, body, options);
}

/**
 * {@link assignedRule} for a value known by the provider's name in the key it is assigned to:
 * `names` are the keywords, matched case-blind in the key.
 */
export function namedRule(
  id: string,
  provider: string,
  description: string,
  names: readonly string[],
  value: string,
  options: RuleOptions = { minEntropy: 3 },
): CredentialRule {
  return assignedRule(
    { id, provider, description },
    names.map((name) => name.toLowerCase()),
    names.map(caseless).join('|'),
    value,
    options,
  );
}
