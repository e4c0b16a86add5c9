/** `latch team ls [--json]`: members, what they read, fingerprints, who added them and when (git). */
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { keyAddedBy } from '../../../team/history.js';
import { fingerprintOf } from '../../../team/keys.js';
import { readTeam } from '../../../team/repo.js';
import { unacceptedMembers } from '../../../team/trust.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { openTeam, scopeOf } from './_scope.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new LatchError('E_USAGE', 'usage: latch team ls [--json]');
  const open = await openTeam(args, io);
  const scope = scopeOf(open, readTeam(open.repository));
  const unaccepted = new Set(
    unacceptedMembers(scope.team, scope.state.accepted, open.identity).map((member) => member.name),
  );
  const rows = scope.team.members.map((member) => {
    const added = keyAddedBy(open.repository, member.recipient.text);
    return {
      name: member.name,
      environments: member.environments,
      recipient: member.recipient.text,
      fingerprint: fingerprintOf(member.recipient.text),
      addedBy: added?.author ?? null,
      addedAt: added?.time ?? null,
      you: member.recipient.text === open.identity.recipient.text,
      accepted: !unaccepted.has(member.name),
    };
  });
  if (flagOption(args, 'json')) {
    sayJson(io, { environments: scope.team.environments, members: rows });
    return 0;
  }
  say(io, `shared environments: ${scope.team.environments.join(', ') || 'none'}`);
  for (const row of rows) {
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
