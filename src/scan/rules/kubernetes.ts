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

/** Lowercase keyword that makes a text worth parsing as manifests. */
export const kubernetesKeyword = 'kind:';

const kindPattern = /^kind:\s*["']?Secret["']?\s*(?:#.*)?$/m;
const entryPattern = /^([ \t]+)(["']?)([\w.-]{1,253})\2:[ \t]*(["']?)([^\s"'#]{1,4096})\4[ \t]*(?:#.*)?$/d;

/** The decoded text of a base64 Secret value, or null when it is not base64 of UTF-8 text. */
function decodeBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[^\x00-\x08\x0e-\x1f\ufffd]*$/.test(decoded) ? decoded.trim() : null;
}

/**
 * Findings in the Secret manifests of `text` (YAML, several documents allowed). The span is
 * the value as written (base64 for `data:`). `isKnownCredential` says whether a decoded value
 * holds a known credential format. Never throws.
 */
export function findKubernetesSecrets(
  text: string,
  isKnownCredential: (decoded: string) => boolean,
): CredentialFinding[] {
  if (!kindPattern.test(text)) return [];
  const findings: CredentialFinding[] = [];
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
    const entry = block === null ? null : entryPattern.exec(line);
    const span = entry?.indices?.[5];
    if (!entry || !span) continue;
    const value = entry[5]!;
    const found = { start: at + span[0], end: at + span[1] };
    if (block === 'data') {
      const decoded = decodeBase64(value);
      if (decoded === null || isPlaceholderValue(decoded)) continue;
      if (!isKnownCredential(decoded) && !looksLikeSecretValue(decoded, true)) continue;
      findings.push({ ...describe(kubernetesDataRule), ...found });
    } else if (!isPlaceholderValue(value) && looksLikeSecretValue(value, true)) {
      findings.push({ ...describe(kubernetesStringDataRule), ...found });
    }
  }
}

function describe(rule: RuleInfo): { ruleId: string; description: string } {
  return { ruleId: rule.id, description: rule.description };
}
