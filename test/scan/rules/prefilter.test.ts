import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameAround, readAssignment } from '../../../src/scan/rules/assignment.js';
import { createPrefilter } from '../../../src/scan/rules/prefilter.js';

describe('keyword prefilter', () => {
  const prefilter = createPrefilter(['sk-', 'sk-ant-', 'ant', 'key', 'hvs.'], ['key']);

  it('finds every keyword, case-blind, including overlapping and nested ones', () => {
    const hits = prefilter.find('const x = "SK-ANT-abc"; // KEY and hvs.');
    expect([...hits.present].sort()).toEqual(['ant', 'hvs.', 'key', 'sk-', 'sk-ant-']);
  });

  it('tracks the end offset of every occurrence of tracked keywords only', () => {
    const text = 'key1 monkey Key';
    expect(prefilter.find(text).trackedPositions).toEqual([2, 10, 14]);
  });

  it('finds nothing in text without keywords, and survives any input', () => {
    expect(prefilter.find('hello world').present.size).toBe(0);
    expect(createPrefilter([]).find('anything').present.size).toBe(0);
    expect(prefilter.find('').present.size).toBe(0);
  });

  it.each([true, false])('agrees with a naive search on random text (WebAssembly: %s)', (webAssembly) => {
    const keywords = ['ab', 'abc', 'bca', 'zz_', 'q.q'];
    const compiled = createPrefilter(keywords, ['ab'], { webAssembly });
    fc.assert(
      fc.property(fc.stringMatching(/^[abcz_.qAB\u00e9\u{1F600}\u0101]{0,60}$/u), (text) => {
        const lower = text.toLowerCase();
        const expected = keywords.filter((keyword) => lower.includes(keyword));
        const hits = compiled.find(text);
        expect([...hits.present].sort()).toEqual(expected.sort());
        const ends = [...lower.matchAll(/(?=ab)/g)].map((match) => match.index + 1);
        expect(hits.trackedPositions).toEqual(ends);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    true,
    false,
  ])('keeps string offsets after characters outside Latin-1 (WebAssembly: %s)', (webAssembly) => {
    const compiled = createPrefilter(['key'], ['key'], { webAssembly });
    const text = '\u{1F600}\u0100 key \u4e2d KEY';
    expect(compiled.find(text).trackedPositions).toEqual([text.indexOf('key') + 2, text.indexOf('KEY') + 2]);
  });

  it('agrees with the JavaScript loop on long texts, read in two streams, with keywords across the middle', () => {
    const keywords = ['ab', 'abc', 'bca', 'zz_', 'q.q', '-----begin rsa private key-----'];
    const webAssembly = createPrefilter(keywords, ['ab', 'zz_']);
    const javaScript = createPrefilter(keywords, ['ab', 'zz_'], { webAssembly: false });
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const alphabet = 'abcz_.qAB xyz';
    const base = Array.from({ length: 70_001 }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
      '',
    );
    // Around the middle, where stream A hands over to stream B, put a long keyword at every offset.
    const middle = Math.floor(base.length / 2);
    for (let offset = middle - 40; offset < middle + 40; offset += 3) {
      const text = `${base.slice(0, offset)}-----BEGIN RSA PRIVATE KEY-----${base.slice(offset)}`;
      const expected = javaScript.find(text);
      const actual = webAssembly.find(text);
      expect([...actual.present].sort()).toEqual([...expected.present].sort());
      expect(actual.trackedPositions).toEqual(expected.trackedPositions);
    }
  });

  it('rescans with more room when a text holds more keywords than expected', () => {
    const compiled = createPrefilter(['k'], ['k']);
    for (const length of [50_000, 150_000]) {
      const hits = compiled.find('k'.repeat(length));
      expect(hits.trackedPositions).toHaveLength(length);
      expect(hits.trackedPositions[length - 1]).toBe(length - 1);
    }
  });
});

describe('assignment reader', () => {
  it.each([
    ['API_KEY=abc', 'API_KEY', 'abc'],
    ['api_key: "abc"', 'api_key', 'abc'],
    ['"api_key" : \'abc\'', 'api_key', 'abc'],
    ['apiKey := `abc`', 'apiKey', 'abc'],
    ["'api_key' => 'a\\'b'", 'api_key', "a\\'b"],
    ['--api-key=abc def', 'api-key', 'abc'],
    ['f(api_key=abc, x)', 'api_key', 'abc'],
  ])('%s', (text, name, value) => {
    const span = nameAround(text, text.indexOf('key') + 2);
    expect(span).not.toBeNull();
    const assignment = readAssignment(text, span![0], span![1]);
    expect(assignment?.name).toBe(name);
    expect(text.slice(assignment!.valueStart, assignment!.valueEnd)).toBe(value);
  });

  it.each([
    'api_key == abc',
    'api_key != abc',
    'api_key <= 3',
    'key::value',
    'https://key:abc',
    '$api_key = 1',
    'api_key = "unterminated',
  ])('reads no assignment in %s', (text) => {
    const span = nameAround(text, text.indexOf('key') + 2);
    expect(span === null || readAssignment(text, span[0], span[1]) === null).toBe(true);
  });
});
