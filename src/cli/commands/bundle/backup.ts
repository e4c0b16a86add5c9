/**
 * `latch backup -o FILE [--recipient age1...]`: the whole vault and the audit log in one age
 * file (app/backup.ts); `latch backup verify FILE`: opens one and checks every part.
 */
import { resolve } from 'node:path';
import { createBackup, openBackup, verifyBackup } from '../../../app/backup.js';
import { maxWorkFactor } from '../../../bundle/scrypt-stanza.js';
import { usageError } from '../../../shared/errors.js';
import { counted, type Io, note, say } from '../../../shared/io.js';
import { flagOption, listOption, type ParsedArgs, stringOption } from '../../args.js';

const usage = 'usage: latch backup -o FILE [--recipient age1... | --passphrase] | backup verify FILE';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action, file, ...extra] = args.positionals;
  if (action === 'verify' && file !== undefined && extra.length === 0)
    return verify(args, io, resolve(io.cwd, file));
  if (action !== undefined) throw usageError(usage);
  const output = stringOption(args, 'output');
  if (!output) throw usageError(usage);
  const recipients = listOption(args, 'recipient');
  if (recipients.length > 0 && flagOption(args, 'passphrase'))
    throw usageError('--recipient and --passphrase exclude each other; a backup is for one or the other');
  const factor = io.env.LATCH_BUNDLE_WORK_FACTOR;
  const workFactor = factor === undefined ? undefined : Number(factor);
  if (
    workFactor !== undefined &&
    !(Number.isInteger(workFactor) && workFactor >= 1 && workFactor <= maxWorkFactor)
  )
    throw usageError(`LATCH_BUNDLE_WORK_FACTOR must be an integer from 1 to ${maxWorkFactor}`);
  const written = await createBackup(io, {
    output: resolve(io.cwd, output),
    recipients,
    force: flagOption(args, 'force'),
    ...(workFactor === undefined ? {} : { workFactor }),
  });
  note(
    io,
    `wrote ${output}: ${counted(written.projects, 'project')}, ${counted(written.secrets, 'secret')} with their versions, and the audit log`,
  );
  note(io, 'it holds every value: keep it as safe as the vault itself; check it with `latch backup verify`');
  return 0;
}

async function verify(args: ParsedArgs, io: Io, path: string): Promise<number> {
  const backup = await openBackup(io, path, stringOption(args, 'identity'));
  const { summary, records } = verifyBackup(backup);
  backup.dataKey.fill(0);
  say(io, `ok: ${path} opens and is whole (created ${backup.createdAt})`);
  for (const [project, environments] of Object.entries(summary))
    for (const [environment, names] of Object.entries(environments))
      say(io, `  ${project}/${environment}: ${counted(names.length, 'secret')}`);
  say(io, `  audit log: ${counted(records, 'record')}, chain verified`);
  return 0;
}
