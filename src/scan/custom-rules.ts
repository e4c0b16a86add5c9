/**
 * `.latch/scan-rules.yaml`: a repository's own scan rules. Read at the top of the work tree
 * (bounded in size), parsed and validated here, compiled by rules/custom.ts. Every bad rule is
 * one error line naming the file, the rule and what is wrong (exit 2): a hook that silently
 * skipped a broken rule would let through what the team asked it to stop.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';
import { LatchError } from '../shared/errors.js';
import { readFileWithin } from '../shared/files.js';
import {
  type CustomRuleSpec,
  type CustomRules,
  compileCustomRules,
  customPatternSource,
  noCustomRules,
} from './custom-rule-spec.js';
import { listRules } from './rules/rules.js';

/** Where the rules live, relative to the top of the work tree. */
export const customRulesPath = '.latch/scan-rules.yaml';
/** The largest rules file read: a few hundred rules, not a data file committed by mistake. */
export const maxCustomRulesBytes = 256 * 1024;
const maxRules = 500;
const severities = ['low', 'medium', 'high', 'critical'];
const knownKeys = new Set(['id', 'description', 'regex', 'keywords', 'entropy', 'allow', 'severity']);
/** How long a rule may take on the adversarial lines below before it is called too slow. */
const slowRuleMilliseconds = 500;

/**
 * Long lines that make a backtracking pattern blow up: runs of the characters the pattern
 * names, with and without a character that makes the match fail at the end.
 */
function adversarialLines(source: string): string[] {
  const literals = [...new Set(source.replace(/\\[dDwWsSbB]/g, '').match(/[A-Za-z0-9_=:@.+/-]/g) ?? [])];
  const lines = [`${'a'.repeat(10_000)}!`, `${' '.repeat(10_000)}!`, `${'1'.repeat(10_000)}!`];
  for (const character of literals.slice(0, 6)) {
    lines.push(`${character.repeat(10_000)}\u0000`, `${`${character}a1 `.repeat(2_500)}\u0000`);
  }
  return lines;
}

const emptyProbe = ' aZ9_-.:/=+@!\n';

/** What is wrong with a pattern source, or null. */
function patternProblem(source: string, flags: string, what: string): string | null {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, `g${flags}`);
  } catch (error) {
    return `${what} is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')})`;
  }
  for (let match = pattern.exec(emptyProbe); match !== null; match = pattern.exec(emptyProbe)) {
    if (match[0].length === 0)
      return `${what} matches the empty string; make it require at least one character`;
  }
  try {
    // A context of its own with a timeout: V8 interrupts a runaway match there.
    runInNewContext(
      'for (const line of lines) { pattern.lastIndex = 0; for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) if (m[0].length === 0) pattern.lastIndex++; }',
      { lines: adversarialLines(source), pattern },
      { timeout: slowRuleMilliseconds },
    );
  } catch {
    return `${what} is too slow on a long line (catastrophic backtracking); avoid nested quantifiers like (a+)+ and bound repeats like {1,64}`;
  }
  return null;
}

function stringList(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')) return value;
  return null;
}

