/**
 * `GET /api/team` over real git repositories and real team setups: alice's clone, where bob
 * (accepted) and carol (added by bob, not yet accepted by alice) are members. The answer is
 * what `latch team ls --json` shows alice, and carol waits for a person's `latch team ack`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProjectVault, openVault, resolveProject } from '../../src/app/context.js';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { TeamAnswer } from '../../src/ui/team-api.js';
import { fakeIo, tempDirs } from '../cli/fake-io.js';

interface Person {
  name: string;
  clone: string;
  env: Record<string, string>;
  recipient: string;
  fingerprint: string;
}

const storedValue = 'team-shared-value-8q4';
let dirs: ReturnType<typeof tempDirs>;
const people: Record<string, Person> = {};

function gitAs(person: Person, args: string[], cwd = person.clone): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: join(dirs.root, 'gitconfig'),
      GIT_AUTHOR_NAME: person.name,
      GIT_AUTHOR_EMAIL: `${person.name}@example.com`,
      GIT_COMMITTER_NAME: person.name,
      GIT_COMMITTER_EMAIL: `${person.name}@example.com`,
    },
  });
}

async function latchAs(person: Person, args: string[], stdin?: string): Promise<string> {
  const io = fakeIo({ cwd: person.clone, env: person.env, ...(stdin === undefined ? {} : { stdin }) });
  expect(await runMain(args, io), `${person.name}: latch ${args.join(' ')}: ${io.err()}`).toBe(0);
  return io.out();
}

async function newPerson(name: string, clone: string): Promise<Person> {
  const person: Person = {
    name,
    clone,
    env: {
      LATCH_HOME: join(dirs.root, `${name}-home`),
      LATCH_PASSPHRASE: `${name} pass phrase`,
      LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
    },
    recipient: '',
    fingerprint: '',
  };
  people[name] = person;
  return person;
}

async function joinTeam(name: string): Promise<Person> {
  const person = await newPerson(name, join(dirs.root, name));
  gitAs(person, ['clone', '-q', people.alice!.clone, person.clone], dirs.root);
  await latchAs(person, ['init']);
  Object.assign(person, JSON.parse(await latchAs(person, ['team', 'key', '--json'])));
  return person;
}

async function apiAs(person: Person, cwd = person.clone) {
  const io: Io = { ...fakeIo({ cwd, env: person.env }), client: 'ui' };
  let here = null;
  try {
    here = await resolveProject({ options: {} }, io);
  } catch {}
  const vault = here ? await openProjectVault(io, here) : await openVault(io);
  const api = uiApi({ io, vault, here });
  const answer = await api({
    method: 'GET',
    path: '/api/team',
    query: new URLSearchParams(),
    body: undefined,
  });
  expect(answer.status).toBe(200);
  const text = JSON.stringify(answer.json);
  expect(text).not.toContain(storedValue);
  expect(text).not.toContain('AGE-SECRET-KEY');
  return answer.json as TeamAnswer;
}

beforeAll(async () => {
  dirs = tempDirs();
  const alice = await newPerson('alice', join(dirs.root, 'shop'));
  mkdirSync(alice.clone);
  gitAs(alice, ['init', '-q', '-b', 'main']);
  await latchAs(alice, ['init']);
  await latchAs(alice, ['set', 'API_KEY'], storedValue);
  await latchAs(alice, ['team', 'init', 'alice', '--envs', 'dev,staging']);
  Object.assign(alice, JSON.parse(await latchAs(alice, ['team', 'key', '--json'])));
  await latchAs(alice, ['push']);
  gitAs(alice, ['add', '-A']);
  gitAs(alice, ['commit', '-qm', 'share dev and staging']);

  const bob = await joinTeam('bob');
  const carol = await joinTeam('carol');
  await latchAs(alice, ['team', 'add', 'bob', bob.recipient, '--fingerprint', bob.fingerprint]);
  gitAs(alice, ['add', '-A']);
  gitAs(alice, ['commit', '-qm', 'add bob']);
  // Bob accepts alice's key, then adds carol (dev only): alice has not accepted carol.
  gitAs(bob, ['pull', '-q', '--no-rebase', 'origin', 'main']);
  await latchAs(bob, ['team', 'ack', '--fingerprint', alice.fingerprint]);
  await latchAs(bob, [
    'team',
    'add',
    'carol',
    carol.recipient,
    '--envs',
    'dev',
    '--fingerprint',
    carol.fingerprint,
  ]);
  gitAs(bob, ['add', '-A']);
  gitAs(bob, ['commit', '-qm', 'add carol']);
  gitAs(alice, ['pull', '-q', '--no-rebase', bob.clone, 'main']);
}, 60_000);
afterAll(() => dirs.cleanup());

describe('GET /api/team', () => {
  it('lists the members and what each reads as `latch team ls` does, with carol waiting for an ack', async () => {
    const alice = people.alice!;
    const answer = await apiAs(alice);
    expect(answer.project).toBe('shop');
    const listed = JSON.parse(await latchAs(alice, ['team', 'ls', '--json']));
    expect(answer.team).toEqual(listed);
    expect(answer.team?.environments).toEqual(['dev', 'staging']);
    expect(
      answer.team?.members.map((member) => [member.name, member.environments, member.you, member.accepted]),
    ).toEqual([
      ['alice', ['dev', 'staging'], true, true],
      ['bob', ['dev', 'staging'], false, true],
      ['carol', ['dev'], false, false],
    ]);
    const carol = answer.team!.members.find((member) => member.name === 'carol')!;
    expect(carol).toMatchObject({
      fingerprint: people.carol!.fingerprint,
      addedBy: 'bob <bob@example.com>',
    });
  });

  it('no longer lists carol as pending once a person ran `latch team ack`', async () => {
    const alice = people.alice!;
    await latchAs(alice, ['team', 'ack', '--fingerprint', people.carol!.fingerprint]);
    const answer = await apiAs(alice);
    expect(answer.team?.members.filter((member) => !member.accepted)).toEqual([]);
  });

  it("shows bob's side: every key accepted by him, his own marked", async () => {
    const answer = await apiAs(people.bob!);
    expect(answer.team?.members.map((member) => [member.name, member.you, member.accepted])).toEqual([
      ['alice', false, true],
      ['bob', true, true],
      ['carol', false, true],
    ]);
  });

  it('answers no team for a project without .latch/recipients, and no project outside one', async () => {
    const solo = await newPerson('solo', join(dirs.root, 'solo'));
    mkdirSync(solo.clone);
    gitAs(solo, ['init', '-q', '-b', 'main']);
    writeFileSync(join(solo.clone, 'README'), 'no team here\n');
    await latchAs(solo, ['init', '--project', 'solo']);
    expect(await apiAs(solo)).toEqual({ project: 'solo', team: null });
    const outside = join(dirs.root, 'elsewhere');
    mkdirSync(outside);
    expect(await apiAs(solo, outside)).toEqual({ project: null, team: null });
  });
});
