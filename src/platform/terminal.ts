/**
 * Prompts on the user's terminal. Hidden input puts stdin in raw mode and echoes nothing,
 * so a typed passphrase or value never reaches the screen, scrollback or a recording.
 */
import { LatchError } from '../core/errors.js';
import { printable } from '../core/utf8.js';

/** What commands may ask of a person; absent when there is no terminal. */
export interface Terminal {
  /** Reads a line without echoing it. Throws E_USAGE ("cancelled") on Ctrl-C or Ctrl-D. */
  readHidden(prompt: string): Promise<string>;
  /** Reads a line, echoed. */
  readLine(prompt: string): Promise<string>;
}

interface TtyInput extends NodeJS.ReadStream {
  setRawMode(mode: boolean): this;
}

/** A terminal over a TTY stdin, prompting on `output` (stderr, so stdout stays clean). */
export function openTerminal(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Terminal | null {
  if (!input.isTTY) return null;
  const tty = input as TtyInput;
  const read = (prompt: string, echo: boolean) =>
    new Promise<string>((resolve, reject) => {
      // Prompts name paths and projects from files: escaped like every line latch prints.
      output.write(printable(prompt));
      let line = '';
      const finish = (error: LatchError | null) => {
        tty.setRawMode(false);
        tty.pause();
        tty.off('data', onData);
        output.write('\n');
        if (error) reject(error);
        else resolve(line);
      };
      const onData = (chunk: Buffer) => {
        // Arrow keys and other escape sequences are editing keys, not characters of the line.
        for (const char of chunk.toString('utf8').replace(/\u001b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/g, '')) {
          if (char === '\r' || char === '\n') return finish(null);
          if (char === '\u0003' || (char === '\u0004' && line === '')) {
            return finish(new LatchError('E_USAGE', 'cancelled'));
          }
          if (char === '\u007f' || char === '\b') {
            if (line.length > 0) {
              line = [...line].slice(0, -1).join('');
              if (echo) output.write('\b \b');
            }
            continue;
          }
          if (char < ' ' && char !== '\t') continue;
          line += char;
          if (echo) output.write(char);
        }
      };
      tty.setRawMode(true);
      tty.resume();
      tty.on('data', onData);
    });
  return { readHidden: (prompt) => read(prompt, false), readLine: (prompt) => read(prompt, true) };
}

/** Reads a whole stream, refusing more than `limit` bytes (so a runaway pipe cannot fill memory). */
export async function readStream(stream: AsyncIterable<Buffer | string>, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new LatchError('E_TOO_LARGE', `input is larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
