/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and
 * on Linux the Secret Service only (pinned: no silent fallback to the kernel keyring, whose
 * items die with the login session and are visible to other processes of the user anyway).
 * The native module is loaded only when a keychain is actually used.
 */
import { createRequire } from 'node:module';

export interface Keychain {
  /** A human name for `latch status`. */
  backend: string;
  get(account: string): string | null;
  set(account: string, secret: string): void;
  /** Returns true when an item was deleted. */
  remove(account: string): boolean;
  /** The accounts of every item latch created. */
  accounts(): string[];
}

export type KeychainAvailability = { ok: true; keychain: Keychain } | { ok: false; reason: string };

const service = 'latch';

function backendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (D-Bus)';
}

/**
 * Opens the keychain unless LATCH_KEYCHAIN=off or none is reachable; says why in `reason`.
 * On Linux a Secret Service needs a D-Bus session bus, so its absence is known without
 * loading the native module.
 */
export function openKeychain(
  env: Readonly<Record<string, string | undefined>>,
  platform = process.platform,
): KeychainAvailability {
  const setting = (env.LATCH_KEYCHAIN ?? 'auto').toLowerCase();
  if (setting === 'off') return { ok: false, reason: 'LATCH_KEYCHAIN=off' };
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) {
    return {
      ok: false,
      reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service',
    };
  }
  let keyring: typeof import('@napi-rs/keyring');
  try {
    keyring = createRequire(import.meta.url)('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
  } catch (error) {
    return {
      ok: false,
      reason: `the keychain module did not load (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const entry = (account: string) =>
    new keyring.Entry(service, account, { linux: { store: 'secret-service' } });
  return {
    ok: true,
    keychain: {
      backend: backendName(platform),
      get: (account) => entry(account).getPassword() ?? null,
      set: (account, secret) => entry(account).setPassword(secret),
      remove: (account) => entry(account).deletePassword(),
      accounts: () => keyring.findCredentials(service).map((credential) => credential.account),
    },
  };
}
