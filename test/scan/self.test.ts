import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCredentials, findEnvFileProblem } from '../../src/scan/rules/rules.js';

// The rule tables and their tests hold prefixes and builders, never a token: `latch scan` of
// this repository (and any other scanner) must find nothing in them.
const root = join(import.meta.dirname, '..', '..');
const sourcesIn = (directory: string) =>
  readdirSync(join(root, directory), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(directory, name));
const files = [
  ...sourcesIn(join('src', 'scan')),
  ...sourcesIn(join('test', 'scan')),
  join('docs', 'scan-rules.md'),
  join('bench', 'scan-rules.mjs'),
];

describe('the scanner on its own sources', () => {
  it.each(files)('finds nothing in %s', (path) => {
    const text = readFileSync(join(root, path), 'utf8');
    const findings = findCredentials(text, path).map((finding) => ({
      ruleId: finding.ruleId,
      line: text.slice(0, finding.start).split('\n').length,
    }));
    expect(findings).toEqual([]);
    expect(findEnvFileProblem(path, text)).toBeNull();
  });
});
