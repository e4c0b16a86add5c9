/**
 * Hygiene: a `.env`-style file with real values should never be committed; a value-free
 * example (`.env.example`) may be. Decides by the path's name and the file's assignments.
 */
import type { CredentialFinding } from './scan-rules-model.js';

const description = '.env file with real values committed';

/**
 * One finding at the first real value when `path` names a `.env`-style file that is not an
 * example and `text` assigns a non-empty value that is neither a placeholder nor a reference;
 * null otherwise. Never throws.
 */
export function findEnvFileProblem(path: string, text: string): CredentialFinding | null {
  const name = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1).toLowerCase();
  if (!/(^|\.)env(\.|$)/.test(name) || /\.(example|sample|template|dist)$/.test(name)) return null;
  const assignment = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*(\S.*?)[ \t]*$/dgm;
  for (const match of text.matchAll(assignment)) {
    const span = match.indices?.[1];
    if (span) return { ruleId: 'env-file-committed', description, start: span[0], end: span[1] };
  }
  return null;
}
