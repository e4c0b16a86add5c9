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
  visit,
  type YAMLError,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { isDuration } from '../shared/duration.js';
import { LatchError } from '../shared/errors.js';
import type { Manifest, ManifestEnvironment, ManifestSecret } from './model.js';
import { isEnvironmentName, isProjectName, isSecretName } from './names.js';
import { looksLikeCredential } from './value-shape.js';

export type { Manifest, ManifestEnvironment, ManifestSecret } from './model.js';
export { declaredSecrets } from './model.js';

export const manifestFileName = 'latch.yaml';
const topLevelKeys = ['project', 'default_environment', 'environments', 'secrets'];
const environmentKeys = ['protected', 'shared'];
const secretKeys = ['name', 'required', 'description', 'environments', 'owner', 'rotate_every'];
// Keys someone adds when they try to put the value itself next to its name.
const valueKeys = new Set(['value', 'values', 'default', 'secret', 'password', 'token', 'key']);

/** @internal for manifest-text.ts */
export function noValues(secretName = 'NAME'): string {
  return `the manifest must not hold secret values; store them with \`latch set ${secretName}\``;
}

// --- Reading -------------------------------------------------------------------------------

interface ManifestEntry {
  secret: ManifestSecret;
  environmentsList: YAMLSeq | undefined;
  environmentsPair: Pair | undefined;
}

/** The manifest and the nodes the edit functions splice around. */
/** @internal */
export interface ParsedManifest {
  manifest: Manifest;
  top: YAMLMap;
  defaultPair: Pair | undefined;
  environmentsMap: YAMLMap;
  environmentPairs: Map<string, Pair>;
  secretsPair: Pair | undefined;
  entries: ManifestEntry[];
  lineOf: (offset: number) => number;
}

/** @internal for manifest-text.ts */
export function startOf(node: unknown, fallback = 0): number {
  const range = isNode(node) ? node.range : undefined;
  return range ? range[0] : fallback;
}

/** @internal for manifest-text.ts */
export function endOf(node: unknown, fallback = 0): number {
  const range = isNode(node) ? node.range : undefined;
  return range ? range[1] : fallback;
}

/** @internal for manifest-text.ts */
export function endOfPair(pair: Pair): number {
  return endOf(pair.value, endOf(pair.key));
}

/** @internal for manifest-text.ts */
export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** A scalar read as a name; a plain `2024` or `true` where a name belongs is that text. */
/** @internal for manifest-text.ts */
export function nameText(node: unknown): string | undefined {
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
  if (!isProjectName(project)) {
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
    if (name === undefined || !isEnvironmentName(name)) {
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
    let isShared = false;
    if (!isNull(item.value)) {
      if (!isMap(item.value)) {
        reader.fail(startOf(item.value), `environment ${name} must be a map like {} or { protected: true }`);
      }
      const keys = reader.keys(item.value, environmentKeys, `in environment ${name}`);
      isProtected = reader.boolean(keys.get('protected'), false, `protected in environment ${name}`);
      isShared = reader.boolean(keys.get('shared'), false, `shared in environment ${name}`);
    }
    environments[name] = { protected: isProtected, ...(isShared ? { shared: true } : {}) };
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

/** @internal for manifest-text.ts */
export function readManifest(text: string, fileName: string): ParsedManifest {
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
