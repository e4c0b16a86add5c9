import { describe, expect, it } from 'vitest';
import { findEnvFileProblem, isEnvFileName, isValueFree } from '../../../src/scan/rules/hygiene.js';

describe('committed .env files', () => {
  it.each([
    '.env',
    'app/.env',
    '.env.local',
    '.env.production',
    '.env.development.local',
    'deploy/prod.env',
    '.envrc',
    'C:\\repo\\.env',
    '.env.keys',
    '.env.test',
  ])('%s is a dotenv file that must not be committed', (path) => {
    expect(isEnvFileName(path)).toBe(true);
  });

  it.each([
    '.env.example',
    '.env.sample',
    '.env.template',
    '.env.dist',
    'app/.env.local.example',
    'example.env',
    'sample.env',
    '.env.vault',
    'env.ts',
    'environment.yml',
    '.envoy.yaml',
    'README.md',
  ])('%s is not', (path) => {
    expect(isEnvFileName(path)).toBe(false);
  });

  it('reports the first real value, exactly', () => {
    const text = '# settings\nEMPTY=\nPLACEHOLDER=<your key>\nDATABASE_HOST=db.internal\nOTHER=1\n';
    const finding = findEnvFileProblem('.env', text);
    expect(finding).toMatchObject({ ruleId: 'env-file-committed' });
    expect(text.slice(finding!.start, finding!.end)).toBe('db.internal');
  });

  it('reports quoted values without their quotes, and export lines', () => {
    const text = 'export TOKEN="s3cr3t value"\n';
    const finding = findEnvFileProblem('.env.production', text);
    expect(text.slice(finding!.start, finding!.end)).toBe('s3cr3t value');
  });

  it('ignores a trailing comment after a bare value', () => {
    const text = 'PORT=8080 # local only\n';
    const finding = findEnvFileProblem('.env.local', text);
    expect(text.slice(finding!.start, finding!.end)).toBe('8080');
  });

  it('accepts a .env whose values are all empty, placeholders or references', () => {
    const text = [
      '# copy to .env',
      'A=',
      'B=""',
      "C=''",
      'D=changeme',
      'E=<token>',
      `F=${'$'}{FROM_CI}`,
      'G=latch://app/stripe-key',
      'H=your-key-here',
      'I=xxxxxxxx',
      'export J=$(latch get J)',
      '',
    ].join('\n');
    expect(findEnvFileProblem('.env', text)).toBeNull();
  });

  it('ignores examples even with real-looking values (other rules see those)', () => {
    expect(findEnvFileProblem('.env.example', 'DATABASE_HOST=db.internal\n')).toBeNull();
  });

  it('ignores other files with assignments', () => {
    expect(findEnvFileProblem('config/app.ini', 'DATABASE_HOST=db.internal\n')).toBeNull();
  });

  it.each([
    ['', true],
    ['<value>', true],
    [`${'$'}{X}`, true],
    ['latch://p/n', true],
    ['changeme', true],
    ['real', false],
    ['0', false],
  ])('value %j is value-free: %s', (value, expected) => {
    expect(isValueFree(value)).toBe(expected);
  });
});
