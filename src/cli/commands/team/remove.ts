/**
 * `latch team rm NAME [--json]`: removes a member, re-encrypts the files of the environments
 * they read to the others, and prints the offboarding report (offboard.ts).
 */
import { recordEvent } from '../../../app/audit.js';
import { LatchError } from '../../../shared/errors.js';
import type { Io } from '../../../shared/io.js';
import { renderRecipientsFile } from '../../../team/recipients-file.js';
import { readTeam, writeTeamFile } from '../../../team/repo.js';
import { requireAccepted, requireMembership } from '../../../team/trust.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { openTeam, scopeOf } from './_scope.js';
import { reencrypt } from './add.js';
import { offboard, printReport } from './offboard.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch team rm NAME [--json]');
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const me = requireMembership(scope.team, open.identity);
  requireAccepted(scope.team, scope.state.accepted, open.identity);
  const member = scope.team.members.find((candidate) => candidate.name === name);
  if (!member) throw new LatchError('E_NOT_FOUND', `${name} is not a member (see \`latch team ls\`)`);
  if (member === me)
    throw new LatchError(
      'E_USAGE',
      'you cannot remove yourself: another member runs `latch team rm` for you',
    );
  // The report first: the working tree still lists the member, so its files count as read.
  const { report, marked } = await offboard(open, name, scope.team, io);
  writeTeamFile(
    open.repository,
    '.latch/recipients',
    renderRecipientsFile({
      environments: scope.team.environments,
      members: scope.team.members.filter((entry) => entry !== member),
    }),
  );
  await reencrypt(open, { ...scope, team: readTeam(open.repository) }, member.environments, io);
  await recordEvent(
    io,
    { kind: 'team', project: open.context.project, outcome: 'rm', secrets: marked, detail: { member: name } },
    open.vault,
  );
  if (!flagOption(args, 'json'))
    io.stdout.write(
      `removed ${name}; re-encrypted ${member.environments.join(', ') || 'no environment'} to the other members\n`,
    );
  printReport(io, args, name, report, marked);
  return 0;
}
