/**
 * `latch team key [--import FILE | --export] [--json]`: your recipient and its fingerprint;
 * import an identity made by `age-keygen` (or an unencrypted ssh ed25519 key); export yours,
 * only to a person on a terminal, so files can be recovered with plain `age -d -i`.
 */

import { confirmOnTerminal } from '../../../app/access.js';
import { detectActor, recordEvent, updateRecorded } from '../../../app/audit.js';
import { openVault } from '../../../app/context.js';
import { LatchError } from '../../../shared/errors.js';
import { readFileWithin } from '../../../shared/files.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { fingerprintOf, parseIdentity } from '../../../team/keys.js';
import { readTeamState, writeTeamState } from '../../../team/state.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';
import { ensureIdentity } from './_scope.js';

/** Refuses an AI agent or a caller without a terminal: what follows needs a person. */
export async function requirePerson(io: Io, reason: string, expected: string): Promise<void> {
  const actor = detectActor(io);
  if (actor.agent) {
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `${reason}: refused for an AI agent (${actor.agent}); a person runs this on a terminal`,
    );
  }
  await confirmOnTerminal(io, reason, expected);
}

async function importIdentity(io: Io, file: string): Promise<number> {
  let text: string;
  try {
    text = readFileWithin(file, 64 * 1024).toString('utf8');
  } catch (error) {
    if (error instanceof LatchError) throw error;
    throw new LatchError(
      'E_NOT_FOUND',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const identity = parseIdentity(text);
  const vault = await openVault(io);
  const existing = readTeamState(vault.contents).identity;
  if (existing && parseIdentity(existing).recipient.text !== identity.recipient.text) {
    await requirePerson(
      io,
      'replacing your team key: files encrypted to the old key stop opening for you until a member re-adds you',
      'replace',
    );
  }
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const state = readTeamState(contents);
      state.identity = identity.text;
      writeTeamState(contents, state);
    },
    () => [
      {
        kind: 'team',
        outcome: 'key-import',
        detail: { fingerprint: fingerprintOf(identity.recipient.text) },
      },
    ],
  );
  say(io, `imported; your recipient is ${identity.recipient.text}`);
  say(io, `fingerprint: ${fingerprintOf(identity.recipient.text)}`);
  return 0;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0)
    throw new LatchError('E_USAGE', 'usage: latch team key [--import FILE | --export] [--json]');
  const file = stringOption(args, 'import');
  const exporting = flagOption(args, 'export');
  if (file !== undefined && exporting)
    throw new LatchError('E_USAGE', '--import and --export cannot be used together');
  if (file !== undefined) return importIdentity(io, file);
  if (exporting) {
    // Checked before the vault is unlocked: an agent gets no prompt at all.
    await requirePerson(io, 'printing your team secret key (it decrypts every shared secret)', 'export');
  }
  const vault = await openVault(io);
  const identity = await ensureIdentity(vault);
  if (exporting) {
    await recordEvent(
      io,
      {
        kind: 'team',
        outcome: 'key-export',
        detail: { fingerprint: fingerprintOf(identity.recipient.text) },
      },
      vault,
    );
    io.stdout.write(identity.text);
    return 0;
  }
  const fingerprint = fingerprintOf(identity.recipient.text);
  if (flagOption(args, 'json')) sayJson(io, { recipient: identity.recipient.text, fingerprint });
  else {
    say(io, identity.recipient.text);
    say(io, `fingerprint: ${fingerprint}`);
  }
  return 0;
}
