/**
 * Generic secrets: a high-entropy value assigned to a secret-looking name, for the credentials
 * no known-format rule describes (a team's own tokens, passwords, signing keys).
 */
import type { CredentialFinding } from './scan-rules-model.js';

/** Keywords that make a line worth a look: parts of secret-looking names. */
export const genericKeywords: readonly string[] = [
  'key',
  'token',
  'secret',
  'passw',
  'pwd',
  'auth',
  'credential',
];

/**
 * Generic findings in `text`. `keywordPositions` (from the prefilter) says where the generic
 * keywords occur, so that only those lines are read. Never throws.
 */
export function findGenericSecrets(
  _text: string,
  _path: string,
  _keywordPositions: ReadonlyMap<string, readonly number[]>,
): CredentialFinding[] {
  return [];
}
