/**
 * Starting and running the session agent (src/session/agent-socket.ts). The agent is this
 * same executable, run as `latch __session-agent` in the background with the caller's
 * environment (minus any passphrase): it reads the session's item from the keychain itself,
 * so no key passes between processes when it starts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { claimReadyPipes, type OsPipe, startOsPipes } from '../run/os-pipe.js';
import { isUnlockVariable } from '../run/plan.js';
import { startBackgroundLatch } from '../shared/background-latch.js';
import { resolveLatchHome } from '../shared/home.js';
import type { Io } from '../shared/io.js';
import { decodeVault, unwrapDataKey } from '../vault/format.js';
import { vaultPaths } from '../vault/store.js';
import {
  agentPipesDirectory,
  agentSocketPath,
  askAgent,
  pingAgent,
  readAgentPipe,
  serveAgent,
} from './agent-socket.js';
import { openKeychain } from './keychain.js';
import { deviceKeyEncryptionKey, keychainAccount } from './session.js';
import { type AgentClient, liveSessionFor } from './sessions.js';

/** The variables an agent is started with. */
const agentVariable =
  /^(?:LATCH_\w+|DBUS_SESSION_BUS_ADDRESS|XDG_\w+|HOME|PATH|USER|LOGNAME|LANG|LC_\w+|TMPDIR)$/;

/** The hidden command that runs the agent; not in the command table or the help. */
export const agentCommand = '__session-agent';

/** LATCH_SESSION_AGENT=off: commands never ask or start an agent (the keychain is asked each time). */
function agentDisabled(env: Io['env']): boolean {
  return env.LATCH_SESSION_AGENT?.toLowerCase() === 'off' || env.LATCH_KEYCHAIN?.toLowerCase() === 'off';
}

/** Starts an agent for `home` in the background and returns at once. */
export function startAgent(io: Io, home: string): void {
  if (agentDisabled(io.env) || agentSocketPath(home) === null) return;
  // Only what the agent needs (the keychain's bus, latch's settings, mkfifo on PATH): it
  // lives for hours, and the caller's environment may hold anything.
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(io.env)) {
    if (value !== undefined && !isUnlockVariable(name) && agentVariable.test(name)) env[name] = value;
  }
  env.LATCH_HOME = resolve(home);
  startBackgroundLatch(agentCommand, env);
}

/** Starts an agent and waits (up to `timeoutMs`) until it answers; true when one runs. */
export async function startAgentAndWait(io: Io, home: string, timeoutMs = 3_000): Promise<boolean> {
  startAgent(io, home);
  if (agentDisabled(io.env) || agentSocketPath(home) === null) return false;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await pingAgent(home, 200)) !== null) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return false;
}

/**
 * The pipes for `run`'s masked output: a pair the session agent made ready when there is
 * one (no `mkfifo` to wait for), else new ones (`startOsPipes`).
 */
export function pipesForRun(io: Io): Promise<OsPipe[] | null> {
  const ready = agentDisabled(io.env) ? null : claimReadyPipes(agentPipesDirectory(resolveLatchHome(io.env)));
  return ready ? Promise.resolve(ready) : startOsPipes(2);
}

/** What `sessionUnlocker` needs: ask the agent, or start one after a keychain read. */
export function agentClient(io: Io, home: string): AgentClient | null {
  if (agentDisabled(io.env)) return null;
  return {
    ask: async (account) => {
      // The pipe first (synchronous, microseconds); the socket when it has no record for us.
      const fromPipe = readAgentPipe(home);
      return fromPipe?.account === account ? fromPipe.item : askAgent(home, account);
    },
    start: () => startAgent(io, home),
  };
}

/**
 * `latch __session-agent`: serve the live session of LATCH_HOME until it ends. Exits 0
 * without serving when there is nothing to serve (no session, no keychain, no socket).
 */
export async function runAgent(io: Io, home: string): Promise<number> {
  const availability = openKeychain(io.env);
  if (!availability.ok) return 0;
  const sealed = decodeVault(readFileSync(vaultPaths(home).vault));
  const account = keychainAccount(sealed.vaultId, resolve(home));
  const item = availability.keychain.get(account);
  const now = () => io.now().getTime();
  const live = liveSessionFor(sealed, item, now());
  if (item === null || live === null) return 0;
  // Serve only an item that really opens the session.
  const dataKey = unwrapDataKey(sealed.vaultId, live.session.slot, deviceKeyEncryptionKey(live.credential));
  if (dataKey === null) return 0;
  dataKey.fill(0);
  await serveAgent({ home, account, item, expiresAt: live.session.params.expiresAt, now });
  return 0;
}
