import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRules } from '../../../src/scan/rules/rules.js';

// docs/scan-rules.md lists every rule between two markers; this test fails when the list is
// out of date, and rewrites it when LATCH_UPDATE_RULES_DOC=1.
const docPath = join(import.meta.dirname, '..', '..', '..', 'docs', 'scan-rules.md');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';

function renderRuleList(): string {
  const rules = listRules();
  const providers = new Set(rules.map((rule) => rule.provider));
  const rows = rules.map((rule) => `| ${rule.provider} | \`${rule.id}\` | ${rule.description} |`);
  return [
    `${rules.length} rules for ${providers.size} providers and formats.`,
    '',
    '| provider | rule id | finds |',
    '| --- | --- | --- |',
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
});
