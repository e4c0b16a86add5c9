/**
 * Prompts on the user's terminal. Hidden input puts stdin in raw mode and echoes nothing,
 * so a typed passphrase or value never reaches the screen, scrollback or a recording.
 */
import { LatchError } from './errors.js';
import { printable } from './utf8.js';

/** What commands may ask of a person; absent when there is no terminal. */
export interface Terminal {
  /**
   * Reads a line without echoing it; a bracketed paste is read whole, its newlines kept (one
   * final newline dropped). Throws E_USAGE on Ctrl-C or Ctrl-D ("cancelled"), and for a
   * multi-line paste the terminal did not bracket (never only its first line).
   */
  readHidden(prompt: string): Promise<string>;
  /** Reads a line, echoed. */
  readLine(prompt: string): Promise<string>;
}

const pasteOn = '\u001b[?2004h';
const pasteOff = '\u001b[?2004l';
const pasteStart = '\u001b[200~';
const pasteEnd = '\u001b[201~';
/** Escape sequences, captured, so that `split` puts them at the odd indexes. */
const escapeSequence = /(\u001b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|[^[O\r\n])?)/;
/** How long input must be quiet before an unbracketed multi-line paste is refused. */
const drainQuietMs = 200;

interface TtyInput extends NodeJS.ReadStream {
  setRawMode(mode: boolean): this;
}

/** A terminal over a TTY stdin, prompting on `output` (stderr, so stdout stays clean). */
export function openTerminal(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Terminal | null {
  if (!input.isTTY) return null;
  const tty = input as TtyInput;
  // Bracketed paste (xterm, tmux, iTerm2, VS Code, Windows Terminal...): a paste arrives
  // between ESC[200~ and ESC[201~, so its newlines are part of the value, not Enter.
  const bracketed = (output as NodeJS.WriteStream).isTTY === true;
  const read = (prompt: string, echo: boolean) =>
    new Promise<string>((resolve, reject) => {
      // Prompts name paths and projects from files: escaped like every line latch prints.
      output.write(printable(prompt) + (bracketed ? pasteOn : ''));
      let line = '';
      let pasting = false;
      let pending = '';
      let draining: NodeJS.Timeout | undefined;
      const finish = (error: LatchError | null) => {
        tty.setRawMode(false);
        tty.pause();
        tty.off('data', onData);
        output.write(`${bracketed ? pasteOff : ''}\n`);
        if (error) reject(error);
        // A paste's own final newline is not part of the value, as with stdin.
        else resolve(line.replace(/\n$/, ''));
      };
      // Enter with more text behind it in the same read is a paste the terminal did not
      // bracket: never keep its first line only. Swallow the rest (it must not reach the
      // shell as commands) until the input is quiet, then refuse.
      const refusePaste = () => {
        clearTimeout(draining);
        draining = setTimeout(
          () =>
            finish(
              new LatchError(
                'E_USAGE',
                'the paste has more than one line and this terminal does not mark pastes; nothing was read: pipe the value in (`pbpaste | latch set NAME`) or use `latch set NAME --from-file FILE`',
              ),
            ),
          drainQuietMs,
        );
      };
      const onData = (chunk: Buffer) => {
        if (draining) return refusePaste();
        const text = pending + chunk.toString('utf8');
        // An escape sequence cut by the end of this read is completed by the next one. A lone
        // ESC is kept only inside a paste (the start of its end marker); typed, it is the Esc
        // key, and holding it would eat the key after it.
        const inPaste =
          text.lastIndexOf(pasteStart) > text.lastIndexOf(pasteEnd) || (pasting && !text.includes(pasteEnd));
        pending = (inPaste ? /\u001b(\[[0-9;]*|O)?$/ : /\u001b(\[[0-9;]*|O)$/).exec(text)?.[0] ?? '';
        const tokens = text.slice(0, text.length - pending.length).split(escapeSequence);
        for (let index = 0; index < tokens.length; index++) {
          const token = tokens[index]!;
          if (token === pasteStart || token === pasteEnd) {
            pasting = token === pasteStart;
            continue;
          }
          // Arrow keys and other escape sequences are editing keys, not characters of the line.
          if (index % 2 === 1) continue;
          const chars = [...token];
          for (let at = 0; at < chars.length; at++) {
            const char = chars[at]!;
            if (pasting && (char === '\r' || char === '\n')) {
              // Terminals paste a newline as CR (or CR LF): one line break in the value.
              if (!(char === '\n' && chars[at - 1] === '\r')) line += '\n';
              continue;
            }
            if (char === '\r' || char === '\n') {
              const rest = chars.slice(at + 1).join('') + tokens.slice(index + 1).join('');
              if (rest.replace(/^\n/, '') !== '') return refusePaste();
              return finish(null);
            }
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
