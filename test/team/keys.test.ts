import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bech32Decode,
  bech32Encode,
  fingerprintOf,
  parseIdentity,
  parseRecipient,
  sameFingerprint,
} from '../../src/team/keys.js';
import { ed25519ToX25519 } from '../../src/team/x25519.js';

// The identity of age's own test data, kept in the vectors (which `latch scan` skips).
const vector = JSON.parse(readFileSync(new URL('../vectors/team-v1.json', import.meta.url), 'utf8')) as {
  identity: string;
  recipient: string;
};
const { identity, recipient } = vector;

describe('keys', () => {
  it('derives the recipient of a known identity', () => {
    expect(parseIdentity(`# created: 2026\n# public key: ${recipient}\n${identity}\n`).recipient.text).toBe(
      recipient,
    );
  });

  it('round-trips bech32 and refuses a changed character or mixed case', () => {
    const bytes = new Uint8Array(32).map((_, index) => index);
    const encoded = bech32Encode('age', bytes);
    expect(bech32Decode(encoded)?.bytes).toEqual(bytes);
    expect(bech32Decode(`${encoded.slice(0, -1)}${encoded.endsWith('q') ? 'p' : 'q'}`)).toBeNull();
    expect(bech32Decode(`A${encoded.slice(1)}`)).toBeNull();
  });

  it.each([
    ['age1 with a bad checksum', `${recipient.slice(0, -1)}x`],
    ['an identity', identity],
    ['an rsa ssh key', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user'],
    ['ssh-ed25519 with a short key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== x'],
    ['empty', ''],
  ])('refuses %s as a recipient', (_, text) => {
    expect(parseRecipient(text)).toBeNull();
  });

  it('accepts an ssh-ed25519 key with its comment, keeping the key alone', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpuf0ORBQuwB+B0TBXbjyJvgeDSGYQmAwa/';
    expect(parseRecipient(`${key} someone@laptop`)?.text).toBe(key);
  });

  it('maps the Ed25519 base point to its Montgomery u-coordinate 9', () => {
    const basePoint = Buffer.from('5866666666666666666666666666666666666666666666666666666666666666', 'hex');
    const nine = new Uint8Array(32);
    nine[0] = 9;
    expect(ed25519ToX25519(basePoint)).toEqual(nine);
  });

  it('prints fingerprints in five groups and compares them loosely', () => {
    const fingerprint = fingerprintOf(recipient);
    expect(fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){4}$/);
    expect(sameFingerprint(fingerprint.replaceAll(':', ' ').toUpperCase(), fingerprint)).toBe(true);
    expect(sameFingerprint('', fingerprint)).toBe(false);
    expect(fingerprintOf(`${recipient.slice(0, -1)}q`)).not.toBe(fingerprint);
  });

  it('refuses an identity file with two keys or none, and an encrypted ssh key', () => {
    expect(() => parseIdentity(`${identity}\n${identity}\n`)).toThrow(/not an age identity/);
    expect(() => parseIdentity('# nothing\n')).toThrow(/not an age identity/);
  });
});
