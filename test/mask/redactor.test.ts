import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Core, maskForms, wrappedForms } from '../../src/mask/forms.js';
import { createRedactor, type MaskSecret, type Redactor } from '../../src/mask/redactor.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const latin1 = (data: Uint8Array) => Buffer.from(data).toString('latin1');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const wrap = (text: string, width: number, lineEnd: string) =>
  (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(lineEnd);

/** Streams `chunks` through a fresh stream of `redactor` and returns everything it emitted. */
function redact(redactor: Redactor, chunks: readonly Uint8Array[]): Uint8Array {
  const stream = redactor.stream();
  const out = chunks.map((chunk) => stream.push(chunk));
  out.push(stream.flush());
  expect(stream.pendingLength).toBe(0);
  return concat(...out);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(needle) !== -1;
}

/** `data` cut at the given offsets (sorted, clamped, repeats allowed: empty chunks too). */
function chunked(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((cut) => cut % (data.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(previous, point));
    previous = point;
  }
  return chunks;
}

const pem = [
  '-----BEGIN PRIVATE KEY-----', // latch:allow (a made-up test key)
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'abc',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');

const values: Array<[string, Uint8Array]> = [
  ['API_KEY', bytes('sk-live-4eC39HqLyjWDarjtT1zdp7dc')],
  ['PASSWORD', bytes('pa/ss+wo"rd\\ünï 7')],
  ['PEM', bytes(pem)],
  ['BINARY', Uint8Array.from([0, 255, 27, 10, 13, 128, 64, 1, 2, 3, 0x2b, 0x2f])],
];

/** The forms the issue lists, computed here independently of mask-forms.ts. */
function listedForms(value: Uint8Array): Array<[string, Uint8Array]> {
  const buffer = Buffer.from(value);
  const forms: Array<[string, string | Uint8Array]> = [
    ['raw', value],
    ['base64', buffer.toString('base64')],
    ['base64 unpadded', buffer.toString('base64').replace(/=+$/, '')],
    ['base64url padded', buffer.toString('base64').replaceAll('+', '-').replaceAll('/', '_')],
    ['base64url', buffer.toString('base64url')],
    ['hex', buffer.toString('hex')],
    ['HEX', buffer.toString('hex').toUpperCase()],
  ];
  const text = buffer.toString('utf8');
  if (Buffer.from(text).equals(buffer)) {
    forms.push(['percent', encodeURIComponent(text)], ['json', JSON.stringify(text).slice(1, -1)]);
  }
  const unique = new Map<string, [string, Uint8Array]>();
  for (const [label, form] of forms) {
    const data = typeof form === 'string' ? bytes(form) : form;
    if (!unique.has(latin1(data))) unique.set(latin1(data), [label, data]);
  }
  return [...unique.values()];
}

const cases: Array<[string, string, Uint8Array]> = values.flatMap(([name, value]) => {
  const own = listedForms(value).map(([label, form]): [string, string, Uint8Array] => [name, label, form]);
  const lines = latin1(value)
    .split('\n')
    .filter((line) => value.includes(0x0a) && line.length >= 8)
    .flatMap((line, index) =>
      listedForms(new Uint8Array(Buffer.from(line, 'latin1'))).map(
        ([label, form]): [string, string, Uint8Array] => [name, `line ${index} ${label}`, form],
      ),
    );
  return [...own, ...lines];
});

const redactor = createRedactor(values.map(([name, value]) => ({ name, value })));

describe('maskForms', () => {
  it.each(cases)('%s: lists the %s form', (name, _label, form) => {
    const value = values.find(([own]) => own === name)![1];
    expect(maskForms(value).map(latin1)).toContain(latin1(form));
  });

  it("lists Go's HTML-safe JSON escaping (encoding/json's default), ASCII-only too", () => {
    const value = bytes('a&b<c>d\u2028é-secretish');
    const forms = maskForms(value).map(latin1);
    expect(forms).toContain(latin1(bytes('a\\u0026b\\u003cc\\u003ed\\u2028é-secretish')));
    expect(forms).toContain('a\\u0026b\\u003cc\\u003ed\\u2028\\u00e9-secretish');
    const masked = redact(createRedactor([{ name: 'GO', value }]), [
      bytes('{"token":"a\\u0026b\\u003cc\\u003ed\\u2028\\u00e9-secretish"}'),
    ]);
    expect(Buffer.from(masked).toString()).toBe('{"token":"<latch:GO>"}');
  });

  it('skips values and forms shorter than the minimum, and lines shorter than 8', () => {
    expect(maskForms(bytes('12345'))).toEqual([]);
    expect(maskForms(bytes('123456')).map(latin1)).toContain('123456');
    expect(maskForms(bytes('abc\ndefghij\nklmnopqr')).map(latin1)).not.toContain('defghij');
    expect(maskForms(bytes('abc\ndefghij\nklmnopqr')).map(latin1)).toContain('klmnopqr');
    for (const form of maskForms(bytes('123456'))) expect(form.length).toBeGreaterThanOrEqual(6);
  });

  it('gives the lines of a long multi-line value forms of their own up to 1,024 lines', () => {
    const lines = Array.from({ length: 3000 }, (_, index) => `line-${String(index + 1).padStart(5, '0')}`);
    const value = bytes(lines.join('\n'));
    const forms = new Set(maskForms(value).map(latin1));
    expect(forms).toContain(lines.join('\n'));
    expect(forms).toContain(Buffer.from(lines.join('\n')).toString('base64'));
    expect(forms).toContain('line-01024');
    expect(forms).toContain(Buffer.from('line-01024').toString('hex'));
    expect(forms).not.toContain('line-01025');
    expect(forms).not.toContain('line-03000');
  });

  it('makes the percent-encoded forms of bytes that all need escaping', () => {
    const value = Uint8Array.from([0x00, 0xff, 0x20, 0x0a, 0x25, 0x2b, 0x80, 0x7f]);
    const forms = maskForms(value).map(latin1);
    expect(forms).toContain('%00%FF%20%0A%25%2B%80%7F');
    expect(forms).toContain('%00%ff+%0a%25%2b%80%7f');
  });

  it('masks a value read from a file without its final newline', () => {
    expect(maskForms(bytes('abcdef\n')).map(latin1)).toContain('abcdef');
  });

  it('computes the base64 cores that survive any neighbours', () => {
    const value = bytes('secret-value-42');
    for (const alignment of [0, 1, 2] as const) {
      const core = base64Core(value, alignment);
      for (const before of ['', 'x', 'xy', 'user:', 'Aladdin:']) {
        if ((before.length - alignment) % 3 !== 0) continue;
        for (const after of ['', '\n', '!', '~~~']) {
          expect(Buffer.from(`${before}secret-value-42${after}`).toString('base64')).toContain(core);
        }
      }
    }
  });
});

describe('redactor', () => {
  it.each(cases)('%s: replaces the %s form with the marker', (name, _label, form) => {
    const input = concat(bytes('before '), form, bytes(' after'));
    expect(latin1(redact(redactor, [input]))).toBe(`before <latch:${name}> after`);
  });

  it.each(cases)('%s: masks the %s form split at every offset', (name, _label, form) => {
    const input = concat(bytes('before '), form, bytes(' after'));
    for (let split = 0; split <= input.length; split++) {
      const output = redact(redactor, [input.subarray(0, split), input.subarray(split)]);
      expect(latin1(output)).toBe(`before <latch:${name}> after`);
    }
  });

  it('masks a value fed one byte at a time', () => {
    const input = bytes(`x=${Buffer.from(values[0]![1]).toString('base64')};\n`);
    const output = redact(
      redactor,
      [...input].map((byte) => Uint8Array.of(byte)),
    );
    expect(latin1(output)).toBe('x=<latch:API_KEY>;\n');
  });

  it.each([
    ['', 0],
    ['ab:', 0],
    ['admin:', 0],
    [':', 1],
    ['bob:', 1],
    ['deploy:', 1],
    ['a:', 2],
    ['user:', 2],
    ['Aladdin:', 2],
  ])('masks the value inside base64(%j + value) (alignment %i)', (prefix, alignment) => {
    expect(prefix.length % 3).toBe(alignment);
    const value = 'Op3n-Sesame-9f8e7d';
    for (const suffix of ['', '\n', ':extra-bytes']) {
      const encoded = Buffer.from(`${prefix}${value}${suffix}`).toString('base64');
      const secrets = [{ name: 'PASS', value: bytes(value) }];
      const output = latin1(redact(createRedactor(secrets), [bytes(`Authorization: Basic ${encoded}\r\n`)]));
      const [before, after] = output.replace('Authorization: Basic ', '').split('<latch:PASS>');
      expect(after).toBeDefined();
      // Only characters that also carry bits of the neighbours remain.
      expect(before!.length).toBeLessThanOrEqual(Math.ceil((8 * prefix.length) / 6));
      expect(after!.replace('\r\n', '').length).toBeLessThanOrEqual(Math.ceil((8 * suffix.length) / 6) + 3);
    }
  });

  it('does not mask values shorter than 6 bytes and reports them, except an empty one', () => {
    const secrets: MaskSecret[] = [
      { name: 'PIN', value: bytes('1234') },
      { name: 'SHORT', value: bytes('12345') },
      { name: 'EMPTY', value: new Uint8Array(0) },
      { name: 'OK', value: bytes('123456') },
    ];
    const short = createRedactor(secrets);
    expect(short.tooShort).toEqual(['PIN', 'SHORT']);
    expect(latin1(redact(short, [bytes('1234 12345 123456')]))).toBe('1234 12345 <latch:OK>');
    expect(createRedactor(secrets, { minLength: 4 }).tooShort).toEqual([]);
    expect(() => createRedactor(secrets, { minLength: 3 })).toThrow(RangeError);
  });

  it('knows without compiling whether anything is masked, and agrees with the compiled patterns', () => {
    const sets: MaskSecret[][] = [
      [],
      [{ name: 'PIN', value: bytes('12345') }],
      [{ name: 'EMPTY', value: new Uint8Array(0) }],
      [
        { name: 'PIN', value: bytes('12345') },
        { name: 'OK', value: bytes('123456') },
      ],
      [
        { name: 'A', value: bytes('same-value') },
        { name: 'B', value: bytes('same-value') },
      ],
    ];
    for (const secrets of sets) {
      const redactor = createRedactor(secrets);
      expect(redactor.masksAnything).toBe(redactor.patternCount > 0);
    }
    expect(createRedactor([{ name: 'PIN', value: bytes('12345') }], { minLength: 4 }).masksAnything).toBe(
      true,
    );
  });

  it.each([4, 6, 9])('never searches for a form shorter than minLength %i', (minLength) => {
    for (const value of ['abcd', 'abcdef', 'abcdefgh', 'abc\ndefghijk\n', '\u00e9\u00e9\u00e9']) {
      const forms = maskForms(bytes(value), minLength);
      for (const form of forms) expect(form.length).toBeGreaterThanOrEqual(minLength);
      expect(forms.length === 0).toBe(bytes(value).length < minLength);
    }
  });

  it('masks the whole overlap of two forms under the name of the longest first match', () => {
    const overlap = createRedactor([
      { name: 'A', value: bytes('123456abcdef') },
      { name: 'B', value: bytes('abcdefghijkl') },
      { name: 'C', value: bytes('123456abcdef-longer') },
    ]);
    expect(latin1(redact(overlap, [bytes('<123456abcdefghijkl>')]))).toBe('<<latch:A>>');
    expect(latin1(redact(overlap, [bytes('[123456abcdef-longer]')]))).toBe('[<latch:C>]');
    expect(latin1(redact(overlap, [bytes('123456abcdef123456abcdef')]))).toBe('<latch:A><latch:A>');
  });

  it('picks the longest of many values sharing a prefix, whatever order they come in', () => {
    // One prefix-table bucket holds them all; shortest first is the order that a naive
    // insertion into the bucket handles worst.
    const tokens = Array.from({ length: 300 }, (_, index) => ({
      name: `T${index}`,
      value: bytes(`ghp_${'x'.repeat(6 + index)}`),
    }));
    for (const order of [tokens, [...tokens].reverse()]) {
      const shared = createRedactor(order);
      expect(latin1(redact(shared, [bytes(`[ghp_${'x'.repeat(305)}]`)]))).toBe('[<latch:T299>]');
      expect(latin1(redact(shared, [bytes(`[ghp_${'x'.repeat(106)}]`)]))).toBe('[<latch:T100>]');
    }
  });

  it('passes output without secrets through byte for byte, invalid UTF-8 and all', () => {
    const input = Uint8Array.from({ length: 4096 }, (_, index) => (index * 131 + 7) % 256);
    input.set([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80], 100);
    expect(Buffer.from(redact(redactor, [input])).equals(Buffer.from(input))).toBe(true);
    expect(Buffer.from(redact(redactor, chunked(input, [1, 7, 100, 2000]))).equals(Buffer.from(input))).toBe(
      true,
    );
  });

  it('keeps one state per stream', () => {
    const value = values[0]![1];
    const stdout = redactor.stream();
    const stderr = redactor.stream();
    const first = concat(stdout.push(value.subarray(0, 10)), stderr.push(bytes('plain text\n')));
    const second = concat(stdout.push(value.subarray(10)), stdout.flush(), stderr.flush());
    expect(latin1(concat(first, second))).toBe('plain text\n<latch:API_KEY>');
  });

  it('holds back only a possible start of a value, and a flush releases it', () => {
    const stream = redactor.stream();
    expect(latin1(stream.push(bytes('password: sk-li')))).toBe('password: ');
    expect(stream.pendingLength).toBe(5);
    expect(latin1(stream.flush())).toBe('sk-li');
    expect(stream.pendingLength).toBe(0);
    // The rest of a value cut by an idle flush is still masked.
    expect(latin1(stream.push(bytes('ve-4eC39HqLyjWDarjtT1zdp7dc done')))).toBe('<latch:API_KEY> done');
    expect(latin1(stream.flush())).toBe('');
  });

  it('masks a value broken up by colour codes and keeps the colours', () => {
    const input = bytes('\x1b[1mkey=sk-live-\x1b[31m4eC39HqLyjWD\x1b[0;38;5;12marjtT1zdp7dc\x1b[0m.\n');
    const expected = '\x1b[1mkey=<latch:API_KEY>\x1b[31m\x1b[0;38;5;12m\x1b[0m.\n';
    expect(latin1(redact(redactor, [input]))).toBe(expected);
    for (let split = 0; split <= input.length; split++) {
      const output = redact(redactor, [input.subarray(0, split), input.subarray(split)]);
      expect(latin1(output)).toBe(expected);
    }
  });

  it('masks a value that itself holds a colour code, printed as is or recoloured', () => {
    const coloured = createRedactor([{ name: 'ODD', value: bytes('abc\x1b[31mdefghi') }]);
    expect(latin1(redact(coloured, [bytes('[abc\x1b[31mdefghi]')]))).toBe('[<latch:ODD>\x1b[31m]');
    expect(latin1(redact(coloured, [bytes('[abc\x1b[0mdef\x1b[1mghi]')]))).toBe(
      '[<latch:ODD>\x1b[0m\x1b[1m]',
    );
  });

  it('passes colour codes without secrets through unchanged', () => {
    const input = bytes(
      '\x1b[32mok\x1b[0m \x1b[1;31mfailed\x1b[0m \x1b[\x1b[999999999999999999999999999999999m\x1b',
    );
    for (let split = 0; split <= input.length; split++) {
      const output = redact(redactor, [input.subarray(0, split), input.subarray(split)]);
      expect(latin1(output)).toBe(latin1(input));
    }
  });

  it("masks Python's repr() of a value with a backslash and a quote, as str and as bytes", () => {
    // repr('pa/ss+wo"rd\\ünï 7') keeps the `"` that JSON escapes; repr(value.encode()) escapes
    // every byte outside ASCII.
    const repr = `'pa/ss+wo"rd\\\\ünï 7'`;
    const bytesRepr = `b'pa/ss+wo"rd\\\\\\xc3\\xbcn\\xc3\\xaf 7'`;
    const quoted = createRedactor([{ name: 'Q', value: bytes(`it's "x"\\y`) }]);
    expect(latin1(redact(redactor, [bytes(`${repr}\n${bytesRepr}\n`)]))).toBe(
      `'<latch:PASSWORD>'\nb'<latch:PASSWORD>'\n`,
    );
    // Both kinds of quote: repr escapes the single one.
    expect(latin1(redact(quoted, [bytes(`'it\\'s "x"\\\\y'`)]))).toBe(`'<latch:Q>'`);
  });

  it.each([
    ['base64 (76 columns)', (value: Buffer) => wrap(value.toString('base64'), 76, '\n')],
    [
      'base64 after echo (a newline encoded too)',
      (value: Buffer) => wrap(Buffer.concat([value, Buffer.from('\n')]).toString('base64'), 76, '\n'),
    ],
    ['openssl base64 (64 columns)', (value: Buffer) => wrap(value.toString('base64'), 64, '\n')],
    ['xxd -p (60 columns)', (value: Buffer) => wrap(value.toString('hex'), 60, '\n')],
    ['base64 on a terminal (CRLF)', (value: Buffer) => wrap(value.toString('base64'), 76, '\r\n')],
  ])('masks a long value encoded and wrapped into lines: %s', (_, encode) => {
    const value = Buffer.from(`sk-live-${'4eC39HqLyjWDarjtT1zdp7dc'.repeat(4)}`);
    const wrapping = createRedactor([{ name: 'LONG', value: new Uint8Array(value) }]);
    const input = bytes(`out:\n${encode(value)}\nend\n`);
    for (let split = 0; split <= input.length; split += 7) {
      const output = latin1(redact(wrapping, [input.subarray(0, split), input.subarray(split)]));
      expect(output).toMatch(/^out:\n<latch:LONG>[A-Za-z0-9+/=]{0,4}\nend\n$/);
    }
  });

  it.each([
    ['erase to end of line', '\x1b[K'],
    ['a cursor move', '\x1b[3D\x1b[3C'],
    ['a private mode', '\x1b[?25l'],
    ['an OSC title ended by BEL', '\x1b]0;build\x07'],
    ['an OSC hyperlink ended by ST', '\x1b]8;;https://example.com\x1b\\'],
    ['a character set switch', '\x1b(B'],
    ['save cursor', '\x1b7'],
    ['a character and a backspace over it', 'Z\b'],
  ])('masks a value broken up by %s', (_, sequence) => {
    const input = bytes(`key=sk-live-4eC39Hq${sequence}LyjWDarjtT1zdp7dc.\n`);
    for (let split = 0; split <= input.length; split++) {
      const output = latin1(redact(redactor, [input.subarray(0, split), input.subarray(split)]));
      expect(output).toBe('key=<latch:API_KEY>.\n');
    }
  });

  it('masks a value with a run of backspaces in it, written at once', () => {
    const input = bytes('key=sk-live-4eC39Hqab\b\bLyjWDarjtT1zdp7dc.\n');
    expect(latin1(redact(redactor, [input]))).toBe('key=<latch:API_KEY>.\n');
  });

  it('passes control sequences without secrets through unchanged', () => {
    const input = bytes(
      'progress 45%\x1b[K\r\x1b]0;title\x07ok\x1b7 a\bb \x1b]8;;unterminated \x1b(B\x1b[?25h\x1b]0;x\x1b',
    );
    for (let split = 0; split <= input.length; split++) {
      const output = redact(redactor, [input.subarray(0, split), input.subarray(split)]);
      expect(latin1(output)).toBe(latin1(input));
    }
  });
});

// Values for property tests: no `<` or `>` (so no form can be made of a marker's edge plus
// neighbouring text) and no ESC or backspace (so no form can be made of a kept colour code
// plus text).
const printableValue = fc
  .string({ minLength: 6, maxLength: 40 })
  .map((text) => bytes(text.replace(/[<>]/g, '_')));
const binaryValue = fc
  .uint8Array({ minLength: 6, maxLength: 40 })
  .map((value) =>
    value.map((byte) => (byte === 0x3c || byte === 0x3e || byte === 0x1b || byte === 0x08 ? 0x20 : byte)),
  );
const multiLineValue = fc
  .array(fc.string({ minLength: 0, maxLength: 20 }), { minLength: 2, maxLength: 4 })
  .map((lines) => bytes(lines.join('\n').replace(/[<>]/g, '_')))
  .filter((value) => value.length >= 6);
// Long enough for base64 and hex wrapped into lines (see wrappedForms).
const longValue = fc
  .string({ minLength: 46, maxLength: 100 })
  .map((text) => bytes(text.replace(/[<>\x1b\x08]/g, '_')));
const secretValues = fc.array(fc.oneof(printableValue, binaryValue, multiLineValue, longValue), {
  minLength: 1,
  maxLength: 4,
});
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((filler) => ({ filler })),
  fc.record({ secret: fc.nat(), form: fc.nat(), cut: fc.nat() }),
);

function secretsOf(list: readonly Uint8Array[]): MaskSecret[] {
  return list.map((value, index) => ({ name: `S${index}`, value }));
}

/** Every form of a value the redactor masks: `maskForms` and the wrapped ones. */
function formsOf(value: Uint8Array): Uint8Array[] {
  return [...maskForms(value), ...wrappedForms(value)];
}

function allForms(list: readonly Uint8Array[]): Uint8Array[] {
  return list.flatMap(formsOf);
}

/** Builds output text from fillers, whole forms and (when `partial`) forms cut short. */
function buildInput(
  list: readonly Uint8Array[],
  pieces: ReadonlyArray<{ filler: Uint8Array } | { secret: number; form: number; cut: number }>,
  partial: boolean,
): Uint8Array {
  return concat(
    ...pieces.map((part) => {
      if ('filler' in part) return part.filler;
      const forms = formsOf(list[part.secret % list.length]!);
      const form = forms[part.form % forms.length]!;
      return partial ? form.subarray(0, part.cut % form.length) : form;
    }),
  );
}

function markersHide(list: readonly Uint8Array[]): boolean {
  const markers = list.map((_, index) => `<latch:S${index}>`).join(' ');
  return allForms(list).every((form) => !markers.includes(latin1(form)));
}

describe('redactor properties', () => {
  it('never lets a listed form of a value through, however the output is chunked', () => {
    fc.assert(
      fc.property(
        secretValues,
        fc.array(piece, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (list, pieces, cuts, byteByByte) => {
          fc.pre(markersHide(list));
          const input = buildInput(list, pieces, false);
          // A write per byte is how a child that prints slowly arrives (see masked-output.ts).
          const chunks = byteByByte ? Array.from(input, (byte) => Uint8Array.of(byte)) : chunked(input, cuts);
          const output = redact(createRedactor(secretsOf(list)), chunks);
          for (const form of allForms(list)) expect(contains(output, form)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never lets a form through when control sequences break it up', () => {
    const colours = fc.constantFrom(
      '\x1b[0m',
      '\x1b[31m',
      '\x1b[1;32m',
      '\x1b[38;5;208m',
      '\x1b[m',
      '\x1b[K',
      '\x1b[2;5H',
      '\x1b[?25l',
      '\x1b]0;title\x07',
      '\x1b]8;;https://example.com\x1b\\',
      '\x1b(B',
      '\x1b7',
      'Z\b',
    );
    const breaks = fc.array(fc.tuple(fc.nat(), colours), { maxLength: 4 });
    // What a terminal shows (a backspace lets the next character overwrite the one before it)
    // and what a reader of the bytes who skips control characters sees.
    const controls = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P^_X][^\x07\x1b]*(\x07|\x1b\\)|\x1b[ -/]*[0-~]/g;
    fc.assert(
      fc.property(
        secretValues,
        fc.array(fc.tuple(piece, breaks), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (list, parts, cuts) => {
          fc.pre(markersHide(list));
          const coloured = parts.map(([part, inserts]) => {
            const text = latin1(
              buildInput(list, [part], false).map((byte) => (byte === 0x1b || byte === 0x08 ? 0x20 : byte)),
            );
            const at = inserts.map(([offset]) => offset % (text.length + 1)).sort((a, b) => a - b);
            return at.reduceRight(
              (result, offset, index) => result.slice(0, offset) + inserts[index]![1] + result.slice(offset),
              text,
            );
          });
          const input = new Uint8Array(Buffer.from(coloured.join(''), 'latin1'));
          const output = redact(createRedactor(secretsOf(list)), chunked(input, cuts));
          const withoutSequences = latin1(output).replace(controls, '');
          let onTerminal = withoutSequences;
          while (/[ -~]\x08/.test(onTerminal)) onTerminal = onTerminal.replace(/[ -~]\x08/, '');
          for (const visible of [onTerminal, withoutSequences.replaceAll('\b', '')]) {
            const seen = new Uint8Array(Buffer.from(visible, 'latin1'));
            for (const form of allForms(list)) expect(contains(seen, form)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same output with reuseOutput when each result is copied before the next push', () => {
    fc.assert(
      fc.property(
        secretValues,
        fc.array(piece, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (list, pieces, cuts, flushes) => {
          const input = buildInput(list, pieces, true);
          const compiled = createRedactor(secretsOf(list));
          const plain = compiled.stream();
          const reused = compiled.stream({ reuseOutput: true });
          const chunks = chunked(input, cuts);
          const expected: Uint8Array[] = [];
          const got: Uint8Array[] = [];
          for (const [index, chunk] of chunks.entries()) {
            expected.push(plain.push(chunk));
            got.push(reused.push(chunk).slice());
            if (!flushes.includes(index)) continue;
            expected.push(plain.flush());
            got.push(reused.flush().slice());
          }
          expected.push(plain.flush());
          got.push(reused.flush().slice());
          expect(latin1(concat(...got))).toBe(latin1(concat(...expected)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes output that holds no form through byte for byte', () => {
    fc.assert(
      fc.property(
        secretValues,
        fc.array(piece, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (list, pieces, cuts) => {
          // Without ESC and backspace: control sequences are the test above's and the unit tests'.
          const input = buildInput(list, pieces, true).map((byte) =>
            byte === 0x1b || byte === 0x08 ? 0x20 : byte,
          );
          fc.pre(allForms(list).every((form) => !contains(input, form)));
          const output = redact(createRedactor(secretsOf(list)), chunked(input, cuts));
          expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds back only the end of a partial match, shorter than the longest form', () => {
    fc.assert(
      fc.property(
        secretValues,
        fc.array(piece, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (list, pieces, cuts) => {
          // Without ESC and backspace: an unfinished sequence may be held on top (see RedactorStream).
          const input = buildInput(list, pieces, true).map((byte) =>
            byte === 0x1b || byte === 0x08 ? 0x20 : byte,
          );
          const compiled = createRedactor(secretsOf(list));
          const forms = allForms(list).map(latin1);
          const stream = compiled.stream();
          let fed = 0;
          for (const chunk of chunked(input, cuts)) {
            stream.push(chunk);
            fed += chunk.length;
            expect(stream.pendingLength).toBeLessThanOrEqual(compiled.longestPattern);
            if (stream.pendingLength === 0) continue;
            // The held bytes end a partial match, which may begin inside a value just masked; or
            // all but the last do, a character that a backspace next may erase.
            const printableLast = input[fed - 1]! >= 0x20 && input[fed - 1]! <= 0x7e;
            const ends = [fed, ...(printableLast ? [fed - 1] : [])];
            const partial = ends.flatMap((end) =>
              Array.from({ length: compiled.longestPattern - stream.pendingLength + 1 }, (_, extra) =>
                latin1(input.subarray(Math.max(0, fed - stream.pendingLength - extra), end)),
              ),
            );
            expect(partial.some((tail) => tail !== '' && forms.some((form) => form.startsWith(tail)))).toBe(
              true,
            );
          }
          stream.flush();
          expect(stream.pendingLength).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
