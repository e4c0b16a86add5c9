/**
 * Writing latch.yaml: the file `latch init` creates, the edits `set`, `import` and `env`
 * make, and `.env.example`. Edits splice the original text at positions taken from the
 * parsed document instead of re-rendering it, so comments, key order and layout survive.
 */
import { isPair, isSeq, stringify, type YAMLMap, type YAMLSeq } from 'yaml';
import { LatchError } from '../shared/errors.js';
import { printable } from '../shared/utf8.js';
import {
  endOf,
  endOfPair,
  isNull,
  type Manifest,
  manifestFileName,
  noValues,
  type ParsedManifest,
  readManifest,
  startOf,
} from './manifest.js';
import { assertEnvironmentName, assertProjectName, assertSecretName } from './names.js';
import { looksLikeCredential } from './value-shape.js';

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let result = text;
  for (const edit of [...edits].sort((left, right) => right.start - left.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where the line after a node ending at `end` begins (past an inline comment). */
function afterLine(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const newline = text.indexOf('\n', end);
  return newline === -1 ? text.length : newline + 1;
}

function insertAfterLine(text: string, end: number, lines: string, eol: string): Edit {
  const at = afterLine(text, end);
  const needsBreak = at === text.length && text.length > 0 && !text.endsWith('\n');
  return { start: at, end: at, text: (needsBreak ? eol : '') + lines };
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** A scalar as yaml on one line: plain when it reads back as the same string, else quoted. */
function yamlScalar(value: string): string {
  const plain = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  return plain.includes('\n') ? JSON.stringify(value) : plain;
}

/** Removes one item of a map or list: whole lines in block style, the item and a comma in flow. */
function removeItem(text: string, collection: YAMLMap | YAMLSeq, index: number): Edit {
  const span = (item: unknown): [number, number] =>
    isPair(item) ? [startOf(item.key), endOfPair(item)] : [startOf(item), endOf(item)];
  const items: unknown[] = collection.items;
  const [start, end] = span(items[index]);
  if (!collection.flow) return { start: lineStart(text, start), end: afterLine(text, end), text: '' };
  if (index < items.length - 1) return { start, end: span(items[index + 1])[0], text: '' };
  return { start: span(items[index - 1])[1], end, text: '' };
}

function indentOf(text: string, parsed: ParsedManifest): number {
  const first = parsed.environmentsMap.items[0];
  if (parsed.environmentsMap.flow || !first) return 2;
  const start = startOf(first.key);
  return start - lineStart(text, start);
}

function finishEdit(text: string, edits: Edit[]): string {
  const result = applyEdits(text, edits);
  readManifest(result, manifestFileName);
  return result;
}

/** A secret to declare: its name, and optionally a description and the environments it is for. */
export interface SecretDeclaration {
  name: string;
  description?: string;
  environments?: string[];
  /** Written only when false (`required: false`): absent means required. */
  required?: boolean;
}

/**
 * Returns new text with a `- name: NAME` entry (plus description when given) appended to
 * `secrets:` (created if absent), keeping every comment, the key order and formatting of the
 * rest; `environments`, when given, limits the declaration to those environments. Returns the
 * text unchanged if NAME is already declared. Throws E_MANIFEST when `text`
 * is not a valid manifest, E_USAGE for a bad name or a description that looks like a value.
 */
export function addSecretToManifest(text: string, secret: SecretDeclaration): string {
  return addSecretsToManifest(text, [secret]);
}

/**
 * `addSecretToManifest` for many secrets in one edit (`import`): the manifest is parsed and
 * checked once, not once a name, which made importing 400 names take half a minute. Names
 * already declared, and repeats, are skipped; entries keep the given order.
 */
export function addSecretsToManifest(text: string, secrets: readonly SecretDeclaration[]): string {
  const parsed = readManifest(text, manifestFileName);
  const declared = new Set(parsed.manifest.secrets.map((secret) => secret.name));
  const added: SecretDeclaration[] = [];
  for (const secret of secrets) {
    assertSecretName(secret.name);
    if (declared.has(secret.name)) continue;
    declared.add(secret.name);
    if (secret.description !== undefined && looksLikeCredential(secret.description)) {
      throw new LatchError('E_USAGE', `the description looks like a secret value: ${noValues(secret.name)}`);
    }
    added.push(secret);
  }
  if (added.length === 0) return text;
  const eol = lineEnding(text);
  const pair = parsed.secretsPair;
  const list = pair?.value;
  const insert = (at: number, inserted: string): string =>
    finishEdit(text, [{ start: at, end: at, text: inserted }]);
  const environmentsOf = (secret: SecretDeclaration) =>
    secret.environments === undefined
      ? undefined
      : `[${secret.environments.map((name) => yamlScalar(name)).join(', ')}]`;

  // Flow style (`secrets: [...]`, or a manifest written as JSON): add `{ name: ... }` items.
  const flowEntry = (secret: SecretDeclaration) => {
    const fields = [`name: ${yamlScalar(secret.name)}`];
    if (secret.description !== undefined) fields.push(`description: ${JSON.stringify(secret.description)}`);
    const environments = environmentsOf(secret);
    if (environments !== undefined) fields.push(`environments: ${environments}`);
    if (secret.required === false) fields.push('required: false');
    return `{ ${fields.join(', ')} }`;
  };
  const flowEntries = added.map(flowEntry).join(', ');
  if (isSeq(list) && list.flow && list.items.length > 0)
    return insert(endOf(list.items.at(-1)), `, ${flowEntries}`);
  if (isSeq(list) && list.flow && parsed.top.flow) return insert(startOf(list) + 1, flowEntries);
  if (parsed.top.flow && !pair)
    return insert(endOfPair(parsed.top.items.at(-1)!), `, secrets: [${flowEntries}]`);

  const entry = (secret: SecretDeclaration, dashColumn: number, keyColumn: number): string => {
    const gap = ' '.repeat(Math.max(1, keyColumn - dashColumn - 1));
    const lines = [`${' '.repeat(dashColumn)}-${gap}name: ${yamlScalar(secret.name)}`];
    if (secret.description !== undefined)
      lines.push(`${' '.repeat(keyColumn)}description: ${yamlScalar(secret.description)}`);
    const environments = environmentsOf(secret);
    if (environments !== undefined) lines.push(`${' '.repeat(keyColumn)}environments: ${environments}`);
    if (secret.required === false) lines.push(`${' '.repeat(keyColumn)}required: false`);
    return lines.map((line) => line + eol).join('');
  };
  const entries = (dashColumn: number, keyColumn: number, separator = '') =>
    added.map((secret) => separator + entry(secret, dashColumn, keyColumn)).join('');
  if (isSeq(list) && !list.flow) {
    const last = list.items.at(-1);
    const previous = list.items.at(-2);
    const dashColumn = startOf(list) - lineStart(text, startOf(list));
    const keyColumn = startOf(last) - lineStart(text, startOf(last));
    // Keep the file's rhythm: a blank line before each new entry when entries are spaced out.
    const between = previous
      ? text.slice(afterLine(text, endOf(previous)), lineStart(text, startOf(last)))
      : '';
    const spaced = between
      .split('\n')
      .slice(0, -1)
      .some((line) => line.trim() === '');
    return finishEdit(text, [
      insertAfterLine(text, endOf(last), entries(dashColumn, keyColumn, spaced ? eol : ''), eol),
    ]);
  }

  const indent = indentOf(text, parsed);
  if (!pair)
    return insert(
      text.length,
      `${text === '' || text.endsWith('\n') ? '' : eol}secrets:${eol}${entries(indent, indent + 2)}`,
    );
  // `secrets:` with nothing, `~` or `[]`: drop the empty value (and its tag) and write a block
  // list under the key; a comment after it stays on the key's line.
  const afterColon = text.indexOf(':', endOf(pair.key)) + 1;
  const valueEnd = Math.max(afterColon, endOf(list));
  // A null's range can end at the comment after it: keep the space before that comment.
  const written = { start: afterColon, end: afterColon + text.slice(afterColon, valueEnd).trimEnd().length };
  if (parsed.top.flow) return finishEdit(text, [{ ...written, text: ` [${flowEntries}]` }]);
  return finishEdit(text, [
    { ...written, text: '' },
    insertAfterLine(text, valueEnd, entries(indent, indent + 2), eol),
  ]);
}

/**
 * Adds `NAME: {}` (or `{ protected: true }`) under environments:, keeping comments and layout.
 * Unchanged if present. Throws E_MANIFEST when `text` is not a valid manifest, E_USAGE for a
 * bad name.
 */
export function addEnvironmentToManifest(
  text: string,
  name: string,
  options: { protected: boolean },
): string {
  const parsed = readManifest(text, manifestFileName);
  assertEnvironmentName(name);
  if (parsed.environmentPairs.has(name)) return text;
  const value = options.protected ? '{ protected: true }' : '{}';
  const map = parsed.environmentsMap;
  const last = map.items.at(-1)!;
  if (map.flow) {
    const end = endOfPair(last);
    return finishEdit(text, [{ start: end, end, text: `, ${yamlScalar(name)}: ${value}` }]);
  }
  const eol = lineEnding(text);
  const line = `${' '.repeat(indentOf(text, parsed))}${yamlScalar(name)}: ${value}${eol}`;
  return finishEdit(text, [insertAfterLine(text, endOfPair(last), line, eol)]);
}

/**
 * Removes the environment and removes it from every secret's environments list. Throws
 * E_NOT_FOUND when it is not declared, and E_MANIFEST when it is the default environment (set
 * or implied), the last environment, or the only environment of a secret (dropping the list
 * would widen that secret to every environment) unless `dropSecretsOnlyThere` is set: then
 * such a secret's declaration goes too (`env rm --force`, which deletes its values as well).
 */
export function removeEnvironmentFromManifest(
  text: string,
  name: string,
  options: { dropSecretsOnlyThere?: boolean } = {},
): string {
  const parsed = readManifest(text, manifestFileName);
  const pair = parsed.environmentPairs.get(name);
  function fail(offset: number, message: string): never {
    throw new LatchError('E_MANIFEST', `${manifestFileName}:${parsed.lineOf(offset)}: ${message}`);
  }
  if (!pair) {
    const known = [...parsed.environmentPairs.keys()].join(', ');
    throw new LatchError(
      'E_NOT_FOUND',
      `environment "${name}" is not declared in latch.yaml (declared: ${known})`,
    );
  }
  if (parsed.environmentPairs.size === 1) {
    fail(
      startOf(pair.key),
      `${name} is the only environment: a manifest needs at least one, so add another first`,
    );
  }
  if (parsed.manifest.defaultEnvironment === name) {
    if (parsed.defaultPair && !isNull(parsed.defaultPair.value)) {
      fail(
        startOf(parsed.defaultPair.key),
        `${name} is the default_environment: set default_environment to another one first`,
      );
    }
    fail(
      startOf(pair.key),
      `${name} is the default environment: add default_environment: with another one first`,
    );
  }
  const edits: Edit[] = [];
  for (const [index, { secret, environmentsList, environmentsPair }] of parsed.entries.entries()) {
    if (!environmentsList || !secret.environments?.includes(name)) continue;
    if (
      secret.environments.length === 1 &&
      options.dropSecretsOnlyThere &&
      isSeq(parsed.secretsPair?.value)
    ) {
      edits.push(removeItem(text, parsed.secretsPair.value, index));
      continue;
    }
    if (secret.environments.length === 1) {
      fail(
        startOf(environmentsPair?.key),
        `secret ${secret.name} is only in ${name}: removing ${name} would widen it to every environment; remove the secret or list another environment first`,
      );
    }
    edits.push(removeItem(text, environmentsList, secret.environments.indexOf(name)));
  }
  edits.push(removeItem(text, parsed.environmentsMap, parsed.environmentsMap.items.indexOf(pair)));
  return finishEdit(text, edits);
}

// --- Rendering -----------------------------------------------------------------------------

/**
 * The text `latch init` writes: a header comment saying the file is value-free and committed,
 * project, default_environment, environments, and `secrets: []` under a commented example.
 * Throws E_USAGE for a bad or duplicate name or a default that is not among the environments.
 */
export function renderManifest(options: {
  project: string;
  environments: { name: string; protected: boolean }[];
  defaultEnvironment: string;
}): string {
  assertProjectName(options.project);
  const names = options.environments.map((environment) => assertEnvironmentName(environment.name));
  if (names.length === 0)
    throw new LatchError('E_USAGE', 'declare at least one environment, like --envs dev');
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined)
    throw new LatchError('E_USAGE', `environment ${duplicate} is listed twice: list it once`);
  if (!names.includes(options.defaultEnvironment)) {
    throw new LatchError(
      'E_USAGE',
      `the default environment "${options.defaultEnvironment}" is not one of ${names.join(', ')}: pick one of them`,
    );
  }
  const lines = [
    '# latch.yaml: the secrets this project needs, by name only. Commit this file.',
    '# It never holds values: they live in your encrypted vault (`latch set NAME`),',
    '# and `latch run -- COMMAND` hands them to COMMAND when it starts.',
    `project: ${yamlScalar(options.project)}`,
    `default_environment: ${yamlScalar(options.defaultEnvironment)}`,
    'environments:',
    ...options.environments.map((environment) =>
      environment.protected
        ? `  ${yamlScalar(environment.name)}: { protected: true } # confirmation on a terminal before any use`
        : `  ${yamlScalar(environment.name)}: {}`,
    ),
    '# Declare each secret by name, for example:',
    '#   - name: OPENAI_API_KEY',
    '#     required: true',
    '#     description: used by the summarizer',
    '#     environments: [staging, prod]',
    'secrets: []',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `.env.example` text: a header saying it is generated by `latch example` and holds no values;
 * then per secret its description as comments, a `# required` / `# optional` line (with
 * `, only in: ENVS` when restricted) and `NAME=` with an empty value, a blank line between.
 */
export function renderEnvExample(manifest: Manifest): string {
  const header = [
    `# Generated by \`latch example\` from latch.yaml (project ${manifest.project}). It holds no values:`,
    '# store them with `latch set NAME` and start your program with `latch run -- COMMAND`.',
  ].join('\n');
  const blocks = manifest.secrets.map((secret) => {
    const lines = (secret.description ?? '')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => `# ${printable(line.trim())}`);
    const only = secret.environments ? `, only in: ${secret.environments.join(', ')}` : '';
    lines.push(`# ${secret.required ? 'required' : 'optional'}${only}`, `${secret.name}=`);
    return lines.join('\n');
  });
  return `${[header, ...blocks].join('\n\n')}\n`;
}
