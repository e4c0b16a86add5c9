/**
 * A repository's own rules (`.latch/scan-rules.yaml`, read and validated by
 * custom-rules.ts), compiled to the same shape as the built-in ones. A spec is plain data
 * so that it can be sent to the scan worker threads, which compile it again.
 */
import { type CredentialRule, shannonEntropy } from './rules/model.js';

/** One validated custom rule, as plain data. */
export interface CustomRuleSpec {
  id: string;
  description: string;
  /** Pattern source (JavaScript syntax); the first capture group is the secret, else the match. */
  regex: string;
  /** `i` when the rule was written with a leading `(?i)`, else empty. */
  flags: string;
  /** Lowercase literals; when given, the rule runs only on text that contains one of them. */
  keywords: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Pattern sources; a secret matching any of them is not reported. */
  allow: string[];
  severity?: string;
}

/** Custom rules compiled for one scan, with the specs they came from (for worker threads). */
export interface CustomRules {
  specs: readonly CustomRuleSpec[];
  rules: readonly CredentialRule[];
}

export const noCustomRules: CustomRules = { specs: [], rules: [] };

/** The secret's span: the first capture group, or the whole match when there is none. */
export function customPatternSource(spec: Pick<CustomRuleSpec, 'regex'>): string {
  const probe = new RegExp(`${spec.regex}|`);
  const groups = (probe.exec('')?.length ?? 1) - 1;
  return groups > 0 ? spec.regex : `(${spec.regex})`;
}

/** Compiles validated specs. Throws only on a spec that did not pass validation. */
export function compileCustomRules(specs: readonly CustomRuleSpec[]): CustomRules {
  const rules = specs.map((spec): CredentialRule => {
    const allow = spec.allow.map((source) => new RegExp(source, spec.flags));
    const { entropy } = spec;
    return {
      id: spec.id,
      provider: 'Custom',
      description: spec.description,
      keywords: spec.keywords,
      // Only the first group counts: a rule author's other groups are their business.
      pattern: new RegExp(firstGroupOnly(customPatternSource(spec)), `gd${spec.flags}`),
      check: (secret) =>
        (entropy === undefined || shannonEntropy(secret) >= entropy) &&
        !allow.some((pattern) => pattern.test(secret)),
      ...(spec.severity ? { severity: spec.severity } : {}),
    };
  });
  return { specs, rules };
}

/**
 * The pattern with every capture group but the first made non-capturing, so that the secret is
 * the first group (the engine spans all groups). Named groups and escapes are left alone.
 */
function firstGroupOnly(source: string): string {
  let out = '';
  let seen = 0;
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index]!;
    if (character === '\\') {
      out += character + (source[index + 1] ?? '');
      index++;
      continue;
    }
    if (inClass) {
      if (character === ']') inClass = false;
    } else if (character === '[') inClass = true;
    else if (character === '(' && source[index + 1] !== '?') {
      seen++;
      if (seen > 1) {
        out += '(?:';
        continue;
      }
    }
    out += character;
  }
  return out;
}
