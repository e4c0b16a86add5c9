/**
 * Known credential formats, generic secret assignments and committed `.env` files: the pure
 * detectors behind `latch scan`. Text in, findings (rule and offsets) out; no file system, and
 * never the secret itself, so a caller can report a finding without holding on to its value.
 */

import { aiRules } from './ai.js';
import { paymentRules } from './apps.js';
import { cloudRules } from './cloud.js';
import { registryRules, secretManagerRules, sourceHostingRules } from './code.js';
import { contextRules } from './context.js';
import { isDocumentedExample } from './examples.js';
import { findGenericSecrets, genericKeywords } from './generic.js';
import { connectionStringRules, privateKeyRules, tokenRules } from './keys.js';
import {
  findKubernetesSecrets,
  kubernetesDataRule,
  kubernetesKeywords,
  kubernetesStringDataRule,
} from './kubernetes.js';
import { messagingRules } from './messaging.js';
import type { CredentialFinding, CredentialRule, RuleInfo } from './model.js';
import { decodesToPlaceholder, isDocumentationPassword } from './placeholders.js';
import { platformRules } from './platforms.js';
import { createPrefilter } from './prefilter.js';
import { observabilityRules, productivityRules } from './saas.js';

export { findEnvFileProblem } from './hygiene.js';
export type { CredentialFinding, CredentialRule, RuleInfo } from './model.js';

const genericRuleInfo: RuleInfo = {
  id: 'generic-secret-assignment',
  provider: 'Generic',
  description: 'High-entropy value assigned to a secret-looking name',
};

// Order matters only for ties: when two rules report the same span, the earlier one (the more
// specific) wins, so the catch-all JWT rule comes last.
const credentialRules: readonly CredentialRule[] = [
  ...cloudRules,
  ...platformRules,
  ...sourceHostingRules,
  ...registryRules,
  ...secretManagerRules,
  ...paymentRules,
  ...messagingRules,
  ...aiRules,
  ...observabilityRules,
  ...productivityRules,
  ...privateKeyRules,
  ...connectionStringRules,
  ...tokenRules,
  ...contextRules,
];
const ruleOrder = new Map(credentialRules.map((rule, index) => [rule.id, index]));

const rulesByKeyword = new Map<string, CredentialRule[]>();
for (const rule of credentialRules) {
  for (const keyword of rule.keywords) {
    const list = rulesByKeyword.get(keyword);
    if (list) list.push(rule);
    else rulesByKeyword.set(keyword, [rule]);
  }
}

const prefilter = createPrefilter(
  [...rulesByKeyword.keys(), ...genericKeywords, ...kubernetesKeywords],
  genericKeywords,
);

function runRule(rule: CredentialRule, text: string, findings: CredentialFinding[]): void {
  if (rule.requires !== undefined && !text.includes(rule.requires)) return;
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) pattern.lastIndex++;
    // The secret runs from the first group's start to the last group's end: most rules have
    // one group; a rule may split it to put a rare literal first (see `mailchimp-api-key`).
    let start = Number.POSITIVE_INFINITY;
    let end = -1;
    for (const span of match.indices ?? []) {
      if (span === undefined || span === match.indices?.[0]) continue;
      if (span[0] < start) start = span[0];
      if (span[1] > end) end = span[1];
    }
    if (end < 0) continue;
    const secret = text.slice(start, end);
    if ((rule.check && !rule.check(secret)) || isDocumentedExample(secret) || isDocumentationPassword(secret))
      continue;
    findings.push({
      ruleId: rule.id,
      description: rule.description,
      start,
      end,
      ...(rule.severity ? { severity: rule.severity } : {}),
    });
  }
}

/**
 * All known-format and generic findings in one text (one file's contents or one hunk of added
 * lines), sorted by offset. `path` lets the generic rule skip lock files and test fixtures.
 * A span found by a known-format rule is not reported again by the generic rule. `customRules`
 * (a repository's own, see scan/custom-rule-spec.ts) run beside the built-in ones. Never throws.
 */
