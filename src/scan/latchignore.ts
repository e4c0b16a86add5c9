/**
 * `.latchignore`: paths that `latch scan` skips, one gitignore-like pattern a line. Kept small
 * on purpose: `#` comments and blank lines; `*` matches within one path segment, `**` across
 * segments, `?` one character; a pattern with no `/` (other than a trailing one) matches a
 * name at any depth; a leading `/` anchors it to the repository root; a trailing `/` matches a
 * directory and everything in it. No `!` negation.
 */

function toRegExp(pattern: string): RegExp {
  let body = pattern;
  const directory = body.endsWith('/');
  if (directory) body = body.replace(/\/+$/, '');
  const anchored = body.startsWith('/') || body.includes('/');
  body = body.replace(/^\/+/, '');
  let source = '';
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!;
    if (character === '*' && body[index + 1] === '*') {
      const slashAfter = body[index + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      index += slashAfter ? 2 : 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  // A pattern matches the path itself or, as a directory, anything under it.
  return new RegExp(`${prefix}${source}(?:/.*)?$`);
}

/** A predicate for the patterns in a `.latchignore` text: true for a path (relative, `/`-separated) to skip. */
export function parseLatchignore(text: string): (path: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(toRegExp);
  return (path) => patterns.some((pattern) => pattern.test(path));
}
