import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openTerminal } from '../../src/shared/terminal.js';

/** A stdin that says it is a TTY, fed chunk by chunk (each chunk is one read). */
function fakeTty() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true });
  let written = '';
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString();
  });
  const terminal = openTerminal(input as unknown as NodeJS.ReadStream, output)!;
  const feed = async (chunks: string[]) => {
    for (const chunk of chunks) {
      input.emit('data', Buffer.from(chunk));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { terminal, feed, written: () => written };
}

describe('the hidden prompt', () => {
  it.each([
    [
      'a paste whose markers are cut across reads',
      ['\u001b[200~line one\rline', ' two\r\u001b', '[201~', '\r'],
      'line one\nline two',
    ],
    ['a paste with CR LF line breaks', ['\u001b[200~a\r\nb\u001b[201~\r'], 'a\nb'],
    ['the Esc key, then a character', ['x\u001b', 'y\r'], 'xy'],
    ['an arrow key between characters', ['a\u001b[Db\r'], 'ab'],
  ])('reads %s', async (_, chunks, expected) => {
    const { terminal, feed, written } = fakeTty();
    const line = terminal.readHidden('value: ');
    await feed(chunks);
    expect(await line).toBe(expected);
    // Bracketed paste is turned on for the prompt and off after it.
    expect(written()).toBe('value: \u001b[?2004h\u001b[?2004l\n');
  });

  it('refuses an unbracketed multi-line paste once the input is quiet', async () => {
    const { terminal, feed } = fakeTty();
    const line = terminal.readHidden('value: ');
    const refused = expect(line).rejects.toThrow(/the paste has more than one line/);
    await feed(['first line\rsecond line\r', 'third line\r']);
    await refused;
  });
});
