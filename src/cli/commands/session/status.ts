/** `latch status`: locked or unlocked, until when, which keychain, failed attempts. */

import { latchHome } from '../../../app/context.js';
import { answerCommand, readSecretRequests } from '../../../app/secret-requests.js';
import { pingAgent } from '../../../session/agent-socket.js';
import { readSessionStatus } from '../../../session/sessions.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { checkAttempt, describeWait } from '../../../vault/lockout.js';
import { readLockoutState } from '../../../vault/lockout-file.js';
import { noVaultError, vaultExists } from '../../../vault/store.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const home = latchHome(io);
  if (!vaultExists(home)) throw noVaultError(home);
  const now = io.now().getTime();
  const session = readSessionStatus(home, io.env, now);
  const agent = await pingAgent(home);
  const lockout = readLockoutState(home);
  const verdict = checkAttempt(lockout, now);
  const retryInMs = verdict.allowed ? 0 : verdict.waitMs;
  const requests = readSecretRequests(home, now);
  if (flagOption(args, 'json')) {
    sayJson(io, {
      vault: home,
      unlocked: session.unlockedUntil !== null,
      unlockedUntil: session.unlockedUntil === null ? null : new Date(session.unlockedUntil).toISOString(),
      detail: session.detail,
      keychain: session.keychain,
      agent: agent === null ? { running: false } : { running: true, pid: agent.pid },
      failedAttempts: lockout.failures,
      retryInMs,
      requests,
    });
    return 0;
  }
  const state =
    session.unlockedUntil === null
      ? `locked (${session.detail})`
      : `unlocked until ${new Date(session.unlockedUntil).toISOString()} (${describeWait(session.unlockedUntil - now)} left)`;
  say(io, `vault     ${home}`);
  say(io, `state     ${state}`);
  say(
    io,
    `keychain  ${session.keychain.available ? session.keychain.backend : `not available: ${session.keychain.reason}`}`,
  );
  say(io, `agent     ${agent === null ? 'not running' : `running (pid ${agent.pid})`}`);
  if (lockout.failures > 0) {
    say(
      io,
      `failures  ${lockout.failures} wrong passphrase${lockout.failures === 1 ? '' : 's'}${retryInMs > 0 ? `; next try in ${describeWait(retryInMs)}` : ''}`,
    );
  }
  // Secrets agents asked for through latch mcp: the person answers with `latch set`.
  for (const request of requests)
    say(
      io,
      `requested ${request.name} in ${request.project}/${request.environment} by ${request.agent} (${request.reason}): run \`${answerCommand(request)}\``,
    );
  return 0;
}
