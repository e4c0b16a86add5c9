/**
 * The team view: when this directory's repository shares secrets through `.latch/`, its
 * members, the environments each reads, and the keys waiting for a person's acceptance.
 * Accepting a key stays a terminal action (a person checks the fingerprint with its owner):
 * the view shows the command, and has no button for it.
 */
import { element, main, table } from './dom.js';
import { api } from './http.js';
import { day } from './states.js';

/** src/ui/team-api.ts's answer. */
interface TeamMember {
  name: string;
  environments: string[];
  recipient: string;
  fingerprint: string;
  addedBy: string | null;
  addedAt: string | null;
  you: boolean;
  accepted: boolean;
}
interface TeamAnswer {
  project: string | null;
  team: { environments: string[]; members: TeamMember[] } | null;
}

/** A command to type in a terminal, shown so it can be selected and copied whole. */
function command(text: string): HTMLElement {
  return element('code', text, 'command');
}

/** A paragraph of words and commands. */
function paragraph(...parts: Array<string | HTMLElement>): HTMLParagraphElement {
  const node = element('p');
  node.append(...parts);
  return node;
}

function added(member: TeamMember): string {
  return member.addedBy ? `${member.addedBy}, ${day(member.addedAt)}` : 'not committed yet';
}

function membersTable(environments: string[], members: TeamMember[]): HTMLTableElement {
  const headings = ['member', ...environments, 'key', 'fingerprint', 'added by'];
  const [node, body] = table(headings, {
    caption: 'who reads which shared environment',
    wide: ['fingerprint', 'added by'],
  });
  node.id = 'members';
  for (const member of members) {
    const row = body.insertRow();
    row.dataset.member = member.name;
    const name = element('th', member.name);
    name.scope = 'row';
    row.append(name);
    for (const environment of environments) {
      const reads = member.environments.includes(environment);
      const cell = element('td', reads ? 'reads' : 'no', reads ? 'reads' : 'note');
      cell.dataset.environment = environment;
      row.append(cell);
    }
    const key = member.you ? 'yours' : member.accepted ? 'accepted' : 'waiting for you to accept';
    const keyCell = element('td');
    keyCell.append(element('span', key, `state ${member.accepted ? 'state-set' : 'state-rotation-due'}`));
    row.append(keyCell);
    row.append(element('td', member.fingerprint, 'wide fingerprint'));
    row.append(element('td', added(member), 'wide'));
  }
  return node;
}

function pendingList(members: TeamMember[]): HTMLElement[] {
  const heading = element('h3', 'keys to accept');
  heading.id = 'pending-heading';
  const pending = members.filter((member) => !member.accepted);
  if (pending.length === 0)
    return [heading, element('p', 'every key in .latch/recipients is accepted', 'note')];
  const list = element('ul', null, 'findings');
  list.id = 'pending';
  list.setAttribute('aria-labelledby', heading.id);
  for (const member of pending) {
    const item = element('li');
    item.dataset.member = member.name;
    item.append(
      element('strong', `${member.name} reads ${member.environments.join(', ') || 'nothing yet'}`),
      element('div', `fingerprint ${member.fingerprint}; added by ${added(member)}`, 'note'),
      paragraph(
        'Check the fingerprint with them, then run in a terminal: ',
        command(`latch team ack --fingerprint ${member.fingerprint}`),
      ),
    );
    list.append(item);
  }
  return [
    heading,
    element(
      'p',
      'Until a person accepts these keys, latch writes nothing to .latch/ from this vault (push is refused).',
      'note',
    ),
    list,
    paragraph('Or go through every waiting key on a terminal: ', command('latch team ack')),
  ];
}

export async function showTeam(): Promise<void> {
  const { project, team } = await api<TeamAnswer>('/api/team');
  if (project === null) {
    main.replaceChildren(
      element('h2', 'Team'),
      paragraph(
        'latch ui was started outside a project. Team sharing belongs to a repository: start ',
        command('latch ui'),
        ' in one to see its members.',
      ),
    );
    return;
  }
  const heading = element('h2', `Team of ${project}`);
  if (team === null) {
    main.replaceChildren(
      heading,
      element('p', `${project} shares no secrets through git yet (no .latch/recipients).`, 'note'),
      paragraph(
        'Start team sharing in the repository, with you as its first member: ',
        command('latch team init NAME --envs dev,staging'),
      ),
      paragraph(
        'Then add each member with the key they give you (',
        command('latch team key'),
        ' prints it): ',
        command('latch team add NAME RECIPIENT'),
      ),
    );
    return;
  }
  const shared = team.environments.join(', ') || 'none';
  main.replaceChildren(
    heading,
    element(
      'p',
      `shared environments: ${shared}; ${team.members.length} member${team.members.length === 1 ? '' : 's'}`,
      'note',
    ),
    membersTable(team.environments, team.members),
    ...pendingList(team.members),
  );
}
