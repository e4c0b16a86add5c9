import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptArmored, encryptArmored } from '../../src/team/age.js';
import { parseIdentity, parseRecipient } from '../../src/team/keys.js';

describe('x', () => {
  it('round trips with age', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'age-'));
    execFileSync('age-keygen', ['-o', join(dir, 'k')]);
    const id = parseIdentity(readFileSync(join(dir, 'k'), 'utf8'));
    const pub = execFileSync('age-keygen', ['-y', join(dir, 'k')], { encoding: 'utf8' }).trim();
    expect(id.recipient.text).toBe(pub);
    const t0 = performance.now();
    const armored = await encryptArmored(new TextEncoder().encode('hello'), [id.recipient]);
    console.log('enc', performance.now() - t0);
    writeFileSync(join(dir, 'f.age'), armored);
    expect(execFileSync('age', ['-d', '-i', join(dir, 'k'), join(dir, 'f.age')], { encoding: 'utf8' })).toBe(
      'hello',
    );
    execFileSync('age', ['-a', '-r', pub, '-o', join(dir, 'g.age')], { input: 'bye' });
    const out = await decryptArmored(readFileSync(join(dir, 'g.age'), 'utf8'), id);
    expect(Buffer.from(out as Uint8Array).toString()).toBe('bye');
    execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-f', join(dir, 'id')]);
    const sshId = parseIdentity(readFileSync(join(dir, 'id'), 'utf8'));
    const sshRec = parseRecipient(readFileSync(join(dir, 'id.pub'), 'utf8'))!;
    expect(sshId.recipient.text).toBe(sshRec.text);
    writeFileSync(
      join(dir, 's.age'),
      await encryptArmored(new TextEncoder().encode('ssh'), [sshRec, id.recipient]),
    );
    expect(execFileSync('age', ['-d', '-i', join(dir, 'id'), join(dir, 's.age')], { encoding: 'utf8' })).toBe(
      'ssh',
    );
    execFileSync('age', ['-a', '-R', join(dir, 'id.pub'), '-o', join(dir, 't.age')], { input: 'tt' });
    const out2 = await decryptArmored(readFileSync(join(dir, 't.age'), 'utf8'), sshId);
    expect(Buffer.from(out2 as Uint8Array).toString()).toBe('tt');
    expect(await decryptArmored(readFileSync(join(dir, 't.age'), 'utf8'), id)).toBe('not-for-me');
  });
});
