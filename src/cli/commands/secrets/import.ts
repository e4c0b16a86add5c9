/** `latch import FILE`: store the variables of a .env file (dotenv dialect, no $ expansion). */
import { confirmReplacing } from '../../../app/access.js';
import { updateRecorded } from '../../../app/audit.js';
import { openProjectVault, projectRecordFor, resolveProject } from '../../../app/context.js';
import { isSecretName } from '../../../manifest/names.js';
import { looksLikeCredential } from '../../../manifest/value-shape.js';
import { maxDotenvBytes, parseDotenv } from '../../../run/dotenv.js';
import { LatchError } from '../../../shared/errors.js';
import { readFileWithin } from '../../../shared/files.js';
import { counted, type Io, say, sayJson } from '../../../shared/io.js';
import { readStream } from '../../../shared/terminal.js';
import { decodeUtf8 } from '../../../shared/utf8.js';
import { ensureEnvironment, putSecret } from '../../../vault/secrets.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { planDeclarations, warnIfNotInjectable } from './set.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch import FILE [--env E]');
  const context = await resolveProject(args, io);
  let bytes: Uint8Array;
  try {
    // `-` reads the io's stdin, so a command test can feed it (STYLE.md rule 3).
    bytes =
      file === '-' ? await readStream(io.stdin, maxDotenvBytes) : readFileWithin(file, maxDotenvBytes, file);
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
    // An empty value (`KEY=`) is stored: dotenv gives "" and the application reads KEY as set.
    if (isSecretName(entry.name)) return true;
    // A value pasted where the name goes is not echoed back.
    skipped.push({
      line: entry.line,
      ...(looksLikeCredential(entry.name) ? {} : { name: entry.name }),
      reason: 'not a valid environment variable name',
    });
    return false;
  });
  // As `run --env-file` does: an environment cannot carry a NUL (Node cuts the value there).
  const withNul = accepted.find((entry) => entry.value.includes('\0'));
  if (withNul)
    throw new LatchError(
      'E_USAGE',
      `${file}:${withNul.line}: the value of ${withNul.name} holds a NUL byte, which an environment variable cannot; remove it`,
    );
  // As with set: a value `run` cannot inject (too long) is declared `required: false`, with a warning.
  const notInjectable = accepted
    .filter((entry) => !warnIfNotInjectable(io, context, entry.name, new TextEncoder().encode(entry.value)))
    .map((entry) => entry.name);
  const declare = planDeclarations(
    context,
    accepted.map((entry) => entry.name),
    io,
    undefined,
    notInjectable,
  );
  const vault = await openProjectVault(io, context);
  const values = new Map(accepted.map((entry) => [entry.name, new TextEncoder().encode(entry.value)]));
  await confirmReplacing(io, context, vault.contents.getProject(context.project), values);
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
        status: putSecret(env, entry.name, new TextEncoder().encode(entry.value), {}, now, 'import'),
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
  say(io, `imported ${counted(imported.length, 'secret')} into ${where}`);
  for (const entry of imported) say(io, `  ${entry.status.padEnd(9)} ${entry.name}`);
  for (const skip of skipped)
    say(io, `  skipped   line ${skip.line}${skip.name ? ` ${skip.name}` : ''}: ${skip.reason}`);
  // Stdin leaves no file behind to delete.
  if (imported.length > 0 && file !== '-')
    say(io, `the values are now in the vault; delete ${file} once nothing reads it`);
  return 0;
}
