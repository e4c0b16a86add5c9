/**
 * The manifest, `latch.yaml` (DESIGN.md, "The manifest"): the committed list of a project's
 * environments and of the secrets each one needs, by name only. It is pushed to every clone of
 * the repository, so parsing refuses anything that looks like a value. Edits splice the text
 * instead of re-rendering a tree, so a person's comments, key order and layout survive them.
 */
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Pair,
  Parser,
  parseDocument,
  stringify,
  visit,
  type YAMLError,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { isDuration } from './duration.js';
import { LatchError } from './errors.js';
import { assertEnvironmentName, assertProjectName, assertSecretName, isSecretName } from './names.js';

/** One declared secret; `environments` absent means every environment. */
export interface ManifestSecret {
  name: string;
  required: boolean;
  description?: string;
  environments?: string[];
  owner?: string;
  rotateEvery?: string;
}

/** Settings of one declared environment. */
export interface ManifestEnvironment {
  protected: boolean;
}

/** A parsed, validated `latch.yaml`. */
export interface Manifest {
  project: string;
  defaultEnvironment: string;
  environments: Record<string, ManifestEnvironment>;
  secrets: ManifestSecret[];
}

const manifestFileName = 'latch.yaml';
const topLevelKeys = ['project', 'default_environment', 'environments', 'secrets'];
const environmentKeys = ['protected'];
const secretKeys = ['name', 'required', 'description', 'environments', 'owner', 'rotate_every'];
// Keys someone adds when they try to put the value itself next to its name.
const valueKeys = new Set(['value', 'values', 'default', 'secret', 'password', 'token', 'key']);
const projectPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const environmentPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function noValues(secretName = 'NAME'): string {
  return `the manifest must not hold secret values; store them with \`latch set ${secretName}\``;
}

// --- What a value looks like -------------------------------------------------------------

// Well-known credential prefixes; the rest must look random, so `sk-learn-models` passes.
const prefixedPattern = /(?<![A-Za-z0-9])(sk-|ghp_|github_pat_|xox[bp]-)([A-Za-z0-9_-]{16,})/g;
const awsKeyPattern = /(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])/g;
const placeholderPattern =
  /x{4,}|\*{3,}|\.\.\.|<[^>]*>|\$\{[^}]*\}|your[_-]|example|placeholder|changeme|dummy|redacted/i;
const wordPattern = /^(?:(?:[A-Z]?[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)\d*|\d+)$/;

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const count of counts.values()) bits -= (count / length) * Math.log2(count / length);
  return bits;
}

/** True when every alphanumeric run between separators is a word, a number or both (`name01`). */
function isMadeOfWords(token: string): boolean {
  return token
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .every((segment) => wordPattern.test(segment));
}

/**
 * A high-entropy token without spaces, like an API key, rather than a URL, an e-mail address,
 * an identifier (`myOAuth2ClientForStaging`) or a placeholder. Random text switches between
 * case and digits every one or two characters; identifiers have runs of three or more.
 */
function looksRandom(word: string): boolean {
  const token = word.replace(/^["'`([{<]+|[)\]}>"'`,.;:!?]+$/g, '');
  if (token.length < 20 || placeholderPattern.test(token) || isMadeOfWords(token)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(token)).length;
  if (classes < 2 || shannonEntropy(token) <= 3.5) return false;
  const runs = token.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  const alphanumerics = token.replace(/[^A-Za-z0-9]/g, '').length;
  return runs.length === 0 || alphanumerics / runs.length < 3;
}

/**
 * True for well-known credential formats anywhere in `text`, and, unless `text` is a name
 * (which its own pattern already limits), for any token that looks random.
 */
function looksLikeCredential(text: string, isName = false): boolean {
  if (text.includes('-----BEGIN')) return true;
  for (const match of text.matchAll(prefixedPattern)) {
    if (!placeholderPattern.test(match[0]) && !isMadeOfWords(match[2] ?? '')) return true;
  }
  for (const match of text.matchAll(awsKeyPattern)) if (!placeholderPattern.test(match[0])) return true;
  return !isName && text.split(/\s+/).some(looksRandom);
}

// --- Reading -------------------------------------------------------------------------------

interface ManifestEntry {
  secret: ManifestSecret;
  environmentsList: YAMLSeq | undefined;
  environmentsPair: Pair | undefined;
}

/** The manifest and the nodes the edit functions splice around. */
interface ParsedManifest {
  manifest: Manifest;
  top: YAMLMap;
  defaultPair: Pair | undefined;
  environmentsMap: YAMLMap;
  environmentPairs: Map<string, Pair>;
  secretsPair: Pair | undefined;
  entries: ManifestEntry[];
  lineOf: (offset: number) => number;
}

function startOf(node: unknown, fallback = 0): number {
  const range = isNode(node) ? node.range : undefined;
  return range ? range[0] : fallback;
}

function endOf(node: unknown, fallback = 0): number {
  const range = isNode(node) ? node.range : undefined;
  return range ? range[1] : fallback;
}

function endOfPair(pair: Pair): number {
  return endOf(pair.value, endOf(pair.key));
}

function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** A scalar read as a name; a plain `2024` or `true` where a name belongs is that text. */
function nameText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.value === null || typeof node.value === 'number' || typeof node.value === 'boolean') {
    return node.source || undefined;
  }
  return undefined;
}

