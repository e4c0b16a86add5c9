/**
 * `latch restore FILE`: prints what would be added or replaced by name, then app/backup.ts
 * applies all of it or nothing.
 */
import { resolve } from 'node:path';
import { type Conflict, restoreBackup } from '../../../app/restore.js';
import { usageError } from '../../../shared/errors.js';
import { counted, type Io, note, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [file] = args.positionals;
  if (file === undefined) throw usageError('usage: latch restore FILE [--identity KEYFILE] [--dry-run]');
  const conflict = stringOption(args, 'on-conflict') ?? 'error';
  if (!['skip', 'overwrite', 'error'].includes(conflict))
    throw usageError('--on-conflict takes skip, overwrite or error');
  const dryRun = flagOption(args, 'dry-run');
  const { steps, fresh } = await restoreBackup(io, resolve(io.cwd, file), {
    identityFile: stringOption(args, 'identity'),
    dryRun,
    onConflict: conflict as Conflict,
    project: stringOption(args, 'project'),
  });
  if (flagOption(args, 'json')) {
    sayJson(io, { dryRun, newVault: fresh, steps });
    return 0;
  }
  for (const step of steps) say(io, `${step.action} ${step.project}/${step.environment}/${step.name}`);
  const count = (action: string) => steps.filter((step) => step.action === action).length;
  const summary = `${count('add')} added, ${count('replace')} replaced, ${count('skip')} kept, ${count('same')} already the same`;
  if (dryRun) note(io, `dry run: would restore (${summary}); nothing was changed`);
  else
    note(
      io,
      `restored ${counted(steps.length, 'secret')} (${summary})${fresh ? ' into a new vault with its audit log' : ''}`,
    );
  return 0;
}