/** Validates one entry; returns the spec, or the problems (without the file and rule prefix). */
function validateRule(entry: unknown, builtIn: Set<string>): CustomRuleSpec | string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return ['is not a mapping; write `- id: ...` with regex, keywords, ...'];
  const rule = entry as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(rule)) {
    if (!knownKeys.has(key)) problems.push(`unknown key "${key}"; the keys are ${[...knownKeys].join(', ')}`);
  }
  const { id, description, regex, entropy, severity } = rule;
  if (id === undefined) problems.push('has no id; add `id: my-rule-name`');
  else if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(id))
    problems.push('id must be lowercase letters, digits, ".", "_" and "-" (at most 64)');
  else if (builtIn.has(id)) problems.push(`id "${id}" is a built-in rule's; pick another`);
  if (description !== undefined && typeof description !== 'string')
    problems.push('description must be a string');
  let flags = '';
  let source = '';
  if (typeof regex !== 'string' || regex === '') problems.push('has no regex; add `regex: ...`');
  else {
    source = regex;
    if (source.startsWith('(?i)')) {
      flags = 'i';
      source = source.slice(4);
    }
    const problem = patternProblem(source, flags, 'regex');
    if (problem) problems.push(problem);
  }
  const keywords = stringList(rule.keywords);
  if (keywords === null) problems.push('keywords must be a list of non-empty strings');
  const allow = stringList(rule.allow);
  if (allow === null) problems.push('allow must be a list of regular expressions');
  for (const [index, pattern] of (allow ?? []).entries()) {
    const problem = patternProblem(pattern, flags, `allow[${index}]`);
    if (problem) problems.push(problem);
  }
  if (entropy !== undefined && (typeof entropy !== 'number' || !(entropy >= 0 && entropy <= 8)))
    problems.push('entropy must be a number of bits per character from 0 to 8');
  if (severity !== undefined && (typeof severity !== 'string' || !severities.includes(severity)))
    problems.push(`severity must be one of ${severities.join(', ')}`);
  if (problems.length > 0) return problems;
  return {
    id: id as string,
    description: typeof description === 'string' ? description : `Custom rule ${id as string}`,
    regex: customPatternSource({ regex: source }),
    flags,
    keywords: (keywords ?? []).map((keyword) => keyword.toLowerCase()),
    ...(typeof entropy === 'number' ? { entropy } : {}),
    allow: allow ?? [],
    ...(typeof severity === 'string' ? { severity } : {}),
  };
}

/**
 * Parses and validates the rules file's `text`. Returns the specs; throws one LatchError
 * (E_SCAN_RULES, exit 2) whose message and details are one line per problem.
 */
export function parseCustomRules(text: string, file = customRulesPath): CustomRuleSpec[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const where = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new LatchError(
      'E_SCAN_RULES',
      `${file}${where ? `:${where}` : ''}: not valid YAML; fix the syntax`,
    );
  }
  if (document === null || document === undefined) return [];
  const list = Array.isArray(document) ? document : (document as { rules?: unknown }).rules;
  if (
    !Array.isArray(list) ||
    (typeof document === 'object' &&
      !Array.isArray(document) &&
      Object.keys(document).some((key) => key !== 'rules'))
  )
    throw new LatchError('E_SCAN_RULES', `${file}: expected \`rules:\` with a list of rules`);
  if (list.length > maxRules)
    throw new LatchError(
      'E_SCAN_RULES',
      `${file}: ${list.length} rules, more than ${maxRules}; split or trim them`,
    );
  const builtIn = new Set(listRules().map((rule) => rule.id));
  const seen = new Set<string>();
  const specs: CustomRuleSpec[] = [];
  const problems: string[] = [];
  for (const [index, entry] of list.entries()) {
    const id = (entry as { id?: unknown } | null)?.id;
    const name = typeof id === 'string' && id !== '' ? `rule "${id}"` : `rule ${index + 1}`;
    const verdict = validateRule(entry, builtIn);
    if (Array.isArray(verdict)) {
      for (const problem of verdict) problems.push(`${file}: ${name}: ${problem}`);
      continue;
    }
    if (seen.has(verdict.id)) {
      problems.push(`${file}: ${name}: duplicate id; each rule needs its own`);
      continue;
    }
    seen.add(verdict.id);
    specs.push(verdict);
  }
  if (problems.length > 0) throw new LatchError('E_SCAN_RULES', problems[0]!, { details: problems.slice(1) });
  return specs;
}

/**
 * The custom rules of the work tree at `root` (none when it has no rules file). Throws a
 * LatchError for a file too large, unreadable or invalid.
 */
export function loadCustomRules(root: string): CustomRules {
  const path = join(root, customRulesPath);
  try {
    if (!statSync(path).isFile()) return noCustomRules;
  } catch {
    return noCustomRules;
  }
  let text: string;
  try {
    text = readFileWithin(path, maxCustomRulesBytes, customRulesPath).toString('utf8');
  } catch (error) {
    if (error instanceof LatchError)
      throw new LatchError(
        'E_SCAN_RULES',
        `${customRulesPath} is larger than ${maxCustomRulesBytes / 1024} KiB; trim it`,
      );
    throw new LatchError('E_SCAN_RULES', `cannot read ${customRulesPath}; check its permissions`);
  }
  return compileCustomRules(parseCustomRules(text));
}