function secretNameOf(entry: YAMLMap): string | undefined {
  const name = nameText(entry.items.find((pair) => nameText(pair.key) === 'name')?.value);
  return name !== undefined && isSecretName(name) ? name : undefined;
}

function describeSyntaxError(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS')
    return 'the manifest must be a single yaml document: remove the `---` line';
  if (error.code === 'TAB_AS_INDENT') return 'tabs are not allowed as indentation: indent with spaces';
  // The parser quotes the offending token at the end; drop it, it could be part of a value.
  const detail = error.message.replace(/: ".*"$/s, '');
  return `fix the yaml syntax: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}

function commentsIn(text: string): { offset: number; source: string }[] {
  const comments: { offset: number; source: string }[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (typeof value === 'object' && value !== null) {
      const token = value as { type?: unknown; offset?: unknown; source?: unknown };
      if (token.type === 'comment' && typeof token.offset === 'number' && typeof token.source === 'string') {
        comments.push({ offset: token.offset, source: token.source });
      } else {
        for (const child of Object.values(value)) walk(child);
      }
    }
  };
  for (const token of new Parser().parse(text)) walk(token);
  return comments;
}

/**
 * True where the manifest holds a name: the project, an environment, a secret's name, an
 * item of its environments list. A project named after a hex directory is not a leak.
 */
function isNamePosition(key: unknown, path: readonly unknown[]): boolean {
  const field = (index: number) => {
    const pair = path[index];
    return isPair(pair) ? nameText(pair.key) : undefined;
  };
  const top = field(2);
  if (path.length === 3) return key === 'value' && (top === 'project' || top === 'default_environment');
  if (top === 'environments') return path.length === 5 && key === 'key';
  if (top !== 'secrets' || path.length < 6) return false;
  if (field(5) === 'name') return path.length === 6 && key === 'value';
  return field(5) === 'environments' && path.length === 7 && typeof key === 'number';
}

/**
 * The first place (by offset) that holds or invites a value: a credential-like scalar or
 * comment anywhere, or a value-like key in a secret entry or an environment. Checked before
 * the shape, so that the warning about a leak is the one the user sees.
 */
function findValueLikeContent(
  contents: unknown,
  document: Document,
  text: string,
): { offset: number; message: string } | undefined {
  const found: { offset: number; message: string }[] = [];
  visit(document, {
    Scalar(key, node, path) {
      if (typeof node.value !== 'string' || !looksLikeCredential(node.value, isNamePosition(key, path)))
        return;
      const [, , pair, list, entry] = path;
      const inSecret = isPair(pair) && nameText(pair.key) === 'secrets' && isSeq(list) && isMap(entry);
      const name = inSecret ? secretNameOf(entry) : undefined;
      found.push({ offset: startOf(node), message: `this looks like a secret value: ${noValues(name)}` });
    },
  });
  for (const comment of commentsIn(text)) {
    if (looksLikeCredential(comment.source)) {
      found.push({
        offset: comment.offset,
        message: `this comment looks like a secret value: ${noValues()}`,
      });
    }
  }
  const refuseValueKeys = (map: YAMLMap, where: string, name?: string): void => {
    for (const pair of map.items) {
      const key = nameText(pair.key);
      if (key !== undefined && valueKeys.has(key.toLowerCase())) {
        found.push({
          offset: startOf(pair.key),
          message: `remove "${key}" from ${where}: ${noValues(name)}`,
        });
      }
    }
  };
  if (isMap(contents)) {
    for (const pair of contents.items) {
      const key = nameText(pair.key);
      if (key === 'secrets' && isSeq(pair.value)) {
        for (const entry of pair.value.items) {
          if (!isMap(entry)) continue;
          const name = secretNameOf(entry);
          refuseValueKeys(entry, name ? `secret ${name}` : 'this secret entry', name);
        }
      } else if (key === 'environments' && isMap(pair.value)) {
        for (const environment of pair.value.items) {
          if (isMap(environment.value)) {
            refuseValueKeys(environment.value, `environment ${nameText(environment.key) ?? ''}`.trimEnd());
          }
        }
      }
    }
  }
  return found.sort((left, right) => left.offset - right.offset)[0];
}

/** Locates nodes by line and reads typed fields, throwing the first problem as E_MANIFEST. */
class ManifestReader {
  readonly lines = new LineCounter();

  constructor(readonly fileName: string) {}

  lineOf(offset: number): number {
    return Math.max(1, this.lines.linePos(offset).line);
  }

  fail(offset: number, message: string): never {
    throw new LatchError('E_MANIFEST', `${this.fileName}:${this.lineOf(offset)}: ${message}`);
  }

  /** The pairs of `map` by key, refusing keys that are not names, repeated or not `allowed`. */
  keys(map: YAMLMap, allowed: readonly string[], where: string): Map<string, Pair> {
    const found = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = nameText(pair.key);
      if (key === undefined) this.fail(startOf(pair.key, startOf(map)), `keys ${where} must be plain names`);
      const earlier = found.get(key);
      if (earlier) {
        const first = this.lineOf(startOf(earlier.key));
        this.fail(startOf(pair.key), `"${key}" appears twice ${where} (first on line ${first}): keep one`);
      }
      if (!allowed.includes(key)) {
        this.fail(startOf(pair.key), `unknown key "${key}" ${where}: allowed keys are ${allowed.join(', ')}`);
      }
      found.set(key, pair);
    }
    return found;
  }

  boolean(pair: Pair | undefined, fallback: boolean, what: string): boolean {
    if (!pair || isNull(pair.value)) return fallback;
    if (isScalar(pair.value) && typeof pair.value.value === 'boolean') return pair.value.value;
    return this.fail(startOf(pair.value, startOf(pair.key)), `${what} must be true or false`);
  }

  text(pair: Pair | undefined, what: string): string | undefined {
    if (!pair || isNull(pair.value)) return undefined;
    if (isScalar(pair.value) && typeof pair.value.value === 'string') return pair.value.value;
    return this.fail(startOf(pair.value, startOf(pair.key)), `${what} must be text: quote it`);
  }
}

function readProject(reader: ManifestReader, top: YAMLMap, pair: Pair | undefined): string {
  if (!pair) reader.fail(startOf(top), 'project is missing: add project: NAME');
  const project = nameText(pair.value);
  if (project === undefined) reader.fail(startOf(pair.key), 'project must be a name: write project: NAME');
  if (!projectPattern.test(project)) {
    reader.fail(
      startOf(pair.value),
      `"${project}" is not a valid project name: use letters, digits, ., - and _ (at most 64), starting with a letter or digit`,
    );
  }
  return project;
}

function readEnvironments(reader: ManifestReader, top: YAMLMap, pair: Pair | undefined) {
  if (!pair)
    reader.fail(startOf(top), 'environments is missing: add environments: with at least one, like dev: {}');
  const map = pair.value;
  if (!isMap(map)) reader.fail(startOf(pair.key), 'environments must be a map of names, like dev: {}');
  if (map.items.length === 0)
    reader.fail(startOf(pair.key), 'environments is empty: declare at least one, like dev: {}');
  const environments: Record<string, ManifestEnvironment> = {};
  const pairs = new Map<string, Pair>();
  for (const item of map.items) {
    const name = nameText(item.key);
    if (name === undefined || !environmentPattern.test(name)) {
      reader.fail(
        startOf(item.key, startOf(map)),
        `${name === undefined ? 'this' : `"${name}"`} is not a valid environment name: use a-z, 0-9, - and _ (at most 32), starting with a letter or digit`,
      );
    }
    const earlier = pairs.get(name);
    if (earlier) {
      const first = reader.lineOf(startOf(earlier.key));
      reader.fail(
        startOf(item.key),
        `environment ${name} is declared twice (first on line ${first}): keep one`,
      );
    }
    pairs.set(name, item);
    let isProtected = false;
    if (!isNull(item.value)) {
      if (!isMap(item.value)) {
        reader.fail(startOf(item.value), `environment ${name} must be a map like {} or { protected: true }`);
      }
      const keys = reader.keys(item.value, environmentKeys, `in environment ${name}`);
      isProtected = reader.boolean(keys.get('protected'), false, `protected in environment ${name}`);
    }
    environments[name] = { protected: isProtected };
  }
  return { map, pairs, environments };
}

function readDefaultEnvironment(
  reader: ManifestReader,
  pair: Pair | undefined,
  declared: Map<string, Pair>,
): string {
  if (!pair || isNull(pair.value)) return declared.has('dev') ? 'dev' : [...declared.keys()][0]!;
  const name = nameText(pair.value);
  if (name === undefined)
    reader.fail(startOf(pair.key), 'default_environment must be the name of an environment');
  if (!declared.has(name)) {
    const known = [...declared.keys()].join(', ');
    reader.fail(
      startOf(pair.value),
      `default_environment "${name}" is not declared under environments: use one of ${known}`,
    );
  }
  return name;
}

function readSecretEnvironments(
  reader: ManifestReader,
  pair: Pair | undefined,
  label: string,
  declared: Map<string, Pair>,
): { list: YAMLSeq; names: string[] } | undefined {
  if (!pair || isNull(pair.value)) return undefined;
  const list = pair.value;
  if (!isSeq(list)) {
    reader.fail(
      startOf(pair.key),
      `environments in ${label} must be a list of environment names, like [staging, prod]`,
    );
  }
  if (list.items.length === 0) {
    reader.fail(
      startOf(pair.key),
      `environments in ${label} is empty: list at least one, or remove it to mean all`,
    );
  }
  const names: string[] = [];
  for (const element of list.items) {
    const name = nameText(element);
    if (name === undefined)
      reader.fail(startOf(element, startOf(list)), `environments in ${label} must be names`);
    if (!declared.has(name)) {
      reader.fail(
        startOf(element),
        `${label} lists environment "${name}", which is not declared: add it under environments: or remove it here`,
      );
    }
    if (names.includes(name)) reader.fail(startOf(element), `${label} lists ${name} twice: keep one`);
    names.push(name);
  }
  return { list, names };
}

/** Reads one entry of `secrets:`; `seen` maps the names read so far to their offsets. */
function readSecret(
  reader: ManifestReader,
  item: unknown,
  seen: Map<string, number>,
  declared: Map<string, Pair>,
): ManifestEntry {
  if (!isMap(item)) {
    const text = nameText(item);
    const example = text !== undefined && isSecretName(text) ? text : 'API_KEY';
    reader.fail(startOf(item), `each entry of secrets must be a map: write - name: ${example}`);
  }
  const name = secretNameOf(item);
  const label = name === undefined ? 'this secret entry' : `secret ${name}`;
  const keys = reader.keys(item, secretKeys, `in ${label}`);
  const namePair = keys.get('name');
  if (!namePair) reader.fail(startOf(item), 'this secret entry has no name: add name: NAME');
  if (name === undefined) {
    const written = nameText(namePair.value);
    const what =
      written === undefined ? 'this entry has no valid name' : `"${written}" is not a valid secret name`;
    reader.fail(
      startOf(namePair.value, startOf(namePair.key)),
      `${what}: use letters, digits and _, not starting with a digit`,
    );
  }
  const first = seen.get(name);
  if (first !== undefined) {
    const line = reader.lineOf(first);
    reader.fail(
      startOf(namePair.value),
      `secret ${name} is declared twice (first on line ${line}): keep one`,
    );
  }
  seen.set(name, startOf(namePair.value));

  const secret: ManifestSecret = {
    name,
    required: reader.boolean(keys.get('required'), true, `required in ${label}`),
  };
  const description = reader.text(keys.get('description'), `description in ${label}`);
  if (description !== undefined) secret.description = description;
  const environmentsPair = keys.get('environments');
  const environments = readSecretEnvironments(reader, environmentsPair, label, declared);
  if (environments) secret.environments = environments.names;
  const owner = reader.text(keys.get('owner'), `owner in ${label}`);
  if (owner !== undefined) secret.owner = owner;
  const rotateEvery = reader.text(keys.get('rotate_every'), `rotate_every in ${label}`);
  if (rotateEvery !== undefined) {
    if (!isDuration(rotateEvery)) {
      reader.fail(
        startOf(keys.get('rotate_every')?.value),
        `rotate_every in ${label} must be a duration like 90d: a number and one of s, m, h, d, w, y`,
      );
    }
    secret.rotateEvery = rotateEvery;
  }
  return { secret, environmentsList: environments?.list, environmentsPair };
}

function readManifest(text: string, fileName: string): ParsedManifest {
  const reader: ManifestReader = new ManifestReader(fileName);
  const document = parseDocument(text, { lineCounter: reader.lines, prettyErrors: false, uniqueKeys: false });
  const syntaxError = document.errors[0];
  if (syntaxError) reader.fail(syntaxError.pos[0], describeSyntaxError(syntaxError));
  const top = document.contents;
  const valueLike = findValueLikeContent(top, document, text);
  if (valueLike) reader.fail(valueLike.offset, valueLike.message);
  visit(document, {
    Alias: (_key, node) =>
      reader.fail(startOf(node), 'aliases (*name) are not supported in the manifest: write it out'),
  });
  if (isNull(top))
    reader.fail(startOf(top), 'the manifest is empty: add project: and environments: (see `latch init`)');
  if (!isMap(top))
    reader.fail(startOf(top), 'the manifest must be a map with project:, environments: and secrets:');

  const fields = reader.keys(top, topLevelKeys, 'at the top level');
  const project = readProject(reader, top, fields.get('project'));
  const environments = readEnvironments(reader, top, fields.get('environments'));
  const defaultPair = fields.get('default_environment');
  const defaultEnvironment = readDefaultEnvironment(reader, defaultPair, environments.pairs);
  const secretsPair = fields.get('secrets');
  const entries: ManifestEntry[] = [];
  if (secretsPair && !isNull(secretsPair.value)) {
    const list = secretsPair.value;
    if (!isSeq(list))
      reader.fail(startOf(secretsPair.key), 'secrets must be a list of entries like - name: API_KEY');
    const seen = new Map<string, number>();
    for (const item of list.items) entries.push(readSecret(reader, item, seen, environments.pairs));
  }

  return {
    manifest: {
      project,
      defaultEnvironment,
      environments: environments.environments,
      secrets: entries.map((entry) => entry.secret),
    },
    top,
    defaultPair,
    environmentsMap: environments.map,
    environmentPairs: environments.pairs,
    secretsPair,
    entries,
    lineOf: (offset) => reader.lineOf(offset),
  };
}

/**
 * Parses and validates `latch.yaml`. Throws E_MANIFEST with `FILE:LINE: what is wrong` for the
 * first problem found: yaml syntax, anything that looks like a secret value (checked first),
 * unknown keys, wrong types, bad or duplicate names, undeclared environments.
 */
export function parseManifest(text: string, fileName = manifestFileName): Manifest {
  return readManifest(text, fileName).manifest;
}

/**
 * The declared secrets that apply to one environment, in file order. Throws E_NOT_FOUND when
 * the environment is not declared, so a typo in `--env` does not silently drop secrets.
 */
export function declaredSecrets(manifest: Manifest, environment: string): ManifestSecret[] {
  if (!Object.hasOwn(manifest.environments, environment)) {
    const known = Object.keys(manifest.environments).join(', ');
    throw new LatchError(
      'E_NOT_FOUND',
      `environment "${environment}" is not declared in latch.yaml (declared: ${known}); add it with \`latch env add ${environment}\``,
    );
  }
  return manifest.secrets.filter(
    (secret) => !secret.environments || secret.environments.includes(environment),
  );
}

