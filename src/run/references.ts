/**
 * Secret references: `latch://PROJECT/ENV/NAME`, and the short forms `latch://ENV/NAME` and
 * `latch://NAME`, which take the project and environment of the command that reads them.
 * A value that is exactly a reference stands for a secret (env files, the caller's
 * environment); templates hold references inside `{{ }}`. Resolution itself (which vault,
 * which confirmation) belongs to the caller: this module only reads and writes text.
 */
import { LatchError } from '../shared/errors.js';

const scheme = 'latch://';
const segment = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const secretName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A reference as written: project and environment are absent in the short forms. */
export interface Reference {
  project?: string;
  environment?: string;
  name: string;
}

/** A reference with every part known. */
export interface ResolvedReference {
  project: string;
  environment: string;
  name: string;
}

/** True when `text` starts with `latch://` (and so must parse as a reference). */
export function looksLikeReference(text: string): boolean {
  return text.startsWith(scheme);
}

/**
 * Parses `text` as a whole reference. Returns null when it does not start with `latch://`
 * (a plain value); throws E_USAGE when it does but is malformed (empty part, more than three
 * parts, a name that cannot be an environment variable).
 */
export function parseReference(text: string): Reference | null {
  if (!looksLikeReference(text)) return null;
  const parts = text.slice(scheme.length).split('/');
  const name = parts.at(-1) ?? '';
  const scope = parts.slice(0, -1);
  if (parts.length > 3 || !secretName.test(name) || !scope.every((part) => segment.test(part))) {
    throw new LatchError(
      'E_USAGE',
      `malformed reference ${JSON.stringify(text)}; write latch://NAME, latch://ENV/NAME or latch://PROJECT/ENV/NAME`,
    );
  }
  if (scope.length === 2) return { project: scope[0]!, environment: scope[1]!, name };
  if (scope.length === 1) return { environment: scope[0]!, name };
  return { name };
}

/** Fills the parts a short form leaves out from the current project and environment. */
export function completeReference(
  reference: Reference,
  current: { project: string; environment: string },
): ResolvedReference {
  return {
    project: reference.project ?? current.project,
    environment: reference.environment ?? current.environment,
    name: reference.name,
  };
}

/** The canonical long form of a resolved reference (for messages: it names, never reveals). */
export function formatReference(reference: ResolvedReference): string {
  return `${scheme}${reference.project}/${reference.environment}/${reference.name}`;
}

/** One `{{ latch://... }}` in a template: where it is (UTF-16 offsets) and what it names. */
export interface TemplateReference {
  start: number;
  end: number;
  reference: Reference;
}

// `{{`, optional spaces or tabs, the reference, optional spaces or tabs, `}}`.
const templatePattern = /\{\{[ \t]*(latch:\/\/[^\s{}]*)[ \t]*\}\}/g;

/**
 * Every reference in a template, in order. Text outside `{{ latch://... }}` is never
 * interpreted, so other template languages' `{{ name }}` pass through. Throws E_USAGE for a
 * malformed reference inside braces.
 */
export function findTemplateReferences(template: string): TemplateReference[] {
  const found: TemplateReference[] = [];
  for (const match of template.matchAll(templatePattern)) {
    found.push({
      start: match.index,
      end: match.index + match[0].length,
      reference: parseReference(match[1]!)!,
    });
  }
  return found;
}

/**
 * The template with each reference replaced by `valueFor(reference, index)`, in one pass (a value
 * that itself looks like `{{ latch://... }}` is not expanded again).
 */
export function renderTemplate(
  template: string,
  references: readonly TemplateReference[],
  valueFor: (reference: Reference, index: number) => string,
): string {
  const pieces: string[] = [];
  let at = 0;
  references.forEach((found, index) => {
    pieces.push(template.slice(at, found.start), valueFor(found.reference, index));
    at = found.end;
  });
  pieces.push(template.slice(at));
  return pieces.join('');
}
