/**
 * Unlock sessions on disk and in the OS keychain (issue 3): starting one writes a device
 * slot into the vault header and the device key into the keychain; unlocking through one
 * reads the key back and opens the slot, so no passphrase and no Argon2id are needed until
 * it expires. An expired session is treated as locked and its keychain item deleted.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { decodeVault, type SealedVault, unwrapDataKey } from '../vault/format.js';
import { type UnlockedVault, vaultPaths } from '../vault/store.js';
import { type Keychain, openKeychain } from './keychain.js';
import {
  type DeviceCredential,
  type DeviceSlot,
  decodeKeychainItem,
  deviceKeyEncryptionKey,
  deviceSlots,
  deviceSlotType,
  encodeDeviceParams,
  encodeKeychainItem,
  keychainAccount,
  parseKeychainAccount,
} from './session.js';

const random = (count: number) => new Uint8Array(randomBytes(count));

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/** The live session slot a keychain item opens, with the item's credential; null if none. */
export function liveSessionFor(
  sealed: SealedVault,
  item: string | null,
  now: number,
): { credential: DeviceCredential; session: DeviceSlot } | null {
  const credential = item === null ? null : decodeKeychainItem(item);
  if (!credential) return null;
  const session = deviceSlots(sealed.slots).find(
    (candidate) =>
      candidate.params.expiresAt > now && sameBytes(candidate.params.deviceId, credential.deviceId),
  );
  return session ? { credential, session } : null;
}

/** The data key through `item`, or null when it opens no live session slot. */
function openWithItem(sealed: SealedVault, item: string | null, now: number): Uint8Array | null {
  const live = liveSessionFor(sealed, item, now);
  return live
    ? unwrapDataKey(sealed.vaultId, live.session.slot, deviceKeyEncryptionKey(live.credential))
    : null;
}

/** The session agent as `sessionUnlocker` uses it (src/session/agent-socket.ts). */
export interface AgentClient {
  /** The item the agent holds for `account`, or null (no agent, or not this account). */
  ask(account: string): Promise<string | null>;
  /** Starts an agent in the background (after the keychain had to be asked). */
  start(): void;
}

/**
 * The session half of `unlockVault`: returns the data key when a live session's key is in
 * the session agent or the keychain, else null (and the caller asks for the passphrase).
 * Neither is touched unless the vault has a session slot, the agent only for a live one. The
 * agent is asked first (its pipe, else its socket); the keychain only when it has no answer,
 * and then an agent is started for the next command. Problems are reported through `note` once, never thrown: a broken
 * keychain must not stand between a person and their vault.
 */
export function sessionUnlocker(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  now: () => number,
  note: (text: string) => void,
  agent: AgentClient | null = null,
): (sealed: SealedVault) => Promise<Uint8Array | null> {
  return async (sealed) => {
    const sessions = deviceSlots(sealed.slots);
    if (sessions.length === 0) return null;
    const keychainOff = env.LATCH_KEYCHAIN?.toLowerCase() === 'off';
    const account = keychainAccount(sealed.vaultId, resolve(home));
    const live = sessions.some((session) => session.params.expiresAt > now());
    if (live && agent && !keychainOff) {
      try {
        const key = openWithItem(sealed, await agent.ask(account), now());
        if (key) return key;
      } catch {
        // An agent holding a wrong or stale item: the keychain decides.
      }
    }
    const availability = openKeychain(env);
    if (!availability.ok) {
      if (!keychainOff) note(`latch: no OS keychain (${availability.reason}); asking for the passphrase`);
      return null;
    }
    try {
      if (!live) {
        availability.keychain.remove(account);
        return null;
      }
      const key = openWithItem(sealed, availability.keychain.get(account), now());
      if (key && agent) agent.start();
      return key;
    } catch (error) {
      note(
        `latch: the keychain did not answer (${(error as Error).message.split('\n')[0]}); asking for the passphrase`,
      );
      return null;
    }
  };
}

/**
 * Starts (or replaces) the session: a new device key goes into the keychain first, then its
 * slot into the vault header, so a failure leaves no slot without a key.
 */
