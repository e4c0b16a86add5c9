import { describe, expect, it } from 'vitest';
import {
  completeReference,
  findTemplateReferences,
  formatReference,
  parseReference,
  renderTemplate,
} from '../../src/run/references.js';

describe('parseReference', () => {
  it.each([
    ['latch://API_KEY', { name: 'API_KEY' }],
    ['latch://staging/API_KEY', { environment: 'staging', name: 'API_KEY' }],
    ['latch://my-app/prod/_K9', { project: 'my-app', environment: 'prod', name: '_K9' }],
  ])('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  it.each([
    'plain value',
    '',
    'LATCH://A',
    'op://vault/item',
    ' latch://A',
  ])('%j is not a reference', (text) => {
    expect(parseReference(text)).toBeNull();
  });

  it.each([
    'latch://',
    'latch://a/b/c/D',
    'latch://staging/',
    'latch:///A',
    'latch://dev/9LIVES',
    'latch://dev/API-KEY',
    'latch://dev/A B',
    'latch://.hidden/A',
  ])('%j is malformed: E_USAGE, with the forms to write', (text) => {
    expect(() => parseReference(text)).toThrow(/malformed reference .*latch:\/\/NAME, latch:\/\/ENV\/NAME/);
  });

  it('short forms take the current project and environment', () => {
    const current = { project: 'app', environment: 'dev' };
    expect(formatReference(completeReference(parseReference('latch://K')!, current))).toBe(
      'latch://app/dev/K',
    );
    expect(formatReference(completeReference(parseReference('latch://prod/K')!, current))).toBe(
      'latch://app/prod/K',
    );
    expect(formatReference(completeReference(parseReference('latch://x/y/K')!, current))).toBe(
      'latch://x/y/K',
    );
  });
});

describe('templates', () => {
  it('finds {{ latch://... }} with or without spaces and leaves other braces alone', () => {
    const template =
      'a={{latch://A}}\nb={{  latch://dev/B\t}}\nc={{ other }}\nd={ latch://D }\ne={{ latch://p/e/E }}';
    const found = findTemplateReferences(template);
    expect(found.map((item) => item.reference)).toEqual([
      { name: 'A' },
      { environment: 'dev', name: 'B' },
      { project: 'p', environment: 'e', name: 'E' },
    ]);
    const out = renderTemplate(template, found, (reference, index) => `<${index}:${reference.name}>`);
    expect(out).toBe('a=<0:A>\nb=<1:B>\nc={{ other }}\nd={ latch://D }\ne=<2:E>');
  });

  it('does not expand a value that itself looks like a reference', () => {
    const template = '{{ latch://A }} {{ latch://B }}';
    const found = findTemplateReferences(template);
    expect(renderTemplate(template, found, () => '{{ latch://B }}')).toBe('{{ latch://B }} {{ latch://B }}');
  });

  it('a malformed reference inside braces throws; a template without references renders as is', () => {
    expect(() => findTemplateReferences('x={{ latch://a/b/c/d }}')).toThrow(/malformed/);
    expect(renderTemplate('no refs {{ x }}', [], () => 'never')).toBe('no refs {{ x }}');
  });
});
