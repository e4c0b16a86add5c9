/**
 * Unlock sessions (issue 3): a random device key, kept in the OS keychain, wraps the data key
 * in a key slot of type 2 whose parameters carry the session's expiry. The expiry sits in the
 * slot's authenticated data, so it is enforced by latch, not trusted from the keychain: an
 * edited expiry makes the slot fail to open. The keychain item holds only the device key.
 */
import { hkdfSync } from 'node:crypto';
import { LatchError } from '../shared/errors.js';
import type { KeySlot } from '../vault/format.js';

/** Slot type 2: the data key wrapped under a device key from the OS keychain. */
export const deviceSlotType = 2;

export interface DeviceSlotParams {
  /** Random id tying the keychain item to this slot. */
  deviceId: Uint8Array;
  /** When the session ends, in ms since the epoch. */
  expiresAt: number;
}

export interface DeviceCredential {
  deviceId: Uint8Array;
  deviceKey: Uint8Array;
}

const itemPrefix = 'latch-device-v1';

/** Encodes slot parameters: device id (16 bytes) || expiry (u64 ms, big-endian). */
export function encodeDeviceParams(params: DeviceSlotParams): Uint8Array {
  const out = new Uint8Array(24);
  out.set(params.deviceId, 0);
  new DataView(out.buffer).setBigUint64(16, BigInt(params.expiresAt));
  return out;
}

/** Decodes slot parameters; throws E_TAMPERED when they have the wrong size. */
export function decodeDeviceParams(bytes: Uint8Array): DeviceSlotParams {
  if (bytes.length !== 24)
    throw new LatchError('E_TAMPERED', 'the vault has a malformed session slot; run `latch lock`');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { deviceId: bytes.slice(0, 16), expiresAt: Number(view.getBigUint64(16)) };
}

/** The key-encryption key for a device slot (HKDF, so the raw device key never wraps directly). */
export function deviceKeyEncryptionKey(credential: DeviceCredential): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', credential.deviceKey, credential.deviceId, 'latch device slot v1', 32),
  );
}

/**
 * The keychain account for a vault: one session per vault, named by its id and by the
 * LATCH_HOME it lives in (an absolute path), so that a user with several homes keeps a
 * session in each, and latch can tell which items belong to vaults that are gone.
 */
export function keychainAccount(vaultId: Uint8Array, home: string): string {
  return `vault-${Buffer.from(vaultId).toString('hex')}@${home}`;
}

/** The vault id (hex) and home an account names; null for an account latch did not make. */
export function parseKeychainAccount(account: string): { vaultIdHex: string; home: string } | null {
  const match = /^vault-([0-9a-f]{32})@(.+)$/.exec(account);
  return match ? { vaultIdHex: match[1]!, home: match[2]! } : null;
}

/** The text stored in the keychain item: a version tag, the device id and the device key. */
export function encodeKeychainItem(credential: DeviceCredential): string {
  return [
    itemPrefix,
    Buffer.from(credential.deviceId).toString('hex'),
    Buffer.from(credential.deviceKey).toString('base64'),
  ].join(':');
}

/** Parses a keychain item; returns null for anything latch did not write. */
export function decodeKeychainItem(text: string): DeviceCredential | null {
  const [prefix, id, key, ...rest] = text.split(':');
  if (prefix !== itemPrefix || rest.length > 0 || !id || !key || !/^[0-9a-f]{32}$/.test(id)) return null;
  const deviceKey = new Uint8Array(Buffer.from(key, 'base64'));
  return deviceKey.length === 32 ? { deviceId: new Uint8Array(Buffer.from(id, 'hex')), deviceKey } : null;
}

/** A device slot of the vault header with its decoded parameters. */
export interface DeviceSlot {
  slot: KeySlot;
  params: DeviceSlotParams;
}

/** The device slots of a vault with their parsed parameters. */
export function deviceSlots(slots: KeySlot[]): DeviceSlot[] {
  return slots
    .filter((slot) => slot.type === deviceSlotType)
    .map((slot) => ({ slot, params: decodeDeviceParams(slot.params) }));
}
