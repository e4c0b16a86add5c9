/**
 * Generated `.env` texts for differential tests against the dotenv package: whole assignments
 * built from the pieces its grammar turns on (three quote kinds, escapes, `#` with and without
 * a space before it, `export `, `=` and `:`, spaces around, empty values, multi-line quoted
 * values, duplicate names), joined by LF, CRLF or lone CR, with some noise lines between.
 */
import fc from 'fast-check';

/** Names: valid environment variable names, and ones the dialect allows but latch refuses. */
const names = ['A', 'B', 'DB_URL', '_x1', 'export', 'a.b', 'x-y', '1ST', '__proto__'];

/** Characters a value is made of: ordinary text, quotes, escapes, comments, line breaks. */
const valueUnit = fc.constantFrom(
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dotenv text, kept as written (no expansion)
  ...['v', 'Z9', ' ', '\t', '=', ':', '$HOME', '${B}', 'é', '#', ' #', ' # c'],
  ...['"', "'", '`', '\\', '\\n', '\\r', '\\"', "\\'", '\\\\', '\n', '\r\n', '\r'],
);

const text = fc.array(valueUnit, { maxLength: 8 }).map((units) => units.join(''));

/** A value as written: empty, unquoted, or quoted with any of the three quotes (maybe unclosed). */
const value = fc.oneof(
  fc.constant(''),
  text,
  fc
    .tuple(fc.constantFrom('"', "'", '`'), text, fc.boolean())
    .map(([quote, inner, closed]) => `${quote}${inner}${closed ? quote : ''}`),
);

const assignment = fc
  .tuple(
    fc.constantFrom('', ' ', '\t', 'export ', 'export\t', ' export '),
    fc.constantFrom(...names),
    fc.constantFrom('=', ' =', '= ', ' = ', ':', ': ', ' : ', ':\t'),
    value,
    fc.constantFrom('', ' ', '\t', '#c', ' # comment', ' trailing', '  # "q"'),
  )
  .map((parts) => parts.join(''));

const noise = fc.constantFrom('', '   ', '# comment', '  # A=1', 'garbage', '"A"=1', '=1', 'export');

/** A whole `.env` text. */
export const dotenvText = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: assignment }, { weight: 1, arbitrary: noise }), {
      maxLength: 8,
    }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([lines, ending, finalEnding]) => lines.join(ending) + (finalEnding ? ending : ''));
