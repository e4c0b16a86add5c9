import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCredentials, findEnvFileProblem } from '../../src/core/scan-rules.js';

// The rule tables and their tests hold prefixes and builders, never a token: `latch scan` of
// this repository (and any other scanner) must find nothing in them.
const root = join(import.meta.dirname, '..', '..');
const files = [
  ...readdirSync(join(root, 'src', 'core'))
    .filter((name) => name.startsWith('scan-'))
    .map((name) => join('src', 'core', name)),
  ...readdirSync(join(root, 'test', 'core'))
    .filter((name) => name.startsWith('scan-'))
    .map((name) => join('test', 'core', name)),
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
