/**
 * The age files latch writes and reads, checked against the Debian `age` tool (age 1.1):
 * X25519 and ssh-ed25519 recipients, both ways, and the difference between a file that is
 * not for you and one that is damaged.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptArmored, encryptArmored, headerStanzas } from '../../src/team/age.js';
import { parseIdentity, parseRecipient } from '../../src/team/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'latch-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (bytes: Uint8Array | string) =>
  typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString();

function ageKey(name: string) {
  const path = join(dir, name);
  execFileSync('age-keygen', ['-o', path], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', path], { encoding: 'utf8' }).trim();
  return { path, recipient, identity: parseIdentity(readFileSync(path, 'utf8')) };
}

function sshKey(name: string) {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-C', `${name}@example`, '-f', path]);
  return {
    path,
    identity: parseIdentity(readFileSync(path, 'utf8')),
    recipient: parseRecipient(readFileSync(`${path}.pub`, 'utf8'))!,
  };
}

function ageDecrypt(key: string, armored: string): string {
  const file = join(dir, `in-${Math.random()}.age`);
  writeFileSync(file, armored);
  return execFileSync('age', ['-d', '-i', key, file], { encoding: 'utf8' });
}

function ageEncrypt(args: string[], plaintext: string): string {
  const out = join(dir, `out-${Math.random()}.age`);
  execFileSync('age', ['-a', ...args, '-o', out], { input: plaintext });
  return readFileSync(out, 'utf8');
}

describe('age files', () => {
  const alice = ageKey('alice.key');
  const bob = ageKey('bob.key');
  const carol = sshKey('carol_ed25519');

  it('derives the same recipient from an identity as age-keygen -y', () => {
    expect(alice.identity.recipient.text).toBe(alice.recipient);
    expect(carol.identity.recipient.text).toBe(carol.recipient.text);
    expect(carol.recipient.text).not.toContain('carol@example');
  });

  it('writes files the age tool decrypts with each recipient, X25519 and ssh-ed25519', async () => {
    const armored = await encryptArmored(new TextEncoder().encode('three readers'), [
      alice.identity.recipient,
      bob.identity.recipient,
      carol.recipient,
    ]);
    expect(armored.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(headerStanzas(armored)?.map((args) => args[0])).toEqual(['X25519', 'X25519', 'ssh-ed25519']);
    expect(ageDecrypt(alice.path, armored)).toBe('three readers');
    expect(ageDecrypt(bob.path, armored)).toBe('three readers');
    expect(ageDecrypt(carol.path, armored)).toBe('three readers');
  });

  it('reads files the age tool writes with -r and -R (an ssh public key file)', async () => {
    const toAlice = ageEncrypt(['-r', alice.recipient, '-r', bob.recipient], 'from age');
    expect(text((await decryptArmored(toAlice, alice.identity)) as Uint8Array)).toBe('from age');
    const toCarol = ageEncrypt(['-R', `${carol.path}.pub`], 'to an ssh key');
    expect(text((await decryptArmored(toCarol, carol.identity)) as Uint8Array)).toBe('to an ssh key');
  });

  it('tells a file for someone else from a damaged one', async () => {
    const forBob = ageEncrypt(['-r', bob.recipient], 'not yours');
    expect(await decryptArmored(forBob, alice.identity)).toBe('not-for-me');
    expect(await decryptArmored(ageEncrypt(['-R', `${carol.path}.pub`], 'x'), alice.identity)).toBe(
      'not-for-me',
    );
    const forAlice = await encryptArmored(new TextEncoder().encode('payload'), [alice.identity.recipient]);
    const lines = forAlice.split('\n');
    const at = lines.length - 3;
    lines[at] = `${lines[at]!.slice(0, 1)}${lines[at]![1] === 'A' ? 'B' : 'A'}${lines[at]!.slice(2)}`;
    expect(await decryptArmored(lines.join('\n'), alice.identity)).toBe('malformed');
    expect(await decryptArmored(forAlice.slice(0, forAlice.length / 2), alice.identity)).toBe('malformed');
    expect(await decryptArmored('not an age file', alice.identity)).toBe('malformed');
  });
});
