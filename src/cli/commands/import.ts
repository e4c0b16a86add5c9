/** `latch import FILE`: store the variables of a .env file (dotenv dialect, no $ expansion). */
import { maxDotenvBytes, parseDotenv } from '../../core/dotenv.js';
import { LatchError } from '../../core/errors.js';
import { isSecretName } from '../../core/names.js';
import { ensureEnvironment, putSecret } from '../../core/secrets.js';
import { decodeUtf8 } from '../../core/utf8.js';
import { readFileWithin } from '../../platform/files.js';
import { flagOption, type ParsedArgs } from '../args.js';
import { updateRecorded } from '../audit.js';
import { openProjectVault, projectRecordFor, resolveProject } from '../context.js';
import { type Io, say, sayJson } from '../io.js';
import { planDeclarations } from './set.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch import FILE [--env E]');
  const context = await resolveProject(args, io);
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(file === '-' ? 0 : file, maxDotenvBytes, file);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    throw new LatchError(
      'E_NOT_FOUND',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const decoded = decodeUtf8(bytes);
  if ('invalidLine' in decoded) {
    throw new LatchError(
      'E_USAGE',
      `${file}:${decoded.invalidLine}: not UTF-8, so values would not be stored as written; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import it again`,
    );
  }
  const parsed = parseDotenv(decoded.text);
  const skipped: { line: number; name?: string; reason: string }[] = parsed.skipped.map((skip) => ({
    ...skip,
  }));
  const accepted = parsed.entries.filter((entry) => {
    if (!isSecretName(entry.name))
      skipped.push({ line: entry.line, name: entry.name, reason: 'not a valid environment variable name' });
    else if (entry.value === '') skipped.push({ line: entry.line, name: entry.name, reason: 'empty value' });
    else return true;
    return false;
  });
  const declare = planDeclarations(
    context,
    accepted.map((entry) => entry.name),
    io,
  );
  const vault = await openProjectVault(io, context);
  const now = io.now().toISOString();
  const imported = await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      contents.putProject(context.project, record);
      return accepted.map((entry) => ({
        name: entry.name,
        status: putSecret(env, entry.name, new TextEncoder().encode(entry.value), {}, now),
      }));
    },
    (done) => [
      {
        kind: 'import',
        project: context.project,
        environment: context.environment,
        secrets: done.filter((entry) => entry.status !== 'unchanged').map((entry) => entry.name),
      },
    ],
    declare,
  );
  skipped.sort((left, right) => left.line - right.line);
  if (flagOption(args, 'json')) {
    sayJson(io, { project: context.project, environment: context.environment, imported, skipped });
    return 0;
  }
  const where = `${context.project}/${context.environment}`;
  say(io, `imported ${imported.length} secret${imported.length === 1 ? '' : 's'} into ${where}`);
  for (const entry of imported) say(io, `  ${entry.status.padEnd(9)} ${entry.name}`);
  for (const skip of skipped)
    say(io, `  skipped   line ${skip.line}${skip.name ? ` ${skip.name}` : ''}: ${skip.reason}`);
  if (imported.length > 0) say(io, `the values are now in the vault; delete ${file} once nothing reads it`);
  return 0;
}
