/** `latch copy NAME`: the value onto the clipboard, cleared after --clear-after (default 45 s). */
import { copySecret, defaultClearAfterMs } from '../../../clipboard/copy.js';
import { parseDuration } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

/** The longest --clear-after: a value left for longer is not being cleared, it is being kept. */
const maxClearAfterMs = 24 * 60 * 60 * 1000;

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch copy NAME [--env E] [--clear-after 45s] [--osc52]');
  const clearText = stringOption(args, 'clear-after');
  const clearAfterMs = clearText === undefined ? defaultClearAfterMs : parseDuration(clearText);
  if (clearAfterMs > maxClearAfterMs)
    throw new LatchError('E_USAGE', `--clear-after ${clearText} is longer than a day; use 24h or less`);
  const copied = await copySecret(io, args, name, { clearAfterMs, osc52: flagOption(args, 'osc52') });
  if (flagOption(args, 'json')) {
    sayJson(io, copied);
    return 0;
  }
  const where = `${copied.project}/${copied.environment}`;
  // On stderr: stdout may be the terminal that just received an OSC 52 sequence, or a pipe.
  if (copied.clearAfterMs === null)
    note(
      io,
      copied.through === 'osc52'
        ? `copied ${name} from ${where} through your terminal (OSC 52); latch cannot clear it: copy something else when done`
        : `copied ${name} from ${where} with ${copied.through}; the clearing process could not start: copy something else when done`,
    );
  else
    note(
      io,
      `copied ${name} from ${where}; the clipboard is cleared in ${Math.round(copied.clearAfterMs / 1000)} s if it still holds it`,
    );
  return 0;
}
