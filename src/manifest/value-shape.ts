/**
 * Whether a piece of text looks like a credential rather than prose, a name or a
 * placeholder. The manifest refuses such text (it is committed); the scanner will reuse it.
 */
// Well-known credential prefixes; the rest must look random, so `sk-learn-models` passes.
const prefixedPattern = /(?<![A-Za-z0-9])(sk-|ghp_|github_pat_|xox[bp]-)([A-Za-z0-9_-]{16,})/g;
const awsKeyPattern = /(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])/g;
const placeholderPattern =
  /x{4,}|\*{3,}|\.\.\.|<[^>]*>|\$\{[^}]*\}|your[_-]|example|placeholder|changeme|dummy|redacted/i;
const wordPattern = /^(?:(?:[A-Z]?[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)\d*|\d+)$/;

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const count of counts.values()) bits -= (count / length) * Math.log2(count / length);
  return bits;
}

/** True when every alphanumeric run between separators is a word, a number or both (`name01`). */
function isMadeOfWords(token: string): boolean {
  return token
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .every((segment) => wordPattern.test(segment));
}

/**
 * A high-entropy token without spaces, like an API key, rather than a URL, an e-mail address,
 * an identifier (`myOAuth2ClientForStaging`) or a placeholder. Random text switches between
 * case and digits every one or two characters; identifiers have runs of three or more.
 */
function looksRandom(word: string): boolean {
  const token = word.replace(/^["'`([{<]+|[)\]}>"'`,.;:!?]+$/g, '');
  if (token.length < 20 || placeholderPattern.test(token) || isMadeOfWords(token)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(token)).length;
  if (classes < 2 || shannonEntropy(token) <= 3.5) return false;
  const runs = token.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  const alphanumerics = token.replace(/[^A-Za-z0-9]/g, '').length;
  return runs.length === 0 || alphanumerics / runs.length < 3;
}

/**
 * True for well-known credential formats anywhere in `text`, and, unless `text` is a name
 * (which its own pattern already limits), for any token that looks random.
 */
export function looksLikeCredential(text: string, isName = false): boolean {
  if (text.includes('-----BEGIN')) return true;
  for (const match of text.matchAll(prefixedPattern)) {
    if (!placeholderPattern.test(match[0]) && !isMadeOfWords(match[2] ?? '')) return true;
  }
  for (const match of text.matchAll(awsKeyPattern)) if (!placeholderPattern.test(match[0])) return true;
  return !isName && text.split(/\s+/).some(looksRandom);
}
