/**
 * Baseline files: the fingerprints of findings a repository has accepted (old leaks already
 * rotated, test keys), so that an existing repository can adopt latch and block only new
 * ones. A fingerprint hashes the rule (or secret name), the path and a hash of the secret; it
 * does not depend on the line, so edits around a finding keep it baselined.
 */
import { LatchError } from '../shared/errors.js';
import type { Finding } from './content.js';

export const baselineVersion = 1;

/**
 * Serialises the fingerprints of `findings`, plus those of an existing baseline being
 * extended (`--baseline F --write-baseline F` keeps what F held), sorted and deduplicated.
 */
export function renderBaseline(findings: Finding[], existing: Iterable<string> = []): string {
  const fingerprints = [...new Set([...existing, ...findings.map((finding) => finding.fingerprint)])].sort();
  return `${JSON.stringify({ version: baselineVersion, tool: 'latch', fingerprints }, null, 2)}\n`;
}

/** Parses a baseline file. Throws E_USAGE when it is not one (names the file's problem, not its content). */
export function parseBaseline(text: string): Set<string> {
  let document: { version?: unknown; fingerprints?: unknown };
  try {
    document = JSON.parse(text);
  } catch {
    throw new LatchError(
      'E_USAGE',
      'the baseline file is not JSON; write one with `latch scan --write-baseline FILE`',
    );
  }
  if (
    document?.version !== baselineVersion ||
    !Array.isArray(document.fingerprints) ||
    !document.fingerprints.every((item) => typeof item === 'string')
  ) {
    throw new LatchError(
      'E_USAGE',
      'the baseline file is not a latch baseline (version 1); write one with `latch scan --write-baseline FILE`',
    );
  }
  return new Set(document.fingerprints as string[]);
}