export async function startSession(
  vault: UnlockedVault,
  keychain: Keychain,
  expiresAt: number,
): Promise<void> {
  const credential = { deviceId: random(16), deviceKey: random(32) };
  const account = keychainAccount(vault.current.vaultId, resolve(vault.paths.home));
  try {
    keychain.set(account, encodeKeychainItem(credential));
  } catch (error) {
    throw new LatchError(
      'E_NO_KEYCHAIN',
      `the keychain refused the session key (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const slot = vault.wrapInSlot(
    deviceSlotType,
    encodeDeviceParams({ deviceId: credential.deviceId, expiresAt }),
    deviceKeyEncryptionKey(credential),
  );
  await vault.replaceSlots((slots) => [
    ...slots.filter((existing) => existing.type !== deviceSlotType),
    slot,
  ]);
  removeForeignItems(keychain, vault.current.vaultId, vault.paths.home);
}

/**
 * Ends the session: the slot leaves the header (when the vault is open) and the item the
 * keychain (when there is one).
 */
export async function endSession(
  keychain: Keychain | null,
  vaultId: Uint8Array,
  home: string,
  vault: UnlockedVault | null,
): Promise<boolean> {
  if (vault && deviceSlots(vault.current.slots).length > 0) {
    await vault.replaceSlots((slots) => slots.filter((existing) => existing.type !== deviceSlotType), {
      previousToo: true,
    });
  }
  // Without a keychain the item stays, but with its slot gone from both generations' headers
  // it opens nothing.
  if (keychain === null) return false;
  const removed = keychain.remove(keychainAccount(vaultId, resolve(home)));
  removeForeignItems(keychain, vaultId, home);
  return removed;
}

/** The id (hex) of the vault in `home`, or null when there is none or it cannot be read. */
function vaultIdIn(home: string): string | null | 'unreadable' {
  const file = vaultPaths(home).vault;
  if (!existsSync(file)) return null;
  try {
    return Buffer.from(decodeVault(readFileSync(file)).vaultId).toString('hex');
  } catch {
    return 'unreadable';
  }
}

/**
 * Deletes keychain items latch made for vaults that are gone: a vault replaced in this home,
 * or a home whose vault was deleted. Items of other homes' live vaults stay. Runs whenever a
 * session starts or ends and when a vault is created; never throws.
 */
export function removeForeignItems(keychain: Keychain, vaultId: Uint8Array, home: string): void {
  const own = keychainAccount(vaultId, resolve(home));
  try {
    for (const account of keychain.accounts()) {
      if (account === own || !account.startsWith('vault-')) continue;
      const named = parseKeychainAccount(account);
      // Items of an earlier item format, or of a vault no longer at that home, are stale.
      const current = named ? vaultIdIn(named.home) : null;
      if (current === 'unreadable') continue;
      if (!named || current !== named.vaultIdHex) keychain.remove(account);
    }
  } catch {}
}

export interface SessionStatus {
  /** The live session's end, when the vault is unlocked. */
  unlockedUntil: number | null;
  /** Why it is locked, for people. */
  detail: string;
  keychain: { available: boolean; backend: string | null; reason: string | null };
}

/** What `latch status` reports; reads the vault header and the keychain, decrypts nothing. */
export function readSessionStatus(
  home: string,
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): SessionStatus {
  const availability = openKeychain(env);
  const keychain = availability.ok
    ? { available: true, backend: availability.keychain.backend, reason: null }
    : { available: false, backend: null, reason: availability.reason };
  const sealed = decodeVault(readFileSync(vaultPaths(home).vault));
  const sessions = deviceSlots(sealed.slots);
  if (sessions.length === 0) return { unlockedUntil: null, detail: 'no session', keychain };
  const live = sessions.filter((session) => session.params.expiresAt > now);
  if (live.length === 0) return { unlockedUntil: null, detail: 'the session has expired', keychain };
  if (!availability.ok) return { unlockedUntil: null, detail: 'the keychain is not available', keychain };
  try {
    const item = availability.keychain.get(keychainAccount(sealed.vaultId, resolve(home)));
    const session = liveSessionFor(sealed, item, now)?.session;
    if (!session) return { unlockedUntil: null, detail: 'the session key is not in the keychain', keychain };
    return { unlockedUntil: session.params.expiresAt, detail: 'unlocked', keychain };
  } catch (error) {
    return {
      unlockedUntil: null,
      detail: `the keychain did not answer (${(error as Error).message.split('\n')[0]})`,
      keychain,
    };
  }
}
