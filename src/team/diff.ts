/**
 * What `git diff` shows for a secret file (the `latch` diff driver that `.latch/.gitattributes`
 * names): "NAME changed in ENV", never ciphertext or a value. Nothing is decrypted, so the
 * driver needs no unlocked vault. Pure apart from reading the armor through age.ts.
 */
import { headerStanzas } from './age.js';

function recipientCount(text: string | null): number | null {
  return text === null ? null : (headerStanzas(text)?.length ?? null);
}

/**
 * One line describing the change of `path` (`.latch/envs/ENV/NAME.age`) from `before` to
 * `after` (null: the file does not exist on that side), or null when nothing changed.
 */
export function describeFileChange(path: string, before: string | null, after: string | null): string | null {
  if (before === after) return null;
  const match = /(?:^|\/)\.latch\/envs\/([^/]+)\/([^/]+)\.age$/.exec(path);
  const what = match ? `${match[2]} in ${match[1]}` : path;
  if (before === null) return `${what}: added (encrypted to ${recipientCount(after) ?? '?'} keys)`;
  if (after === null) return `${what}: removed`;
  const [from, to] = [recipientCount(before), recipientCount(after)];
  const keys = from !== to ? ` (encrypted to ${from ?? '?'} -> ${to ?? '?'} keys)` : '';
  return `${what}: changed${keys}`;
}
