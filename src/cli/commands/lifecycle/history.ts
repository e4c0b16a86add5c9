/** `latch history NAME`: every value of a secret, when and how it was set and replaced; never values. */
import { readHistory } from '../../../lifecycle/secret-lifecycle.js';
import { LatchError } from '../../../shared/errors.js';
import { counted, type Io, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch history NAME [--env E] [--json]');
  const history = await readHistory(io, args, name);
  if (flagOption(args, 'json')) {
    sayJson(io, history);
    return 0;
  }
  say(
    io,
    `${name} in ${history.project}/${history.environment}: ${counted(history.versions.length, 'value')}`,
  );
  say(
    io,
    `${'VERSION'.padEnd(9)}${'SET'.padEnd(26)}${'BY'.padEnd(10)}${'REPLACED'.padEnd(26)}${'BY'.padEnd(10)}NOTES`,
  );
  for (const entry of [...history.versions].reverse()) {
    const notes = [
      entry.current ? 'current' : '',
      entry.rolledBackFrom !== null ? `copy of ${entry.rolledBackFrom}` : '',
      entry.leaked ? `LEAKED ${entry.leaked}` : '',
      `${entry.bytes} bytes`,
    ].filter(Boolean);
    say(
      io,
      `${String(entry.version).padEnd(9)}${entry.set.padEnd(26)}${(entry.setBy ?? '-').padEnd(10)}${(entry.replaced ?? '-').padEnd(26)}${(entry.replacedBy ?? '-').padEnd(10)}${notes.join(', ')}`,
    );
  }
  return 0;
}
