/**
 * `latch team share --env E`: starts sharing one more environment (you read it). A protected
 * environment (prod) is shared only by a person on a terminal, never by an agent or a script.
 */

import { isProtected } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { declaredEnvironment } from '../../../manifest/model.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { renderRecipientsFile } from '../../../team/recipients-file.js';
import { writeTeamFile } from '../../../team/repo.js';
import { requireAccepted, requireMembership } from '../../../team/trust.js';
import { type ParsedArgs, stringOption } from '../../args.js';
import { openTeam, scopeOf } from './_scope.js';
import { requirePerson } from './key.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const environment = stringOption(args, 'env');
  if (!environment || args.positionals.length > 0)
    throw new LatchError('E_USAGE', 'usage: latch team share --env E');
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const me = requireMembership(scope.team, open.identity);
  requireAccepted(scope.team, scope.state.accepted, open.identity);
  if (!open.context.manifest || !declaredEnvironment(open.context.manifest, environment)) {
    throw new LatchError('E_NOT_FOUND', `latch.yaml declares no environment "${environment}"`);
  }
  if (scope.team.environments.includes(environment) && me.environments.includes(environment)) {
    say(io, `${environment} is already shared`);
    return 0;
  }
  if (isProtected({ ...open.context, environment }, open.vault.contents.getProject(open.context.project))) {
    await requirePerson(
      io,
      `sharing the protected environment ${environment} with the team through git`,
      environment,
    );
  }
  const team = {
    environments: scope.team.environments.includes(environment)
      ? scope.team.environments
      : [...scope.team.environments, environment],
    members: scope.team.members.map((member) =>
      member === me ? { ...member, environments: [...member.environments, environment] } : member,
    ),
  };
  writeTeamFile(open.repository, '.latch/recipients', renderRecipientsFile(team));
  await recordEvent(
    io,
    { kind: 'team', project: open.context.project, environment, outcome: 'share' },
    open.vault,
  );
  say(
    io,
    `sharing ${environment}; \`latch push --env ${environment}\` writes its secrets, \`latch team add\` gives others access`,
  );
  return 0;
}