export function findCredentials(
  text: string,
  path: string,
  customRules: readonly CredentialRule[] = [],
): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  try {
    const hits = prefilter.find(text);
    const triggered = new Set<CredentialRule>();
    for (const keyword of hits.present)
      for (const rule of rulesByKeyword.get(keyword) ?? []) triggered.add(rule);
    for (const rule of triggered) runRule(rule, text, findings);
    // A repository's own rules (.latch/scan-rules.yaml): few, so a plain search per keyword.
    let lower: string | null = null;
    for (const rule of customRules) {
      if (rule.keywords.length > 0) {
        lower ??= text.toLowerCase();
        const folded = lower;
        if (!rule.keywords.some((keyword) => folded.includes(keyword))) continue;
      }
      runRule(rule, text, findings);
    }
    const specific = removeOverlaps(findings);
    const outsideSpecific = (candidate: CredentialFinding) =>
      !specific.some((found) => candidate.start < found.end && found.start < candidate.end);
    const manifests = kubernetesKeywords.some((keyword) => hits.present.has(keyword))
      ? findKubernetesSecrets(text, (decoded) => findCredentials(decoded, path).length > 0).filter(
          outsideSpecific,
        )
      : [];
    const generic = findGenericSecrets(text, path, hits.trackedPositions).filter(
      (candidate) =>
        outsideSpecific(candidate) &&
        !isDocumentedExample(text.slice(candidate.start, candidate.end)) &&
        !decodesToPlaceholder(text.slice(candidate.start, candidate.end)) &&
        !manifests.some((found) => candidate.start < found.end && found.start < candidate.end),
    );
    return [...specific, ...manifests, ...generic].sort((a, b) => a.start - b.start || a.end - b.end);
  } catch {
    // A detector bug must not stop a commit hook with a stack trace; report what was found.
    return findings.sort((a, b) => a.start - b.start);
  }
}

/** Two rules matching the same span (a Stripe key inside a database URL): keep the longer, then the first rule. */
function removeOverlaps(findings: CredentialFinding[]): CredentialFinding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      a.start - b.start || b.end - a.end || (ruleOrder.get(a.ruleId) ?? 0) - (ruleOrder.get(b.ruleId) ?? 0),
  );
  const kept: CredentialFinding[] = [];
  for (const finding of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && finding.start >= previous.start && finding.end <= previous.end) continue;
    kept.push(finding);
  }
  return kept;
}

/** Every rule (known formats, then the generic rule and the `.env` hygiene rule), for docs and SARIF. */
export function listRules(): RuleInfo[] {
  return [
    ...credentialRules.map(({ id, provider, description }) => ({ id, provider, description })),
    kubernetesDataRule,
    kubernetesStringDataRule,
    genericRuleInfo,
    { id: 'env-file-committed', provider: 'Hygiene', description: '.env file with real values committed' },
  ];
}

/** A rule as docs/scan-rules.md describes it: what it is, its pattern, keywords and checks. */
export interface RuleDescription extends RuleInfo {
  /** The pattern's source, or null for the rules that are code (generic, Kubernetes, `.env`). */
  pattern: string | null;
  keywords: readonly string[];
  checks: readonly string[];
}

/** Every rule of {@link listRules}, with its pattern, keywords and checks, for the docs. */
export function describeRules(): RuleDescription[] {
  const byId = new Map(credentialRules.map((rule) => [rule.id, rule]));
  return listRules().map((info) => {
    const rule = byId.get(info.id);
    return {
      ...info,
      pattern: rule ? rule.pattern.source : null,
      keywords: rule ? rule.keywords : [],
      checks: rule
        ? [...(rule.checks ?? []), ...(rule.requires ? [`only in texts holding ${rule.requires}`] : [])]
        : [],
    };
  });
}
