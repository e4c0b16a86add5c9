/** `latch rollback NAME [--to N]`: make an earlier value current again; nothing is lost. */
import { rollbackVersion } from '../../../lifecycle/secret-lifecycle.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson, warn } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch rollback NAME [--env E] [--to N]');
  const toText = stringOption(args, 'to');
  if (toText !== undefined && !/^[1-9][0-9]{0,8}$/.test(toText))
    throw new LatchError(
      'E_USAGE',
      `--to takes a version number from \`latch history ${name}\`, not "${toText}"`,
    );
  const done = await rollbackVersion(io, args, name, toText === undefined ? undefined : Number(toText));
  if (flagOption(args, 'json')) {
    sayJson(io, done);
    return 0;
  }
  say(
    io,
    `rolled back ${name} in ${done.project}/${done.environment} to version ${done.to} (now version ${done.current}; version ${done.from} kept)`,
  );
  if (done.leaked)
    warn(
      io,
      `version ${done.to} of ${name} was marked leaked on ${done.leaked}; the mark is kept: rotate it`,
    );
  return 0;
}
