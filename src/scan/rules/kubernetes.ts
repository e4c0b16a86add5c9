/**
 * Kubernetes `Secret` manifests. Every value under `data:` is base64 (so no rule sees the
 * credential in it): each is decoded and checked for a known format and for looking like a
 * password or token. Values under `stringData:` are plain text and judged the same way, whatever
 * their key is called, since a Secret holds nothing else. References and placeholders stay out.
 */
import { looksLikeSecretValue } from './generic.js';
import type { CredentialFinding, RuleInfo } from './model.js';
import { isPlaceholderValue } from './placeholders.js';

export const kubernetesDataRule: RuleInfo = {
  id: 'kubernetes-secret-data',
  provider: 'Kubernetes',
  description: 'Credential in a base64 data value of a Kubernetes Secret',
};
export const kubernetesStringDataRule: RuleInfo = {
  id: 'kubernetes-secret-string-data',
  provider: 'Kubernetes',
  description: 'Credential in a stringData value of a Kubernetes Secret',
};

/** Lowercase keywords that make a text worth reading as manifests (YAML, or JSON from `kubectl -o json`). */
export const kubernetesKeywords: readonly string[] = ['kind:', '"kind"'];

const kindPattern = /^kind:\s*["']?Secret["']?\s*(?:#.*)?$/m;
const jsonKindPattern = /"kind"\s*:\s*"Secret"/;
const jsonBlockPattern = /"(data|stringData)"\s*:\s*\{([^{}]*)\}/dg;
const jsonEntryPattern = /"[\w.-]{1,253}"\s*:\s*"([^"\\\s]{1,4096})"/dg;
const entryPattern = /^([ \t]+)(["']?)([\w.-]{1,253})\2:[ \t]*(["']?)([^\s"'#]{1,4096})\4[ \t]*(?:#.*)?$/d;

/** The decoded text of a base64 Secret value, or null when it is not base64 of UTF-8 text. */
function decodeBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[^\x00-\x08\x0e-\x1f\ufffd]*$/.test(decoded) ? decoded.trim() : null;
}

/**
 * Findings in the Secret manifests of `text` (YAML, several documents allowed, or JSON). The span is
 * the value as written (base64 for `data:`). `isKnownCredential` says whether a decoded value
 * holds a known credential format. Never throws.
 */
export function findKubernetesSecrets(
  text: string,
  isKnownCredential: (decoded: string) => boolean,
): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  if (jsonKindPattern.test(text)) scanJson(text, isKnownCredential, findings);
  if (!kindPattern.test(text)) return findings;
  let begin = 0;
  const documents: [number, number][] = [];
  for (const separator of text.matchAll(/^---[^\n]*$/gm)) {
    documents.push([begin, separator.index]);
    begin = separator.index + separator[0].length;
  }
  documents.push([begin, text.length]);
  for (const [start, end] of documents) {
    if (kindPattern.test(text.slice(start, end))) scanDocument(text, start, end, isKnownCredential, findings);
  }
  return findings;
}

/** The `data` and `stringData` objects of a JSON manifest (or a `kubectl -o json` list of them). */
function scanJson(
  text: string,
  isKnownCredential: (decoded: string) => boolean,
  findings: CredentialFinding[],
): void {
  for (const block of text.matchAll(jsonBlockPattern)) {
    const offset = block.indices![2]![0];
    for (const entry of block[2]!.matchAll(jsonEntryPattern)) {
      const [start, end] = entry.indices![1]!;
      judge(
        block[1] as 'data' | 'stringData',
        entry[1]!,
        offset + start,
        offset + end,
        isKnownCredential,
        findings,
      );
    }
  }
}

/** Reports one value of a Secret's `data` (base64) or `stringData` (plain) when it looks like a credential. */
function judge(
  block: 'data' | 'stringData',
  value: string,
  start: number,
  end: number,
  isKnownCredential: (decoded: string) => boolean,
  findings: CredentialFinding[],
): void {
  if (block === 'data') {
    const decoded = decodeBase64(value);
    if (decoded === null || isPlaceholderValue(decoded)) return;
    if (!isKnownCredential(decoded) && !looksLikeSecretValue(decoded, true)) return;
    findings.push({ ...describe(kubernetesDataRule), start, end });
  } else if (!isPlaceholderValue(value) && looksLikeSecretValue(value, true)) {
    findings.push({ ...describe(kubernetesStringDataRule), start, end });
  }
}

function scanDocument(
  text: string,
  start: number,
  end: number,
  isKnownCredential: (decoded: string) => boolean,
  findings: CredentialFinding[],
): void {
  let block: 'data' | 'stringData' | null = null;
  for (let lineStart = start; lineStart < end; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const at = lineStart;
    lineStart = lineEnd + 1;
    if (/^\S/.test(line)) {
      const key = /^(data|stringData):\s*(?:#.*)?$/.exec(line.trimEnd());
      block = key ? (key[1] as 'data' | 'stringData') : null;
      continue;
    }
    if (block === null) continue;
    const entry = entryPattern.exec(line);
    const span = entry?.indices?.[5];
    if (!entry || !span) continue;
    judge(block, entry[5]!, at + span[0], at + span[1], isKnownCredential, findings);
  }
}

function describe(rule: RuleInfo): { ruleId: string; description: string } {
  return { ruleId: rule.id, description: rule.description };
}
