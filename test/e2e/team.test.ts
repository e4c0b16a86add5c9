/**
 * Team sharing end to end: three members (three LATCH_HOMEs, three clones of one bare
 * repository), real `git push` and `git pull` between them, and the Debian `age` tool reading
 * what latch writes and writing what latch reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRun, randomValue } from './git-harness.js';
import { latch, makeSandbox, type RunResult, type Sandbox, startLatch } from './harness.js';

interface Member {
  name: string;
  sandbox: Sandbox;
  recipient: string;
  fingerprint: string;
}

const origin = makeSandbox();
const bare = join(origin.root, 'origin.git');
const members: Record<string, Member> = {};

function sh(member: Member, args: string[], input?: string): RunResult {
  return latch(member.sandbox, args, input === undefined ? {} : { input });
}

function ok(member: Member, args: string[], input?: string): string {
  const result = sh(member, args, input);
  expect(result.code, `${member.name}: latch ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

function git(member: Member, args: string[]): string {
  const result = gitRun(member.sandbox, args, {
    env: { GIT_AUTHOR_NAME: member.name, GIT_AUTHOR_EMAIL: `${member.name}@example.com` },
  });
  expect(result.code, `${member.name}: git ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

function publish(member: Member, message: string): void {
  git(member, ['add', '-A']);
  git(member, ['commit', '-qm', message]);
  if (gitRun(member.sandbox, ['ls-remote', '--heads', 'origin', 'main']).stdout.trim() !== '') update(member);
  git(member, ['push', '-q', 'origin', 'HEAD:main']);
}

function update(member: Member): void {
  git(member, ['pull', '-q', '--no-rebase', '--no-edit', 'origin', 'main']);
}

function reveal(member: Member, name: string, env = 'dev'): string {
  return ok(member, ['get', name, '--env', env, '--reveal']);
}

function join_(name: string): Member {
  const sandbox = makeSandbox();
  rmSync(sandbox.cwd, { recursive: true, force: true });
  const cloned = spawnSync('git', ['clone', '-q', bare, sandbox.cwd], { encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(cloned.stderr);
  const member: Member = { name, sandbox, recipient: '', fingerprint: '' };
  git(member, ['checkout', '-q', '-B', 'main']);
  return member;
}

function keyOf(member: Member): void {
  const key = JSON.parse(ok(member, ['team', 'key', '--json'])) as { recipient: string; fingerprint: string };
  member.recipient = key.recipient;
  member.fingerprint = key.fingerprint;
}

const values = {
  API_KEY: randomValue(),
  DB_PASSWORD: randomValue(),
  STAGING_TOKEN: randomValue(),
  OLD: randomValue(),
};

beforeAll(() => {
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  const alice = join_('alice');
  members.alice = alice;
  ok(alice, ['init', '--envs', 'dev,staging,prod']);
  ok(alice, ['set', 'API_KEY'], values.API_KEY);
  ok(alice, ['set', 'DB_PASSWORD'], values.DB_PASSWORD);
  ok(alice, ['set', 'OLD'], values.OLD);
  ok(alice, ['set', 'STAGING_TOKEN', '--env', 'staging'], values.STAGING_TOKEN);
  ok(alice, ['team', 'init', 'alice', '--envs', 'dev,staging']);
  keyOf(alice);
  ok(alice, ['push']);
  publish(alice, 'share dev and staging');
  // OLD is shared, then removed before anyone else joins.
  ok(alice, ['rm', 'OLD']);
  expect(ok(alice, ['push'])).toContain('removed OLD');
  publish(alice, 'OLD is gone');
  for (const name of ['bob', 'carol']) {
    const member = join_(name);
    members[name] = member;
    ok(member, ['init']);
  }
  // Carol brings her own identity from age-keygen, so the `age` tool can use it below.
  const carolKey = join(members.carol!.sandbox.root, 'carol.key');
  execFileSync('age-keygen', ['-o', carolKey], { stdio: 'ignore' });
  ok(members.carol!, ['team', 'key', '--import', carolKey]);
  keyOf(members.bob!);
  keyOf(members.carol!);
}, 120_000);

afterAll(() => {
  origin.cleanup();
  for (const member of Object.values(members)) member.sandbox.cleanup();
});

describe('team sharing between three members', () => {
  it('adds members only with the fingerprint they gave, and they read the secrets after a pull', () => {
    const { alice, bob, carol } = members as Record<string, Member>;
    const wrong = sh(alice!, [
      'team',
      'add',
      'bob',
      bob!.recipient,
      '--fingerprint',
      'dead:beef:0000:0000:0000',
    ]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(bob!.fingerprint);
    const noTerminal = sh(alice!, ['team', 'add', 'bob', bob!.recipient]);
    expect(noTerminal.code).toBe(3);
    ok(alice!, ['team', 'add', 'bob', bob!.recipient, '--fingerprint', bob!.fingerprint]);
    ok(alice!, [
      'team',
      'add',
      'carol',
      carol!.recipient,
      '--envs',
      'dev',
      '--fingerprint',
      carol!.fingerprint,
    ]);
    publish(alice!, 'add bob and carol');
    for (const member of [bob!, carol!]) {
      update(member);
      const pulled = ok(member, ['pull']);
      expect(pulled).toContain('added    dev/API_KEY');
      expect(pulled).not.toContain('OLD');
      expect(reveal(member, 'API_KEY')).toBe(values.API_KEY);
    }
    expect(reveal(bob!, 'STAGING_TOKEN', 'staging')).toBe(values.STAGING_TOKEN);
    expect(sh(carol!, ['get', 'STAGING_TOKEN', '--env', 'staging']).code).toBe(4);
    const listed = JSON.parse(ok(bob!, ['team', 'ls', '--json'])) as {
      members: { name: string; addedBy: string }[];
    };
    expect(listed.members.map((member) => [member.name, member.addedBy])).toEqual([
      ['alice', 'alice <alice@example.com>'],
      ['bob', 'alice <alice@example.com>'],
      ['carol', 'alice <alice@example.com>'],
    ]);
  });

  it('blocks a push while a key is not accepted, until team ack', () => {
    const { alice, bob, carol } = members as Record<string, Member>;
    ok(bob!, ['set', 'API_KEY'], randomValue());
    const blocked = sh(bob!, ['push']);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('alice');
    expect(blocked.stderr).toContain('carol');
    expect(sh(bob!, ['team', 'ack']).code).toBe(3);
    expect(sh(bob!, ['team', 'ack', '--fingerprint', alice!.fingerprint], undefined).code).toBe(0);
    expect(sh(bob!, ['push']).code).toBe(3);
    ok(bob!, ['team', 'ack', '--fingerprint', carol!.fingerprint]);
    ok(carol!, ['team', 'ack', '--fingerprint', alice!.fingerprint]);
    ok(carol!, ['team', 'ack', '--fingerprint', bob!.fingerprint]);
    // An agent never acks, not even with a fingerprint.
    const agent = latch(alice!.sandbox, ['team', 'ack', '--fingerprint', bob!.fingerprint], {
      env: { CLAUDECODE: '1' },
    });
    expect(agent.code).toBe(3);
    expect(ok(bob!, ['push'])).toContain('wrote API_KEY');
    publish(bob!, 'bob rotates API_KEY');
  });

  it('merges concurrent edits of different secrets, and reports the same secret changed twice', () => {
    const { alice, bob, carol } = members as Record<string, Member>;
    update(carol!);
    ok(carol!, ['pull']);
    const fromBob = randomValue();
    const fromCarol = randomValue();
    ok(bob!, ['set', 'DB_PASSWORD'], fromBob);
    ok(carol!, ['set', 'API_KEY'], fromCarol);
    ok(bob!, ['push']);
    ok(carol!, ['push']);
    // git diff names the secret through latch's diff driver: no ciphertext, no value.
    const diff = git(bob!, ['diff']);
    expect(diff).toContain('DB_PASSWORD in dev: changed');
    expect(diff).not.toContain('AGE ENCRYPTED FILE');
    expect(diff).not.toContain(fromBob);
    git(bob!, ['add', '-A']);
    git(bob!, ['commit', '-qm', 'bob: DB_PASSWORD']);
    git(carol!, ['add', '-A']);
    git(carol!, ['commit', '-qm', 'carol: API_KEY']);
    git(bob!, ['push', '-q', 'origin', 'HEAD:main']);
    update(carol!); // a git merge of two different files: no conflict
    git(carol!, ['push', '-q', 'origin', 'HEAD:main']);
    update(alice!);
    const hint = '.latch/envs/dev/ changed since your last `latch pull`';
    expect(sh(alice!, ['run', '--', 'true']).stderr).toContain(hint);
    const pulled = ok(alice!, ['pull']);
    expect(sh(alice!, ['run', '--', 'true']).stderr).not.toContain(hint);
    expect(pulled).toContain('changed  dev/API_KEY');
    expect(pulled).toContain('changed  dev/DB_PASSWORD');
    expect(reveal(alice!, 'API_KEY')).toBe(fromCarol);
    expect(reveal(alice!, 'DB_PASSWORD')).toBe(fromBob);

    // Alice changes DB_PASSWORD without pushing; Bob changes it and publishes.
    const mine = randomValue();
    const theirs = randomValue();
    ok(alice!, ['set', 'DB_PASSWORD'], mine);
    update(bob!);
    ok(bob!, ['pull']);
    ok(bob!, ['set', 'DB_PASSWORD'], theirs);
    ok(bob!, ['push']);
    publish(bob!, 'bob: DB_PASSWORD again');
    update(alice!);
    const refused = sh(alice!, ['push']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('dev/DB_PASSWORD');
    const conflict = sh(alice!, ['pull']);
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toContain('conflict dev/DB_PASSWORD');
    expect(reveal(alice!, 'DB_PASSWORD')).toBe(mine);
    ok(alice!, ['pull', '--theirs']);
    expect(reveal(alice!, 'DB_PASSWORD')).toBe(theirs);
    const kept = JSON.parse(ok(alice!, ['get', 'DB_PASSWORD', '--json'])) as { versions: number };
    expect(kept.versions).toBeGreaterThanOrEqual(1);
  });

  it('is interoperable with the age tool both ways', () => {
    const { alice, carol } = members as Record<string, Member>;
    const file = join(carol!.sandbox.cwd, '.latch/envs/dev/API_KEY.age');
    const plaintext = execFileSync('age', ['-d', '-i', join(carol!.sandbox.root, 'carol.key'), file], {
      encoding: 'utf8',
    });
    const document = JSON.parse(plaintext) as { name: string; value: string };
    expect(document.name).toBe('API_KEY');
    expect(Buffer.from(document.value, 'base64').toString()).toBe(reveal(carol!, 'API_KEY'));
    // A secret file written by hand with `age -R .latch/recipients` (dev readers are everyone).
    const handmade = randomValue();
    const now = new Date().toISOString();
    const json = JSON.stringify({
      v: 1,
      env: 'dev',
      name: 'BY_HAND',
      value: Buffer.from(handmade).toString('base64'),
      created: now,
      updated: now,
      by: carol!.fingerprint,
      to: [],
    });
    execFileSync(
      'age',
      [
        '-a',
        '-R',
        join(carol!.sandbox.cwd, '.latch/recipients'),
        '-o',
        join(carol!.sandbox.cwd, '.latch/envs/dev/BY_HAND.age'),
      ],
      {
        input: json,
      },
    );
    publish(carol!, 'carol: a file made with age');
    update(alice!);
    expect(ok(alice!, ['pull'])).toContain('added    dev/BY_HAND');
    expect(reveal(alice!, 'BY_HAND')).toBe(handmade);
  });

  it('takes an ssh-ed25519 member: age -d -i id_ed25519 reads what latch writes, latch reads age -R', () => {
    const { alice } = members as Record<string, Member>;
    const dave = join_('dave');
    members.dave = dave;
    update(dave);
    ok(dave, ['init']);
    const sshKey = join(dave.sandbox.root, 'id_ed25519');
    execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-C', 'dave@laptop', '-f', sshKey]);
    ok(dave, ['team', 'key', '--import', sshKey]);
    keyOf(dave);
    const publicKey = readFileSync(`${sshKey}.pub`, 'utf8').trim();
    expect(dave.recipient).toBe(publicKey.split(' ').slice(0, 2).join(' '));
    update(alice!);
    ok(alice!, ['pull']);
    ok(alice!, ['team', 'add', 'dave', publicKey, '--envs', 'dev', '--fingerprint', dave.fingerprint]);
    publish(alice!, 'add dave (ssh)');
    update(dave);
    const file = join(dave.sandbox.cwd, '.latch/envs/dev/API_KEY.age');
    const document = JSON.parse(execFileSync('age', ['-d', '-i', sshKey, file], { encoding: 'utf8' })) as {
      value: string;
    };
    ok(dave, ['pull']);
    expect(reveal(dave, 'API_KEY')).toBe(Buffer.from(document.value, 'base64').toString());
    // A file made by age for the ssh key alone (a recovery by hand): latch reads it.
    const now = new Date().toISOString();
    const own = randomValue();
    const json = JSON.stringify({
      v: 1,
      env: 'dev',
      name: 'DAVE_ONLY',
      value: Buffer.from(own).toString('base64'),
      created: now,
      updated: now,
      by: '',
      to: [],
    });
    execFileSync(
      'age',
      ['-a', '-R', `${sshKey}.pub`, '-o', join(dave.sandbox.cwd, '.latch/envs/dev/DAVE_ONLY.age')],
      { input: json },
    );
    expect(ok(dave, ['pull'])).toContain('added    dev/DAVE_ONLY');
    expect(reveal(dave, 'DAVE_ONLY')).toBe(own);
    rmSync(join(dave.sandbox.cwd, '.latch/envs/dev/DAVE_ONLY.age'));
    ok(dave, ['rm', 'DAVE_ONLY']);
    // Alice cannot read it: "not for you" names dave's key by its ssh tag.
    execFileSync(
      'age',
      ['-a', '-R', `${sshKey}.pub`, '-o', join(alice!.sandbox.cwd, '.latch/envs/dev/DAVE_ONLY.age')],
      { input: json },
    );
    const notForAlice = sh(alice!, ['pull']);
    expect(notForAlice.code).toBe(3);
    expect(notForAlice.stderr).toContain(`made for dave (${dave.fingerprint})`);
    rmSync(join(alice!.sandbox.cwd, '.latch/envs/dev/DAVE_ONLY.age'));
  });

  it('removes a member: the report lists exactly what they could read, marks it, and new files are closed to them', () => {
    const { alice, carol } = members as Record<string, Member>;
    update(alice!);
    ok(alice!, ['pull']);
    const removed = JSON.parse(ok(alice!, ['team', 'rm', 'carol', '--json'])) as {
      secrets: { environment: string; name: string; rotate: boolean }[];
      rotate: string[];
    };
    expect(removed.secrets.map((entry) => `${entry.environment}/${entry.name}`).sort()).toEqual([
      'dev/API_KEY',
      'dev/BY_HAND',
      'dev/DB_PASSWORD',
    ]);
    expect(removed.rotate.sort()).toEqual(['dev/API_KEY', 'dev/BY_HAND', 'dev/DB_PASSWORD']);
    const listed = JSON.parse(ok(alice!, ['ls', '--json'])) as {
      name: string;
      rotationNeeded: string | null;
    }[];
    expect(listed.find((entry) => entry.name === 'API_KEY')?.rotationNeeded).toBeTruthy();
    ok(alice!, ['set', 'NEW_AFTER'], randomValue());
    ok(alice!, ['push']);
    publish(alice!, 'carol leaves; NEW_AFTER');
    const newFile = join(alice!.sandbox.cwd, '.latch/envs/dev/NEW_AFTER.age');
    const denied = spawnSync('age', ['-d', '-i', join(carol!.sandbox.root, 'carol.key'), newFile], {
      encoding: 'utf8',
    });
    expect(denied.status).not.toBe(0);
    const report = JSON.parse(ok(alice!, ['team', 'offboard-report', 'carol', '--json'])) as {
      secrets: { name: string }[];
    };
    expect(report.secrets.map((entry) => entry.name)).not.toContain('NEW_AFTER');
    expect(report.secrets.map((entry) => entry.name)).not.toContain('OLD');
    update(carol!);
    const pulled = sh(carol!, ['pull']);
    expect(pulled.code).toBe(4);
    expect(ok(alice!, ['team', 'verify'])).toContain('ok:');
  });

  it('refuses bad files with one line and the right exit code', () => {
    const { alice, bob } = members as Record<string, Member>;
    update(bob!);
    ok(bob!, ['pull', '--theirs']);
    const file = join(bob!.sandbox.cwd, '.latch/envs/dev/API_KEY.age');
    const original = readFileSync(file, 'utf8');
    // A changed byte in the payload (the line before the armor's last).
    const lines = original.split('\n');
    const at = lines.length - 3;
    lines[at] = `${lines[at]!.slice(0, 2)}${lines[at]![2] === 'A' ? 'B' : 'A'}${lines[at]!.slice(3)}`;
    writeFileSync(file, lines.join('\n'));
    const tampered = sh(bob!, ['pull']);
    expect(tampered.code).toBe(6);
    expect(tampered.stderr).toContain('.latch/envs/dev/API_KEY.age');
    expect(sh(bob!, ['team', 'verify']).code).toBe(6);
    writeFileSync(file, original.slice(0, original.length / 2));
    expect(sh(bob!, ['pull']).code).toBe(6);
    writeFileSync(file, `<<<<<<< HEAD\n${original}=======\n${original}>>>>>>> theirs\n`);
    const conflictedFile = sh(bob!, ['pull']);
    expect(conflictedFile.code).toBe(1);
    expect(conflictedFile.stderr).toContain('.latch/envs/dev/API_KEY.age has git merge-conflict markers');
    writeFileSync(file, original);
    // A file for someone else: exit 3, naming it.
    const outsider = join(bob!.sandbox.root, 'outsider.key');
    execFileSync('age-keygen', ['-o', outsider], { stdio: 'ignore' });
    const outsiderRecipient = execFileSync('age-keygen', ['-y', outsider], { encoding: 'utf8' }).trim();
    mkdirSync(join(bob!.sandbox.cwd, '.latch/envs/dev'), { recursive: true });
    execFileSync(
      'age',
      ['-a', '-r', outsiderRecipient, '-o', join(bob!.sandbox.cwd, '.latch/envs/dev/FOREIGN.age')],
      { input: '{}' },
    );
    const foreign = sh(bob!, ['pull']);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toContain('FOREIGN.age is not encrypted to your key');
    const strangerKey = join(bob!.sandbox.root, 'stranger_ed25519');
    execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-f', strangerKey]);
    execFileSync(
      'age',
      ['-a', '-R', `${strangerKey}.pub`, '-o', join(bob!.sandbox.cwd, '.latch/envs/dev/FOREIGN.age')],
      {
        input: '{}',
      },
    );
    const verified = sh(bob!, ['team', 'verify']);
    expect(verified.code).toBe(6);
    expect(verified.stdout).toContain('FOREIGN.age: encrypted to 1 ssh key that no member of dev has');
    rmSync(join(bob!.sandbox.cwd, '.latch/envs/dev/FOREIGN.age'));
    const recipients = join(bob!.sandbox.cwd, '.latch/recipients');
    const team = readFileSync(recipients, 'utf8');
    writeFileSync(recipients, `${team}# member: mallory envs=dev\nage1notakey\n`);
    const malformed = sh(bob!, ['push']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/recipients line \d+/);
    writeFileSync(recipients, `<<<<<<< HEAD\n${team}=======\n${team}>>>>>>> theirs\n`);
    const conflicted = sh(bob!, ['pull']);
    expect(conflicted.code).toBe(1);
    expect(conflicted.stderr).toContain('merge-conflict markers');
    writeFileSync(recipients, team);
    expect(sh(alice!, ['push', '--env', 'nope']).code).toBe(4);
  });

  it('leaves only whole files when a push is killed (kill -9), and the next push completes', async () => {
    const { alice } = members as Record<string, Member>;
    update(alice!);
    ok(alice!, ['pull', '--theirs']);
    const directory = join(alice!.sandbox.cwd, '.latch/envs/dev');
    let killedMidWrite = 0;
    for (let round = 0; round < 3; round++) {
      const dotenv = Array.from({ length: 60 }, (_, index) => `BULK_${index}=${randomValue()}`).join('\n');
      const file = join(alice!.sandbox.root, 'bulk.env');
      writeFileSync(file, `${dotenv}\n`);
      ok(alice!, ['import', file]);
      const child = startLatch(alice!.sandbox, ['push']);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Killed the moment its first temp file shows: in the middle of writing the batch.
      await new Promise<void>((resolve) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const writing = readdirSync(directory).some((name) => name.includes('.tmp-'));
          if (writing || child.exitCode !== null || Date.now() - started > 20_000) {
            clearInterval(poll);
            if (writing) killedMidWrite++;
            child.kill('SIGKILL');
            resolve();
          }
        }, 1);
      });
      await exited;
      // Every file decrypts and names itself (verify reads them all); temp files are ignored.
      expect(ok(alice!, ['team', 'verify'])).toContain('ok:');
      expect(
        git(alice!, ['status', '--porcelain', '--ignored=no'])
          .split('\n')
          .filter((line) => line.includes('.tmp-')),
      ).toEqual([]);
      ok(alice!, ['push']);
      expect(ok(alice!, ['push'])).toContain('nothing to push');
    }
    expect(killedMidWrite).toBeGreaterThan(0);
  }, 120_000);
});
