/** `latch unlock [--for 8h]`: start a session backed by a device key in the OS keychain. */
import { auditedAttempts, keepAuditHeadInVault, recordEvent } from '../../../app/audit.js';
import { latchHome, readPassphrase } from '../../../app/context.js';
import { startAgentAndWait } from '../../../session/agent.js';
import { stopAgent } from '../../../session/agent-socket.js';
import { openKeychain } from '../../../session/keychain.js';
import { startSession } from '../../../session/sessions.js';
import { parseDuration } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { lockoutAttempts } from '../../../vault/lockout-file.js';
import { noVaultError, unlockVault, vaultExists } from '../../../vault/store.js';
import { type ParsedArgs, stringOption } from '../../args.js';

/** The longest session latch starts: long enough for a working week, short of forever. */
const maxSessionMs = 30 * 86_400_000;

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const duration = parseDuration(stringOption(args, 'for') ?? '8h');
  if (duration > maxSessionMs) throw new LatchError('E_USAGE', '--for can be at most 30d');
  const home = latchHome(io);
  // No vault is the first thing to fix (exit 4): a keychain would not help without one.
  if (!vaultExists(home)) throw noVaultError(home);
  const availability = openKeychain(io.env);
  if (!availability.ok) {
    throw new LatchError(
      'E_NO_KEYCHAIN',
      `no OS keychain to keep a session in: ${availability.reason}; latch will ask for the passphrase each time (or read LATCH_PASSPHRASE_FILE)`,
    );
  }
  const now = () => io.now().getTime();
  // A session always starts from the passphrase, never from another session.
  const vault = keepAuditHeadInVault(
    io,
    await unlockVault(home, {
      passphrase: () => readPassphrase(io),
      attempts: auditedAttempts(io, lockoutAttempts(home, now, io.sleep)),
    }),
  );
  const expiresAt = now() + duration;
  await startSession(vault, availability.keychain, expiresAt);
  // The agent keeps the new session's item so that commands skip the keychain; one of an
  // earlier session holds an item that no longer opens anything.
  await stopAgent(home);
  const agent = await startAgentAndWait(io, home);
  await recordEvent(
    io,
    { kind: 'unlock', outcome: 'success', detail: { until: new Date(expiresAt).toISOString() } },
    vault,
  );
  say(
    io,
    `unlocked until ${new Date(expiresAt).toISOString()} (${availability.keychain.backend}${agent ? ', session agent running' : ''}); \`latch lock\` ends it`,
  );
  return 0;
}
