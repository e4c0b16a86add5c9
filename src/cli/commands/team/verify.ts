/**
 * `latch team verify`: every file of the environments you read decrypts for you and was
 * encrypted to exactly the members of its environment (its stanzas and the fingerprints it
 * records), and every key in `.latch/recipients` is one you accepted. Exit 6 otherwise.
 */
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { headerStanzas } from '../../../team/age.js';
import { fingerprintOf, type Recipient } from '../../../team/keys.js';
import { readersOf } from '../../../team/recipients-file.js';
import { listSecretFiles, readSecretFile, secretFilePath } from '../../../team/repo.js';
import { openSecretFile, recipientsKey } from '../../../team/sync.js';
import { unacceptedMembers } from '../../../team/trust.js';
import { sshTag } from '../../../team/x25519.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { openTeam, scopeOf } from './_scope.js';

function sshTagOf(recipient: Recipient): string | null {
  return recipient.kind === 'ssh-ed25519'
    ? sshTag(new Uint8Array(Buffer.from(recipient.text.split(' ')[1]!, 'base64')))
    : null;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new LatchError('E_USAGE', 'usage: latch team verify [--json]');
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const problems: string[] = [];
  for (const member of unacceptedMembers(scope.team, scope.state.accepted, open.identity)) {
    problems.push(
      `.latch/recipients: ${member.name} (${fingerprintOf(member.recipient.text)}) is a key you have not accepted`,
    );
  }
  let checked = 0;
  for (const environment of scope.team.environments) {
    const readers = readersOf(scope.team, environment);
    const mine = readers.some((member) => member.recipient.text === open.identity.recipient.text);
    for (const name of listSecretFiles(scope.repository, environment)) {
      const shown = secretFilePath(environment, name);
      checked++;
      let armored: string;
      try {
        armored = readSecretFile(scope.repository, environment, name)!;
      } catch (error) {
        problems.push(error instanceof LatchError ? error.message : `${shown}: cannot read`);
        continue;
      }
      const stanzas = headerStanzas(armored);
      if (!stanzas) {
        problems.push(`${shown}: not an armored age file`);
        continue;
      }
      if (stanzas.length !== readers.length) {
        problems.push(
          `${shown}: encrypted to ${stanzas.length} key${stanzas.length === 1 ? '' : 's'}, but ${environment} has ${readers.length} member${readers.length === 1 ? '' : 's'}; re-encrypt with \`latch push\``,
        );
      }
      // ssh-ed25519 stanzas name their key (a tag): each must be a reader's.
      const sshTags = new Set(readers.map((member) => sshTagOf(member.recipient)).filter(Boolean));
      const strangers = stanzas.filter((args) => args[0] === 'ssh-ed25519' && !sshTags.has(args[1]!)).length;
      if (strangers > 0)
        problems.push(
          `${shown}: encrypted to ${strangers} ssh key${strangers === 1 ? '' : 's'} that no member of ${environment} has`,
        );
      if (!mine) continue;
      try {
        const secret = await openSecretFile(scope, environment, name, armored);
        if ([...secret.to].sort().join(',') !== recipientsKey(readers)) {
          problems.push(
            `${shown}: encrypted to ${secret.to.join(', ')}, not to the members of ${environment} (${recipientsKey(readers)})`,
          );
        }
      } catch (error) {
        if (!(error instanceof LatchError)) throw error;
        problems.push(error.message);
      }
    }
  }
  if (flagOption(args, 'json')) sayJson(io, { files: checked, problems });
  else {
    for (const problem of problems) say(io, problem);
    if (problems.length === 0)
      say(io, `ok: ${checked} file${checked === 1 ? '' : 's'} checked, every key accepted`);
  }
  if (problems.length > 0) {
    throw new LatchError(
      'E_TAMPERED',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in .latch/ (listed above); see docs/commands.md, "latch team verify"`,
    );
  }
  return 0;
}
