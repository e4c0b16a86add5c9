import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRules } from '../../../src/scan/rules/rules.js';
import { exampleOf } from './rule-example.js';

// docs/scan-rules.md lists every rule between two markers; this test fails when the list is
// out of date, and rewrites it when LATCH_UPDATE_RULES_DOC=1.
const docPath = join(import.meta.dirname, '..', '..', '..', 'docs', 'scan-rules.md');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';

// The rules that are code rather than one pattern: their examples are written here.
const codedExamples: Record<string, string> = {
  'kubernetes-secret-data': 'kind: Secret ... data: password: WFhYWFhYWFhYWFhY (base64 of a password)',
  'kubernetes-secret-string-data': 'kind: Secret ... stringData: SIGNING: XXXXXXXXXXXXXXXX',
  'generic-secret-assignment': 'SESSION_SECRET=XXXXXXXXXXXXXXXXXXXX',
  'env-file-committed': '.env: DATABASE_PASSWORD=XXXXXXXXXXXX',
};
const codedChecks: Record<string, string> = {
  'kubernetes-secret-data':
    'decodes the base64; a known format, or a random-looking value; not a placeholder',
  'kubernetes-secret-string-data': 'a random-looking value; not a placeholder or reference',
  'generic-secret-assignment': 'secret-looking name; random-looking value (see above)',
  'env-file-committed': 'a value that is not empty, a placeholder or a reference',
};

/** A table cell: no pipe, backtick or newline of the text may break the table. */
function cell(text: string, width = 72): string {
  const short = text.length > width ? `${text.slice(0, width)}...` : text;
  return short.replace(/\|/g, '\\|').replace(/`/g, "'");
}

function renderRuleList(): string {
  const rules = describeRules();
  const providers = new Set(rules.map((rule) => rule.provider));
  const rows = rules.map((rule) => {
    const example = rule.pattern === null ? (codedExamples[rule.id] ?? '') : exampleOf(rule.pattern);
    const checks = rule.pattern === null ? (codedChecks[rule.id] ?? '') : rule.checks.join('; ');
    return `| ${rule.provider} | \`${rule.id}\` | ${rule.description} | ${cell(checks, 200)} | \`${cell(example)}\` |`;
  });
  return [
    `${rules.length} rules for ${providers.size} providers and formats. The example of each is what`,
    'its pattern matches with every character class written as one character: obviously fake,',
    'and dropped as a placeholder, so this page itself holds no finding.',
    '',
    '| provider | rule id | finds | checks | example |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

describe('docs/scan-rules.md', () => {
  it('lists every rule', () => {
    const doc = readFileSync(docPath, 'utf8');
    const before = doc.slice(0, doc.indexOf(start) + start.length);
    const after = doc.slice(doc.indexOf(end));
    const expected = `${before}\n${renderRuleList()}\n${after}`;
    if (process.env.LATCH_UPDATE_RULES_DOC === '1') writeFileSync(docPath, expected);
    expect(readFileSync(docPath, 'utf8')).toBe(expected);
  });

  it('gives every rule an example and the checks it runs', () => {
    for (const rule of describeRules()) {
      const example = rule.pattern === null ? codedExamples[rule.id] : exampleOf(rule.pattern);
      expect(example, rule.id).toBeTruthy();
      if (rule.pattern === null) expect(codedChecks[rule.id], rule.id).toBeTruthy();
    }
  });
});
