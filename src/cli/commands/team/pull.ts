/**
 * `latch pull [--env E] [--theirs | --ours]`: reads `.latch/` into your vault and says what was
 * added, changed and removed, by name. A secret changed both here and in `.latch/` since the
 * last sync is a conflict: reported (exit 1), never overwritten, until --theirs or --ours.
 * A replaced value is kept as a version.
 */
import { updateRecorded } from '../../../app/audit.js';
import { projectRecordFor } from '../../../app/context.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say, sayJson } from '../../../shared/io.js';
import { fingerprintOf } from '../../../team/keys.js';
import { projectState, readTeamState, writeTeamState } from '../../../team/state.js';
import { applyPull, type Resolution, readChanges } from '../../../team/sync.js';
import { requireMembership, unacceptedMembers } from '../../../team/trust.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { openTeam, scopeOf, setUpDiffDriver } from './_scope.js';
import { chosenEnvironments, confirmProtected } from './push.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (flagOption(args, 'theirs') && flagOption(args, 'ours'))
    throw new LatchError('E_USAGE', '--theirs and --ours cannot be used together');
  const resolution: Resolution = flagOption(args, 'theirs')
    ? 'theirs'
    : flagOption(args, 'ours')
      ? 'ours'
      : null;
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const me = requireMembership(scope.team, open.identity);
  for (const member of unacceptedMembers(scope.team, scope.state.accepted, open.identity)) {
    note(
      io,
      `latch: warning: .latch/recipients lists ${member.name} (${fingerprintOf(member.recipient.text)}), a key you have not accepted; pushes are blocked until a person runs \`latch team ack\``,
    );
  }
  const environments = chosenEnvironments(args, scope.team.environments, me.environments);
  await confirmProtected(open, environments, io, 'pulling .latch/ into your vault');
  setUpDiffDriver(open.repository);
  const changes = await readChanges(scope, environments);
  // The record is written before the vault (docs/audit.md, "Every change has its record").
  const outcome = await updateRecorded(
    io,
    open.vault,
    (contents) => {
      const record = projectRecordFor(open.context, contents.getProject(open.context.project));
      contents.putProject(open.context.project, record);
      const state = readTeamState(contents);
      const projectTeam = projectState(state, open.context.project);
      const result = applyPull(record, projectTeam, changes, resolution);
      const now = io.now().toISOString();
      for (const environment of environments) projectTeam.pulled[environment] = now;
      writeTeamState(contents, state);
      return result;
    },
    (result) => {
      const touched = [...result.added, ...result.changed, ...result.removed];
      return touched.length === 0
        ? []
        : [{ kind: 'team', project: open.context.project, outcome: 'pull', secrets: touched }];
    },
  );
  if (flagOption(args, 'json')) sayJson(io, outcome);
  else {
    for (const name of outcome.added) say(io, `added    ${name}`);
    for (const name of outcome.changed) say(io, `changed  ${name} (your earlier value is kept as a version)`);
    for (const name of outcome.removed)
      say(io, `removed  ${name} (deleted in .latch/; deleted from your vault)`);
    for (const name of outcome.kept) say(io, `kept     ${name} (yours; \`latch push\` writes it)`);
    for (const name of outcome.conflicts)
      say(io, `conflict ${name}: changed here and in .latch/ since your last sync`);
    const touched = outcome.added.length + outcome.changed.length + outcome.removed.length;
    if (touched + outcome.kept.length + outcome.conflicts.length === 0) say(io, 'already up to date');
  }
  if (outcome.conflicts.length > 0) {
    throw new LatchError(
      'E_CONFLICT',
      `${outcome.conflicts.length} conflict${outcome.conflicts.length === 1 ? '' : 's'} (${outcome.conflicts.join(', ')}); keep theirs with \`latch pull --theirs\` (yours stays as a version) or yours with \`latch pull --ours\``,
    );
  }
  return 0;
}
