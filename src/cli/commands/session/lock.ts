/** `latch lock`: end the session at once, and stop the `latch ui` servers of this LATCH_HOME. */

import { readFileSync } from 'node:fs';
import { recordEvent } from '../../../app/audit.js';
import { latchHome } from '../../../app/context.js';
import { agentClient } from '../../../session/agent.js';
import { stopAgent } from '../../../session/agent-socket.js';
import { openKeychain } from '../../../session/keychain.js';
import { deviceSlots } from '../../../session/session.js';
import { endSession, sessionUnlocker } from '../../../session/sessions.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { stopUiServers } from '../../../ui/registry.js';
import { decodeVault } from '../../../vault/format.js';
import {
  earlierGenerationExists,
  noVaultError,
  type UnlockedVault,
  unlockVault,
  vaultExists,
  vaultPaths,
} from '../../../vault/store.js';
import type { ParsedArgs } from '../../args.js';

const noPassphrase = Symbol('no passphrase');

export async function run(_args: ParsedArgs, io: Io): Promise<number> {
  const home = latchHome(io);
  // First, so that no page goes on showing the vault it unlocked while the session ends.
  for (const outcome of await stopUiServers(home))
    if (outcome.stopped) say(io, `stopped latch ui on port ${outcome.port} (pid ${outcome.pid})`);
  if (!vaultExists(home)) {
    await stopAgent(home);
    throw earlierGenerationExists(home)
      ? noVaultError(home)
      : new LatchError('E_NO_VAULT', `no vault in ${home}; nothing to lock`);
  }
  const vaultId = decodeVault(readFileSync(vaultPaths(home).vault)).vaultId;
  // Open through the session while it is live (the agent first, which needs no D-Bus), to take
  // its slot out of the header: then the keychain item opens nothing, even where it cannot be
  // deleted. Never ask for the passphrase just to lock, and never start an agent.
  const agent = agentClient(io, home);
  let vault: UnlockedVault | null = null;
  try {
    vault = await unlockVault(home, {
      passphrase: () => Promise.reject(noPassphrase),
      session: sessionUnlocker(
        io.env,
        home,
        () => io.now().getTime(),
        () => {},
        agent && { ask: agent.ask, start: () => {} },
      ),
    });
  } catch (error) {
    if (error !== noPassphrase) throw error;
  }
  // The agent goes whatever LATCH_KEYCHAIN says: after `lock` nothing answers.
  await stopAgent(home);
  const availability = openKeychain(io.env);
  const ended = vault !== null && deviceSlots(vault.current.slots).length > 0;
  await endSession(availability.ok ? availability.keychain : null, vaultId, home, vault);
  await recordEvent(io, { kind: 'lock' }, vault);
  if (availability.ok) say(io, 'locked: the next command asks for the passphrase');
  else if (ended) {
    say(
      io,
      `locked: the session's slot is gone from the vault, so its keychain item opens nothing (not deleted: ${availability.reason})`,
    );
  } else say(io, `locked (no keychain in use: ${availability.reason})`);
  return 0;
}
