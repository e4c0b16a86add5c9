import { describe, expect, it } from 'vitest';
import type { LatchError } from '../../src/shared/errors.js';
import { parseRecipient } from '../../src/team/keys.js';
import { parseRecipientsFile, readersOf, renderRecipientsFile } from '../../src/team/recipients-file.js';

const alice = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';
const bob = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpuf0ORBQuwB+B0TBXbjyJvgeDSGYQmAwa/';

const file = [
  '# a comment',
  '# environments: dev,staging',
  '',
  '# member: alice envs=dev,staging',
  alice,
  '# member: bob envs=dev',
  `${bob} bob@laptop`,
  '',
].join('\n');

function failure(text: string): LatchError {
  try {
    parseRecipientsFile(text, '.latch/recipients');
  } catch (error) {
    return error as LatchError;
  }
  throw new Error('parsed');
}

describe('.latch/recipients', () => {
  it('reads members, their environments and keys, and writes them back', () => {
    const team = parseRecipientsFile(file, '.latch/recipients');
    expect(team.environments).toEqual(['dev', 'staging']);
    expect(team.members.map((member) => [member.name, member.environments, member.recipient.text])).toEqual([
      ['alice', ['dev', 'staging'], alice],
      ['bob', ['dev'], bob],
    ]);
    expect(readersOf(team, 'staging').map((member) => member.name)).toEqual(['alice']);
    const again = parseRecipientsFile(renderRecipientsFile(team), '.latch/recipients');
    expect(again).toEqual({
      ...team,
      members: team.members.map((member) => ({ ...member, recipient: expect.anything() })),
    });
    expect(renderRecipientsFile(team)).toContain(`# member: bob envs=dev\n${bob}\n`);
  });

  it.each([
    ['a key without a member line', `# environments: dev\n${alice}\n`, 2, 'without a "# member'],
    ['a bad key', '# environments: dev\n# member: a envs=dev\nage1nope\n', 3, 'not an age1'],
    [
      'a member twice',
      `# environments: dev\n# member: a envs=dev\n${alice}\n# member: a envs=dev\n${bob}\n`,
      5,
      'listed twice',
    ],
    [
      'a key twice',
      `# environments: dev\n# member: a envs=dev\n${alice}\n# member: b envs=dev\n${alice}\n`,
      5,
      'listed twice',
    ],
    ['a bad member line', '# environments: dev\n# member: a b c\n', 2, 'member line is'],
    [
      'two member lines in a row',
      `# environments: dev\n# member: a envs=dev\n# member: b envs=dev\n${alice}\n`,
      3,
      'has no key',
    ],
  ])('names the line of %s (exit 2)', (_, text, line, words) => {
    const error = failure(text);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`.latch/recipients line ${line}:`);
    expect(error.message).toContain(words);
  });

  it('refuses an environment that is not shared, and conflict markers (exit 1)', () => {
    expect(failure(`# environments: dev\n# member: a envs=prod\n${alice}\n`).message).toContain('"prod"');
    const conflicted = failure(`<<<<<<< HEAD\n${file}=======\n${file}>>>>>>> other\n`);
    expect(conflicted.code).toBe('E_CONFLICT');
    expect(conflicted.exitCode).toBe(1);
  });

  it('keeps a file age -R reads: the keys are the only lines that are not comments', () => {
    const lines = renderRecipientsFile(parseRecipientsFile(file, 'x'))
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines.map((line) => parseRecipient(line)?.text)).toEqual([alice, bob]);
  });
});
