import { describe, expect, it } from 'vitest';
import { compileCustomRules } from '../../src/scan/custom-rule-spec.js';
import { parseCustomRules } from '../../src/scan/custom-rules.js';
import { findCredentials } from '../../src/scan/rules/rules.js';
import { LatchError } from '../../src/shared/errors.js';
import { createRandom } from './fixtures.js';

/** The problem lines of a rules file that does not validate. */
function problems(text: string): string[] {
  try {
    parseCustomRules(text);
  } catch (error) {
    expect(error).toBeInstanceOf(LatchError);
    expect((error as LatchError).exitCode).toBe(2);
    return [(error as LatchError).message, ...(error as LatchError).details];
  }
  throw new Error('the rules file validated');
}

function spans(rulesYaml: string, text: string): [string, string][] {
  const { rules } = compileCustomRules(parseCustomRules(rulesYaml));
  return findCredentials(text, 'src/a.ts', rules)
    .filter((finding) => finding.ruleId.startsWith('my-'))
    .map((finding) => [finding.ruleId, text.slice(finding.start, finding.end)]);
}

const random = createRandom(3);

describe('.latch/scan-rules.yaml', () => {
  it('reads an empty file, a bare list and `rules:` alike', () => {
    expect(parseCustomRules('')).toEqual([]);
    expect(parseCustomRules('- id: my-a\n  regex: abc\n').map((rule) => rule.id)).toEqual(['my-a']);
    expect(parseCustomRules('rules:\n  - id: my-a\n    regex: abc\n').map((rule) => rule.id)).toEqual([
      'my-a',
    ]);
  });

  it('reports the first capture group, honours keywords, entropy, allow and (?i)', () => {
    const rules = `rules:
  - id: my-token
    regex: '(?i)corp_([a-z0-9]{20})'
    keywords: [corp_]
    entropy: 3.5
    allow: ['^demo']
`;
    const body = random.lower(20);
    expect(spans(rules, `a = "CORP_${body}"\n`)).toEqual([['my-token', body]]);
    expect(spans(rules, `a = "corp_demo${random.lower(16)}"\n`)).toEqual([]);
    expect(spans(rules, `a = "corp_${'ab'.repeat(10)}"\n`)).toEqual([]);
    // Without the keyword the pattern does not run; with another group, only the first counts.
    expect(spans('- id: my-x\n  regex: x(\\d{4})-(\\d{4})\n  keywords: [nothere]\n', 'x1234-5678')).toEqual(
      [],
    );
    expect(spans('- id: my-x\n  regex: x(\\d{4})-(\\d{4})\n', 'x1234-5678')).toEqual([['my-x', '1234']]);
  });

  it.each([
    ['not YAML', 'rules: [', '.latch/scan-rules.yaml:1: not valid YAML; fix the syntax'],
    ['not a list', 'rules: 3\n', '.latch/scan-rules.yaml: expected `rules:` with a list of rules'],
    ['another top-level key', 'rule: []\n', '.latch/scan-rules.yaml: expected `rules:` with a list of rules'],
    [
      'a scalar rule',
      '- abc\n',
      '.latch/scan-rules.yaml: rule 1: is not a mapping; write `- id: ...` with regex, keywords, ...',
    ],
    [
      'a bad id',
      '- id: My Rule\n  regex: abc\n',
      '.latch/scan-rules.yaml: rule "My Rule": id must be lowercase letters, digits, ".", "_" and "-" (at most 64)',
    ],
    [
      'a built-in id',
      '- id: jwt\n  regex: abc\n',
      '.latch/scan-rules.yaml: rule "jwt": id "jwt" is a built-in rule\'s; pick another',
    ],
    ['no regex', '- id: my-a\n', '.latch/scan-rules.yaml: rule "my-a": has no regex; add `regex: ...`'],
    [
      'a bad allow',
      "- id: my-a\n  regex: abc\n  allow: ['[']\n",
      '.latch/scan-rules.yaml: rule "my-a": allow[0] is not a valid regular expression (Unterminated character class)',
    ],
    [
      'a bad entropy',
      '- id: my-a\n  regex: abc\n  entropy: 9\n',
      '.latch/scan-rules.yaml: rule "my-a": entropy must be a number of bits per character from 0 to 8',
    ],
    [
      'a bad severity',
      '- id: my-a\n  regex: abc\n  severity: urgent\n',
      '.latch/scan-rules.yaml: rule "my-a": severity must be one of low, medium, high, critical',
    ],
    [
      'bad keywords',
      '- id: my-a\n  regex: abc\n  keywords: [""]\n',
      '.latch/scan-rules.yaml: rule "my-a": keywords must be a list of non-empty strings',
    ],
    [
      'a lookahead alone',
      "- id: my-a\n  regex: '(?=a)'\n",
      '.latch/scan-rules.yaml: rule "my-a": regex matches the empty string; make it require at least one character',
    ],
    [
      'quadratic backtracking',
      "- id: my-a\n  regex: '\\s*\\s*\\s*\\s*x'\n",
      '.latch/scan-rules.yaml: rule "my-a": regex is too slow on a long line (catastrophic backtracking); avoid nested quantifiers like (a+)+ and bound repeats like {1,64}',
    ],
  ])('refuses %s with one line naming the rule', (_case, text, line) => {
    expect(problems(text)).toEqual([line]);
  });

  it('names a duplicate id once, after the first rule of that id', () => {
    expect(problems('- id: my-a\n  regex: abc\n- id: my-a\n  regex: def\n')).toEqual([
      '.latch/scan-rules.yaml: rule "my-a": duplicate id; each rule needs its own',
    ]);
  });
});
