/**
 * `latch team ack [--fingerprint FP]`: a person accepts the keys in `.latch/recipients` that
 * this vault has not accepted yet, each shown with who committed it. Never for an AI agent;
 * scripts pass one fingerprint at a time.
 */

import { confirmOnTerminal } from '../../../app/access.js';
import { detectActor, recordEvent } from '../../../app/audit.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say } from '../../../shared/io.js';
import { keyAddedBy } from '../../../team/history.js';
import { fingerprintOf, sameFingerprint } from '../../../team/keys.js';
import type { Member } from '../../../team/recipients-file.js';
import { unacceptedMembers } from '../../../team/trust.js';
import { type ParsedArgs, stringOption } from '../../args.js';
import { openTeam, saveProjectState, scopeOf } from './_scope.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0)
    throw new LatchError('E_USAGE', 'usage: latch team ack [--fingerprint FP]');
  const actor = detectActor(io);
  if (actor.agent) {
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `accepting a team key is refused for an AI agent (${actor.agent}); a person runs \`latch team ack\``,
    );
  }
  const given = stringOption(args, 'fingerprint');
  if (given === undefined && !io.terminal) {
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      'accepting a team key needs a person on a terminal, or --fingerprint FP for one key',
    );
  }
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const pending = unacceptedMembers(scope.team, scope.state.accepted, open.identity);
  if (pending.length === 0) {
    say(io, 'every key in .latch/recipients is accepted');
    return 0;
  }
  const accepted: Member[] = [];
  if (given !== undefined) {
    const member = pending.find((candidate) =>
      sameFingerprint(given, fingerprintOf(candidate.recipient.text)),
    );
    if (!member)
      throw new LatchError(
        'E_NOT_FOUND',
        `no key waiting for acceptance has the fingerprint ${given}; see \`latch team ls\``,
      );
    accepted.push(member);
  } else {
    for (const member of pending) {
      const added = keyAddedBy(open.repository, member.recipient.text);
      note(io, `${member.name} reads ${member.environments.join(', ')}: ${member.recipient.text}`);
      note(
        io,
        `  fingerprint ${fingerprintOf(member.recipient.text)}; ${added ? `added by ${added.author} on ${added.time}` : 'not committed yet'}`,
      );
      await confirmOnTerminal(
        io,
        `accept ${member.name}'s key (check the fingerprint with them)`,
        member.name,
      );
      accepted.push(member);
    }
  }
  await saveProjectState(open, (state) => {
    for (const member of accepted)
      if (!state.accepted.includes(member.recipient.text)) state.accepted.push(member.recipient.text);
  });
  for (const member of accepted) {
    const fingerprint = fingerprintOf(member.recipient.text);
    await recordEvent(
      io,
      {
        kind: 'team',
        project: open.context.project,
        outcome: 'ack',
        detail: { member: member.name, fingerprint },
      },
      open.vault,
    );
    say(io, `accepted ${member.name} (${fingerprint})`);
  }
  return 0;
}
