/**
 * Hygiene: a `.env`-style file with real values should never be committed, whatever the values
 * look like (a database host or a feature flag today, a token tomorrow). A value-free example
 * (`.env.example` with empty values, placeholders or `latch://` references) may be.
 */
import type { CredentialFinding } from './model.js';

const description = '.env file with real values committed';

// Committed on purpose: examples and templates, and formats that are encrypted or public.
const exampleSuffixes = [
  'example',
  'sample',
  'template',
  'dist',
  'defaults',
  'schema',
  'vault',
  'tmpl',
  'tpl',
  'in',
];
const examplePrefixes = ['example', 'sample', 'template'];

/** True when `path`'s file name marks a dotenv file that should not be committed. */
export function isEnvFileName(path: string): boolean {
  const name = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1).toLowerCase();
  const isEnvStyle =
    name === '.env' || name === '.envrc' || name.startsWith('.env.') || name.endsWith('.env');
  if (!isEnvStyle) return false;
  const parts = name.split('.').filter(Boolean);
  if (parts.some((part) => exampleSuffixes.includes(part) && part !== 'env')) return false;
  return !examplePrefixes.some(
    (prefix) =>
      name.startsWith(`${prefix}.`) || name.startsWith(`${prefix}-`) || name.startsWith(`${prefix}_`),
  );
}

const placeholderValue =
  /^(?:<[^>]*>|\$.*|\{\{.*\}\}|x+|X+|\*+|\.+|-+|_+|#+|changeme|change[-_]me|replace[-_]?me|your[-_ ].*|.*[-_ ]here|example.*|.*\.example\.(?:com|org)|todo|tbd|fixme|none|null|nil|empty|placeholder|secret|password|token|required|optional)$/i;

/** True for an empty value, a placeholder or a reference: what an example file may hold. */
export function isValueFree(value: string): boolean {
  return (
    value === '' ||
    placeholderValue.test(value) ||
    /^latch:\/\//.test(value) ||
    /^(?:op|vault|ref\+\w+):\/\//.test(value)
  );
}

// `KEY=value`, `export KEY=value`, `KEY: value` (dotenv's YAML-ish form). Group 1: raw value.
const assignmentPattern = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*[=:][ \t]*(.*?)[ \t]*$/dgm;

/** The value of one assignment without quotes or a trailing comment, and where it starts within `raw`. */
function unquote(raw: string): { value: string; offset: number } {
  const quote = raw[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = raw.indexOf(quote, 1);
    return { value: close === -1 ? raw.slice(1) : raw.slice(1, close), offset: 1 };
  }
  const comment = raw.search(/[ \t]#/);
  return { value: (comment === -1 ? raw : raw.slice(0, comment)).trim(), offset: 0 };
}

/**
 * One finding at the first real value when `path` names a `.env`-style file that is not an
 * example (`.env`, `.env.local`, `.env.production`, `prod.env`, `.envrc`; not `.env.example`,
 * `.env.sample`, `.env.template`, `.env.dist`) and `text` assigns a non-empty value that is
 * neither a placeholder nor a reference (`latch://...`); null otherwise. Never throws.
 */
export function findEnvFileProblem(path: string, text: string): CredentialFinding | null {
  if (!isEnvFileName(path)) return null;
  for (const match of text.matchAll(assignmentPattern)) {
    const raw = match[1] ?? '';
    const span = match.indices?.[1];
    if (span === undefined || raw.startsWith('#')) continue;
    const { value, offset } = unquote(raw);
    if (isValueFree(value)) continue;
    const start = span[0] + offset;
    return { ruleId: 'env-file-committed', description, start, end: start + value.length };
  }
  return null;
}