// --- Editing -------------------------------------------------------------------------------

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

/**
 * Returns new text with a `- name: NAME` entry (plus description when given) appended to
 * `secrets:` (created if absent), keeping every comment, the key order and formatting of the
 * rest. Returns the text unchanged if NAME is already declared. Throws E_MANIFEST when `text`
 * is not a valid manifest, E_USAGE for a bad name or a description that looks like a value.
 */
export function addSecretToManifest(text: string, secret: { name: string; description?: string }): string {
  const parsed = readManifest(text, manifestFileName);
  assertSecretName(secret.name);
  if (parsed.manifest.secrets.some((declared) => declared.name === secret.name)) return text;
  const { description } = secret;
  if (description !== undefined && looksLikeCredential(description)) {
    throw new LatchError('E_USAGE', `the description looks like a secret value: ${noValues(secret.name)}`);
  }
  const eol = lineEnding(text);
  const pair = parsed.secretsPair;
  const list = pair?.value;
  const insert = (at: number, inserted: string): string =>
    finishEdit(text, [{ start: at, end: at, text: inserted }]);

  // Flow style (`secrets: [...]`, or a manifest written as JSON): add a `{ name: ... }` item.
  const fields = [`name: ${yamlScalar(secret.name)}`];
  if (description !== undefined) fields.push(`description: ${JSON.stringify(description)}`);
  const flowEntry = `{ ${fields.join(', ')} }`;
  if (isSeq(list) && list.flow && list.items.length > 0)
    return insert(endOf(list.items.at(-1)), `, ${flowEntry}`);
  if (isSeq(list) && list.flow && parsed.top.flow) return insert(startOf(list) + 1, flowEntry);
  if (parsed.top.flow && !pair)
    return insert(endOfPair(parsed.top.items.at(-1)!), `, secrets: [${flowEntry}]`);

  const entry = (dashColumn: number, keyColumn: number): string => {
    const gap = ' '.repeat(Math.max(1, keyColumn - dashColumn - 1));
    const lines = [`${' '.repeat(dashColumn)}-${gap}name: ${yamlScalar(secret.name)}`];
    if (description !== undefined)
      lines.push(`${' '.repeat(keyColumn)}description: ${yamlScalar(description)}`);
    return lines.map((line) => line + eol).join('');
  };
  if (isSeq(list) && !list.flow) {
    const last = list.items.at(-1);
    const previous = list.items.at(-2);
    const dashColumn = startOf(list) - lineStart(text, startOf(list));
    const keyColumn = startOf(last) - lineStart(text, startOf(last));
    // Keep the file's rhythm: a blank line before the new entry when entries are spaced out.
    const between = previous
      ? text.slice(afterLine(text, endOf(previous)), lineStart(text, startOf(last)))
      : '';
    const spaced = between
      .split('\n')
      .slice(0, -1)
      .some((line) => line.trim() === '');
    const lines = (spaced ? eol : '') + entry(dashColumn, keyColumn);
    return finishEdit(text, [insertAfterLine(text, endOf(last), lines, eol)]);
  }

  const indent = indentOf(text, parsed);
  if (!pair)
    return insert(
      text.length,
      `${text === '' || text.endsWith('\n') ? '' : eol}secrets:${eol}${entry(indent, indent + 2)}`,
    );
  // `secrets:` with nothing, `~` or `[]`: drop the empty value (and its tag) and write a block
  // list under the key; a comment after it stays on the key's line.
  const afterColon = text.indexOf(':', endOf(pair.key)) + 1;
  const valueEnd = Math.max(afterColon, endOf(list));
  // A null's range can end at the comment after it: keep the space before that comment.
  const written = { start: afterColon, end: afterColon + text.slice(afterColon, valueEnd).trimEnd().length };
  if (parsed.top.flow) return finishEdit(text, [{ ...written, text: ` [${flowEntry}]` }]);
  return finishEdit(text, [
    { ...written, text: '' },
    insertAfterLine(text, valueEnd, entry(indent, indent + 2), eol),
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
 * would widen that secret to every environment).
 */
export function removeEnvironmentFromManifest(text: string, name: string): string {
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
  for (const { secret, environmentsList, environmentsPair } of parsed.entries) {
    if (!environmentsList || !secret.environments?.includes(name)) continue;
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
      .map((line) => `# ${line.trim()}`);
    const only = secret.environments ? `, only in: ${secret.environments.join(', ')}` : '';
    lines.push(`# ${secret.required ? 'required' : 'optional'}${only}`, `${secret.name}=`);
    return lines.join('\n');
  });
  return `${[header, ...blocks].join('\n\n')}\n`;
}
