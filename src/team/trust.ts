/**
 * Nobody is added silently: the recipients you accepted are kept in your vault, and any key
 * in `.latch/recipients` you have not accepted blocks every write to `.latch/` (exit 3) until a
 * person runs `latch team ack`. Pure.
 */
import { LatchError } from '../shared/errors.js';
import { fingerprintOf, type Identity } from './keys.js';
import type { Member, Team } from './recipients-file.js';

/**
 * The members whose keys you have not accepted (your own key always counts as accepted; with
 * no identity yet, none is yours).
 */
export function unacceptedMembers(
  team: Team,
  accepted: readonly string[],
  identity: Identity | null,
): Member[] {
  return team.members.filter(
    (member) =>
      member.recipient.text !== identity?.recipient.text && !accepted.includes(member.recipient.text),
  );
}

/** Throws E_UNACCEPTED_RECIPIENT (exit 3) naming each key you have not accepted. */
export function requireAccepted(team: Team, accepted: readonly string[], identity: Identity): void {
  const unknown = unacceptedMembers(team, accepted, identity);
  if (unknown.length === 0) return;
  const named = unknown
    .map((member) => `${member.name} (${fingerprintOf(member.recipient.text)})`)
    .join(', ');
  throw new LatchError(
    'E_UNACCEPTED_RECIPIENT',
    `.latch/recipients lists keys you have not accepted: ${named}; nothing was written. A person checks them with \`latch team ack\``,
  );
}

/** Throws E_NOT_FOUND unless you are a member of the team. */
export function requireMembership(team: Team, identity: Identity): Member {
  const me = team.members.find((member) => member.recipient.text === identity.recipient.text);
  if (!me) {
    throw new LatchError(
      'E_NOT_FOUND',
      `your key (${fingerprintOf(identity.recipient.text)}) is not in .latch/recipients; send \`latch team key\` to a member and ask them to run \`latch team add\``,
    );
  }
  return me;
}
