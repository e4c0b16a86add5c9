/**
 * `.latch/recipients` (docs/format.md, "Team files"): the shared environments and the members,
 * each a `# member: NAME envs=LIST` comment over one recipient line, so that
 * `age -R .latch/recipients` reads the same file. Pure: text in, data out, and back.
 */
import { LatchError } from '../shared/errors.js';
import { parseRecipient, type Recipient } from './keys.js';

export interface Member {
  name: string;
  recipient: Recipient;
  /** The environments this member may read, in the order written. */
  environments: string[];
}

export interface Team {
  /** The environments whose secrets are shared through `.latch/`. */
  environments: string[];
  members: Member[];
}

const memberPattern = /^#\s*member:\s*([A-Za-z0-9][A-Za-z0-9._@-]{0,63})\s+envs=([A-Za-z0-9_,.-]*)\s*$/;
const environmentsPattern = /^#\s*environments:\s*([A-Za-z0-9_,.-]*)\s*$/;
const memberName = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** True for a member name latch accepts (letters, digits, `.`, `_`, `@`, `-`; 64 at most). */
export function isMemberName(name: string): boolean {
  return memberName.test(name);
}

function list(text: string): string[] {
  return text.split(',').filter((item) => item !== '');
}

/** True when `text` holds git's merge-conflict markers. */
export function hasConflictMarkers(text: string): boolean {
  return /^(<{7}|={7}|>{7})( |$)/m.test(text);
}

/**
 * Parses the recipients file. Throws E_CONFLICT for a file with merge-conflict markers and
 * E_USAGE naming the line for anything malformed (a key without its member line, an unknown
 * key type, a duplicate member or key, an environment not shared).
 */
export function parseRecipientsFile(text: string, shown: string): Team {
  if (hasConflictMarkers(text)) {
    throw new LatchError(
      'E_CONFLICT',
      `${shown} has git merge-conflict markers; keep both members' lines, remove the markers, then \`git add ${shown}\``,
    );
  }
  const team: Team = { environments: [], members: [] };
  let pending: { name: string; environments: string[] } | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${shown} line ${index + 1}`;
    const bad = (why: string) =>
      new LatchError('E_USAGE', `${where}: ${why}; fix the line or restore the file from git`);
    if (line === '') return;
    const environments = environmentsPattern.exec(line);
    if (environments) {
      team.environments = list(environments[1]!);
      return;
    }
    const member = memberPattern.exec(line);
    if (member) {
      if (pending) throw bad(`member ${pending.name} has no key under it`);
      pending = { name: member[1]!, environments: list(member[2]!) };
      return;
    }
    if (/^#\s*member:/.test(line)) throw bad('a member line is "# member: NAME envs=dev,staging"');
    if (line.startsWith('#')) return;
    if (!pending) throw bad('a key without a "# member: NAME envs=..." line above it');
    const recipient = parseRecipient(line);
    if (!recipient) throw bad('not an age1... or ssh-ed25519 recipient');
    if (team.members.some((known) => known.name === pending!.name))
      throw bad(`member ${pending.name} is listed twice`);
    if (team.members.some((known) => known.recipient.text === recipient.text))
      throw bad('this key is listed twice');
    team.members.push({ name: pending.name, recipient, environments: pending.environments });
    pending = null;
  });
  if (pending)
    throw new LatchError(
      'E_USAGE',
      `${shown}: member ${(pending as { name: string }).name} has no key under it; fix the file or restore it from git`,
    );
  for (const member of team.members) {
    const unknown = member.environments.find((env) => !team.environments.includes(env));
    if (unknown) {
      throw new LatchError(
        'E_USAGE',
        `${shown}: member ${member.name} reads "${unknown}", which is not in the "# environments:" line; fix the file or restore it from git`,
      );
    }
  }
  return team;
}

/** Writes the recipients file: a header, the shared environments, then each member and key. */
export function renderRecipientsFile(team: Team): string {
  const lines = [
    '# latch team recipients (docs/format.md). `age -R .latch/recipients` encrypts to every member.',
    '# Change it with `latch team add` / `latch team rm`.',
    `# environments: ${team.environments.join(',')}`,
  ];
  for (const member of team.members) {
    lines.push(`# member: ${member.name} envs=${member.environments.join(',')}`, member.recipient.text);
  }
  return `${lines.join('\n')}\n`;
}

/** The members who may read `environment`. */
export function readersOf(team: Team, environment: string): Member[] {
  return team.members.filter((member) => member.environments.includes(environment));
}
