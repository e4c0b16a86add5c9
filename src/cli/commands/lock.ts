/** `latch lock`: end the session at once. */

import { readFileSync } from 'node:fs';
import { LatchError } from '../../core/errors.js';
import { decodeVault } from '../../core/format.js';
import { openKeychain } from '../../platform/keychain.js';
import { stopAgent } from '../../platform/session-agent.js';
import { endSession, sessionUnlocker } from '../../platform/sessions.js';
import { type UnlockedVault, unlockVault, vaultExists, vaultPaths } from '../../platform/store.js';
import type { ParsedArgs } from '../args.js';
import { recordEvent } from '../audit.js';
import { latchHome } from '../context.js';
import { type Io, say } from '../io.js';

const noPassphrase = Symbol('no passphrase');

export async function run(_args: ParsedArgs, io: Io): Promise<number> {
  // The agent goes first and whatever LATCH_KEYCHAIN says: after `lock` nothing answers.
  await stopAgent(latchHome(io));
  const availability = openKeychain(io.env);
  if (!availability.ok) {
    say(io, `locked (no keychain in use: ${availability.reason})`);
    return 0;
  }
  const home = latchHome(io);
  if (!vaultExists(home)) throw new LatchError('E_NO_VAULT', `no vault in ${home}; nothing to lock`);
  const vaultId = decodeVault(readFileSync(vaultPaths(home).vault)).vaultId;
  // Open through the session if it is still live, to take its slot out of the header too;
  // never ask for the passphrase just to lock.
  let vault: UnlockedVault | null = null;
  try {
    vault = await unlockVault(home, {
      passphrase: () => Promise.reject(noPassphrase),
      session: sessionUnlocker(
        io.env,
        home,
        () => io.now().getTime(),
        () => {},
      ),
    });
  } catch (error) {
    if (error !== noPassphrase) throw error;
  }
  await endSession(availability.keychain, vaultId, home, vault);
  await recordEvent(io, { kind: 'lock' }, vault);
  say(io, 'locked: the next command asks for the passphrase');
  return 0;
}
