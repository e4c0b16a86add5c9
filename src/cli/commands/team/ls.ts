/** `latch team ls [--json]`: members, what they read, fingerprints, who added them and when (git). */
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { listTeam } from '../../../team/members.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { openTeam } from './_scope.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new LatchError('E_USAGE', 'usage: latch team ls [--json]');
  const open = await openTeam(args, io);
  const listing = listTeam(open.repository, open.context.project, open.vault.contents);
  if (flagOption(args, 'json')) {
    sayJson(io, listing);
    return 0;
  }
  say(io, `shared environments: ${listing.environments.join(', ') || 'none'}`);
  for (const row of listing.members) {
    const flags = [row.you ? 'you' : '', row.accepted ? '' : 'NOT ACCEPTED (latch team ack)']
      .filter(Boolean)
      .join(', ');
    const added = row.addedBy ? `added by ${row.addedBy} ${row.addedAt}` : 'not committed yet';
    say(
      io,
      `${row.name.padEnd(16)} ${row.fingerprint}  ${row.environments.join(',').padEnd(16)} ${added}${flags ? `  (${flags})` : ''}`,
    );
  }
  return 0;
}
