/**
 * `latch bundle create | inspect FILE | import FILE`: app/bundle.ts does the work (vault,
 * password, lockout, age); this command parses, calls it and prints. Never a value, except
 * the generated password, printed once on stdout.
 */
import { resolve } from 'node:path';
import { createBundle, importBundle, openBundle } from '../../../app/bundle.js';
import { wipeBundle } from '../../../bundle/document.js';
import { maxWorkFactor } from '../../../bundle/scrypt-stanza.js';
import { usageError } from '../../../shared/errors.js';
import { counted, type Io, note, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

const usage =
  'usage: latch bundle create [--env E] [-o FILE] [--generate-password] | inspect FILE | import FILE';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action, file, ...extra] = args.positionals;
  if (extra.length > 0) throw usageError(usage);
  if (action === 'create' && file === undefined) return create(args, io);
  if (action === 'inspect' && file !== undefined) return inspect(args, io, resolve(io.cwd, file));
  if (action === 'import' && file !== undefined) return importFile(args, io, resolve(io.cwd, file));
  throw usageError(usage);
}

/** LATCH_BUNDLE_WORK_FACTOR: a cheaper scrypt for tests only; never above age's limit of 20. */
function workFactor(io: Io): number | undefined {
  const text = io.env.LATCH_BUNDLE_WORK_FACTOR;
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > maxWorkFactor)
    throw usageError(`LATCH_BUNDLE_WORK_FACTOR must be an integer from 1 to ${maxWorkFactor}`);
  return value;
}

async function create(args: ParsedArgs, io: Io): Promise<number> {
  const output = resolve(io.cwd, stringOption(args, 'output') ?? 'secrets.encrypted');
  const factor = workFactor(io);
  const created = await createBundle(io, args, {
    output,
    generate: flagOption(args, 'generate-password'),
    weak: flagOption(args, 'weak-password'),
    force: flagOption(args, 'force'),
    ...(factor === undefined ? {} : { workFactor: factor }),
  });
  note(
    io,
    `wrote ${output}: ${counted(created.names.length, 'secret')} of ${created.project}/${created.environment} (${created.names.join(', ')})`,
  );
  if (created.missing.length > 0)
    note(io, `not in the bundle (no value stored): ${created.missing.join(', ')}`);
  if (created.generatedPassword) {
    note(io, 'the password, shown this once (keep it in a password manager; latch does not store it):');
    say(io, created.generatedPassword);
  }
  const seconds = (created.guessMs / 1000).toFixed(2);
  note(
    io,
    `password strength: about ${created.bits} bits; one guess costs ${seconds} s of scrypt on this machine`,
  );
  note(
    io,
    "latch slows guesses made through latch (a growing delay, then 5 minutes locked after 5 wrong passwords); a copy of the file attacked offline is protected only by the password's strength times scrypt's cost",
  );
  return 0;
}

async function inspect(args: ParsedArgs, io: Io, path: string): Promise<number> {
  const bundle = await openBundle(io, path);
  const names = [...bundle.secrets.keys()];
  wipeBundle(bundle);
  const summary = {
    format: 'latch-bundle/1',
    project: bundle.project,
    environment: bundle.environment,
    created: bundle.createdAt,
    secrets: names,
  };
  if (flagOption(args, 'json')) sayJson(io, summary);
  else {
    say(io, `project: ${summary.project}`);
    say(io, `environment: ${summary.environment}`);
    say(io, `created: ${summary.created}`);
    say(io, `secrets (${names.length}): ${names.join(', ')}`);
  }
  return 0;
}

async function importFile(args: ParsedArgs, io: Io, path: string): Promise<number> {
  const { context, results, undeclared } = await importBundle(io, args, path);
  const where = `${context.project}/${context.environment}`;
  if (flagOption(args, 'json')) {
    sayJson(io, {
      project: context.project,
      environment: context.environment,
      imported: results,
      undeclared,
    });
    return 0;
  }
  for (const entry of results) say(io, `${entry.status}: ${entry.name}`);
  say(io, `imported ${counted(results.length, 'secret')} into ${where}`);
  if (undeclared.length > 0)
    note(
      io,
      `not declared in latch.yaml for ${context.environment} (stored, not injected by run): ${undeclared.join(', ')}`,
    );
  return 0;
}
