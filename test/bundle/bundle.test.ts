import { readFileSync } from 'node:fs';
import { armor, Decrypter, Encrypter } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { openWithPassphrase, sealToRecipients, sealWithPassphrase } from '../../src/bundle/age-file.js';
import { decodeBundle, encodeBundle } from '../../src/bundle/document.js';
import {
  estimateStrength,
  generatedBits,
  generatePassphrase,
  minimumBits,
} from '../../src/bundle/passphrase.js';
import { words } from '../../src/bundle/words.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const vector = JSON.parse(readFileSync(new URL('../vectors/bundle-v1.json', import.meta.url), 'utf8'));

describe('the bundle format (known answer)', () => {
  it('opens the committed vector and reads its document', async () => {
    const plain = await openWithPassphrase(bytes(vector.file), bytes(vector.password), 'vector');
    expect(new TextDecoder().decode(plain!)).toBe(vector.document);
    const bundle = decodeBundle(plain!);
    expect(bundle.project).toBe('myapp');
    expect(new TextDecoder().decode(bundle.secrets.get('API_KEY'))).toBe('vector-api-key-123456');
    expect([...bundle.secrets.get('BLOB')!]).toEqual([0, 1, 2, 255]);
    expect(encodeBundle(bundle)).toEqual(plain);
  });

  it('age-encryption itself (pure-JS scrypt) opens what latch seals, and latch opens what it seals', async () => {
    const file = await sealWithPassphrase(bytes('hello'), bytes('pw one'), 10);
    expect(file.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    const decrypter = new Decrypter();
    decrypter.addPassphrase('pw one');
    expect(await decrypter.decrypt(armor.decode(file), 'text')).toBe('hello');
    const encrypter = new Encrypter();
    encrypter.setPassphrase('pw two');
    encrypter.setScryptWorkFactor(10);
    const theirs = await encrypter.encrypt('world');
    expect(new TextDecoder().decode((await openWithPassphrase(theirs, bytes('pw two'), 'f'))!)).toBe('world');
  });

  it('a wrong password is null; damage, truncation and other files are errors naming the file', async () => {
    const file = bytes(vector.file);
    expect(await openWithPassphrase(file, bytes('wrong'), 'b.enc')).toBeNull();
    const binary = armor.decode(vector.file);
    const flipped = binary.slice();
    flipped[flipped.length - 5]! ^= 1;
    await expect(openWithPassphrase(flipped, bytes(vector.password), 'b.enc')).rejects.toMatchObject({
      code: 'E_TAMPERED',
      exitCode: 6,
      message: expect.stringContaining('b.enc'),
    });
    await expect(
      openWithPassphrase(binary.subarray(0, binary.length - 20), bytes(vector.password), 'b.enc'),
    ).rejects.toMatchObject({ code: 'E_TAMPERED' });
    await expect(openWithPassphrase(bytes('KEY=value\n'), bytes('x'), 'b.enc')).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_FORMAT',
      message: 'b.enc is not an age file',
    });
    const toKey = await sealToRecipients(bytes('x'), [
      'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
    ]);
    await expect(openWithPassphrase(bytes(toKey), bytes('x'), 'b.enc')).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_FORMAT',
      message: expect.stringContaining('age keys'),
    });
  });

  it('a file that opens but holds no latch-bundle/1 document is refused', () => {
    expect(() => decodeBundle(bytes('just some text'))).toThrow(/not a latch bundle/);
    expect(() => decodeBundle(bytes('{"format":"latch-bundle/2"}'))).toThrow(/not a latch bundle/);
    expect(() =>
      decodeBundle(
        bytes(
          '{"format":"latch-bundle/1","project":"a","environment":"dev","created":"x","secrets":[{"name":"1X","value":""}]}',
        ),
      ),
    ).toThrow(/malformed/);
  });
});

describe('passwords', () => {
  it('the word list has 4096 distinct words, so each word is 12 bits', () => {
    expect(new Set(words).size).toBe(4096);
    expect(generatedBits).toBeGreaterThanOrEqual(100);
  });

  it('generates words from the list with the randomness given', () => {
    let next = 0;
    const passphrase = generatePassphrase((n) => (next++ * 1000) % n);
    expect(passphrase.split('-')).toHaveLength(9);
    expect(passphrase.split('-').every((word) => words.includes(word))).toBe(true);
    expect(estimateStrength(passphrase)).toEqual({ bits: 108, weakness: null });
  });

  it.each([
    ['hunter2', true],
    ['password1234567890', true],
    ['aaaaaaaaaaaaaaaaaaaaaaaa', true],
    ['abcdefghijklmnopqrstuvwx', true],
    ['correcthorse', true],
    ['Tr0ub4dor&3', true],
    ['v9#Lq2$wXz8!mR4p', false],
    ['mellow-tundra-quasar-fig-lantern', false],
  ])('%s is weak: %s', (password, weak) => {
    const strength = estimateStrength(password);
    expect(strength.weakness !== null, `${strength.bits} bits`).toBe(weak);
    expect(strength.bits >= minimumBits).toBe(!weak);
  });
});
