/**
 * `latch team add NAME RECIPIENT [--envs L] [--fingerprint FP]`: adds a member after a person
 * checked the key's fingerprint with them out of band (or a script passed the fingerprint
 * the member gave), then re-encrypts the files of the member's environments.
 */

import { confirmOnTerminal } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say } from '../../../shared/io.js';
import { fingerprintOf, parseRecipient, sameFingerprint } from '../../../team/keys.js';
import { isMemberName, readersOf, renderRecipientsFile, type Team } from '../../../team/recipients-file.js';
import { readTeam, writeTeamFile } from '../../../team/repo.js';
import { reencryptEnvironment, type TeamScope } from '../../../team/sync.js';
import { requireAccepted, requireMembership } from '../../../team/trust.js';
import { type ParsedArgs, stringOption } from '../../args.js';
import { type OpenTeam, openTeam, saveProjectState, scopeOf } from './_scope.js';

/**
 * Re-encrypts the files of `environments` to `team`'s readers (you must read them yourself)
 * and saves the last-sync state that follows. Returns how many files were rewritten.
 */
export async function reencrypt(
  open: OpenTeam,
  scope: TeamScope,
  environments: string[],
  io: Io,
): Promise<number> {
  let count = 0;
  for (const environment of environments) {
    if (
      !readersOf(scope.team, environment).some(
        (member) => member.recipient.text === open.identity.recipient.text,
      )
    ) {
      note(
        io,
        `latch: you do not read ${environment}: a member who does runs \`latch team verify\` and \`latch push\` to re-encrypt it`,
      );
      continue;
    }
    count += (await reencryptEnvironment(scope, environment)).length;
  }
  await saveProjectState(open, (state) => {
    state.synced = scope.state.synced;
  });
  return count;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [name, recipientText, ...extra] = args.positionals;
  if (!name || !recipientText || extra.length > 0) {
    throw new LatchError(
      'E_USAGE',
      'usage: latch team add NAME RECIPIENT [--envs dev,staging] [--fingerprint FP] (quote an ssh key)',
    );
  }
  if (!isMemberName(name))
    throw new LatchError('E_USAGE', `"${name}" is not a member name (letters, digits, . _ @ -)`);
  const recipient = parseRecipient(recipientText);
  if (!recipient)
    throw new LatchError(
      'E_USAGE',
      'RECIPIENT must be an age1... key or an "ssh-ed25519 AAAA..." public key',
    );
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const team = scope.team;
  requireMembership(team, open.identity);
  requireAccepted(team, scope.state.accepted, open.identity);
  if (team.members.some((member) => member.name === name))
    throw new LatchError('E_EXISTS', `${name} is already a member; remove them first to change their key`);
  const same = team.members.find((member) => member.recipient.text === recipient.text);
  if (same) throw new LatchError('E_EXISTS', `this key is already ${same.name}'s`);
  const listed = stringOption(args, 'envs');
  const environments = listed ? listed.split(',').filter(Boolean) : [...team.environments];
  const unknown = environments.find((environment) => !team.environments.includes(environment));
  if (unknown) {
    throw new LatchError(
      'E_NOT_FOUND',
      `"${unknown}" is not shared (shared: ${team.environments.join(', ')}); a person shares it with \`latch team share --env ${unknown}\``,
    );
  }
  const fingerprint = fingerprintOf(recipient.text);
  const given = stringOption(args, 'fingerprint');
  if (given !== undefined) {
    if (!sameFingerprint(given, fingerprint)) {
      throw new LatchError(
        'E_CONFIRMATION_REQUIRED',
        `the key's fingerprint is ${fingerprint}, not ${given}; ask ${name} for their key again`,
      );
    }
  } else {
    note(io, `${name}'s key has the fingerprint ${fingerprint}`);
    note(
      io,
      `check it with ${name} by another channel (in person, a call): \`latch team key\` shows it on their side`,
    );
    await confirmOnTerminal(
      io,
      `adding ${name} with key ${fingerprint} to read ${environments.join(', ')}`,
      name,
    );
  }
  const next: Team = {
    environments: team.environments,
    members: [...team.members, { name, recipient, environments }],
  };
  writeTeamFile(open.repository, '.latch/recipients', renderRecipientsFile(next));
  await saveProjectState(open, (state) => {
    if (!state.accepted.includes(recipient.text)) state.accepted.push(recipient.text);
  });
  const count = await reencrypt(open, { ...scope, team: readTeam(open.repository) }, environments, io);
  await recordEvent(
    io,
    { kind: 'team', project: open.context.project, outcome: 'add', detail: { member: name, fingerprint } },
    open.vault,
  );
  say(
    io,
    `added ${name} (${fingerprint}) reading ${environments.join(', ')}; re-encrypted ${count} file${count === 1 ? '' : 's'}`,
  );
  say(io, 'next: commit .latch/ and push it with git');
  return 0;
}
