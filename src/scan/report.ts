/**
 * Renders a scan's outcome as text for people, stable JSON, or SARIF 2.1.0 for code-scanning
 * uploads. Every renderer works from findings, which hold names, positions and redacted
 * excerpts only, so no output can contain a secret value.
 */

import { printable } from '../shared/utf8.js';
import { type Finding, managedRuleId } from './content.js';
import type { RuleInfo } from './rules/rules.js';

/** A file or patch that was not scanned, and why. */
export interface Skipped {
  path: string;
  reason: 'binary' | 'too large' | 'unreadable';
  commit?: string;
}

export interface ScanOutcome {
  /** `files`, `staged` or `history`. */
  mode: 'files' | 'staged' | 'history';
  findings: Finding[];
  skipped: Skipped[];
  /** Findings dropped by `latch:allow` and by the baseline. */
  allowed: number;
  baselined: number;
  scannedFiles: number;
  scannedBytes: number;
  /** False when managed values could not be checked (no usable scan index). */
  managedChecked: boolean;
}

const managedRule: RuleInfo = {
  id: managedRuleId,
  provider: 'latch',
  description: 'A value stored in the latch vault (any of its encoded forms)',
};

function where(finding: Finding): string {
  return `${printable(finding.path)}:${finding.line}:${finding.column}`;
}

function what(finding: Finding): string {
  return finding.secretNames ? `managed secret ${finding.secretNames.join(', ')}` : finding.ruleId;
}

/** The human report: one block per finding, then a summary line. */
export function renderText(outcome: ScanOutcome): string {
  const lines: string[] = [];
  for (const finding of outcome.findings) {
    const commit = finding.commit
      ? `${finding.commit.sha.slice(0, 12)} ${finding.commit.date} ${printable(finding.commit.author)}  `
      : '';
    lines.push(`${commit}${where(finding)}  ${what(finding)}  (${finding.description})`);
    lines.push(`    ${printable(finding.excerpt)}`);
  }
  for (const skipped of outcome.skipped) {
    lines.push(
      `skipped ${printable(skipped.path)}${skipped.commit ? ` in ${skipped.commit.slice(0, 12)}` : ''}: ${skipped.reason}`,
    );
  }
  const count = outcome.findings.length;
  const extras = [
    outcome.allowed ? `${outcome.allowed} allowed inline` : '',
    outcome.baselined ? `${outcome.baselined} in the baseline` : '',
    outcome.skipped.length ? `${outcome.skipped.length} skipped` : '',
  ].filter(Boolean);
  const scanned =
    outcome.mode === 'history'
      ? `${outcome.scannedFiles} file patch${outcome.scannedFiles === 1 ? '' : 'es'}`
      : `${outcome.scannedFiles} file${outcome.scannedFiles === 1 ? '' : 's'}`;
  lines.push(
    `${count === 0 ? 'no secrets found' : `${count} secret${count === 1 ? '' : 's'} found`} in ${scanned}${extras.length ? ` (${extras.join(', ')})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The JSON report (docs/commands.md, "latch scan"): stable field names, version 1. */
export function renderJson(outcome: ScanOutcome): string {
  return `${JSON.stringify({ version: 1, ...outcome }, null, 2)}\n`;
}

function artifactUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** The SARIF 2.1.0 log: one run, the rule table, one result per finding. */
export function renderSarif(outcome: ScanOutcome, rules: RuleInfo[], version: string): string {
  const allRules = [managedRule, ...rules];
  const ruleIndex = new Map(allRules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'latch',
            version,
            informationUri: 'https://www.npmjs.com/package/latch',
            rules: allRules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.description },
              properties: { provider: rule.provider },
            })),
          },
        },
        results: outcome.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
          level: 'error',
          message: { text: `${what(finding)} (${finding.description})` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(finding.path), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: finding.line,
                  startColumn: finding.column,
                  endLine: finding.endLine,
                  endColumn: finding.endColumn,
                  snippet: { text: finding.excerpt },
                },
              },
            },
          ],
          partialFingerprints: { 'latchFingerprint/v1': finding.fingerprint },
          ...(finding.commit
            ? {
                properties: {
                  commit: finding.commit.sha,
                  author: finding.commit.author,
                  date: finding.commit.date,
                },
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
