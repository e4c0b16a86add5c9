/**
 * Running a child on a pseudo-terminal without a native module: the system's `script`
 * allocates the pty, takes the window size from its stdin (latch's terminal), forwards
 * SIGWINCH, puts the terminal in raw mode (so Ctrl-C reaches the child through the pty's
 * line discipline) and copies the pty's output to its stdout, which latch reads and masks.
 *
 * - Linux (util-linux): `script -q -e -f -c CMD /dev/null`. `-e` returns the child's exit
 *   code (128+N for a signal death). `-c` hands CMD to `$SHELL -c`, so latch runs script with
 *   SHELL=/bin/sh and builds CMD from single-quoted words, restoring the caller's SHELL
 *   before `exec`: no word of the command is ever interpreted by a shell.
 * - macOS and the BSDs: `script -q /dev/null COMMAND ARGS...` (no shell involved).
 * - Windows has no `script`: the caller uses pipes.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What to spawn instead of the command itself. */
export interface PtySpawn {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** `text` as one POSIX shell word: single-quoted, with each `'` written as `'\''`. */
export function quoteShellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A POSIX shell line that `exec`s `words`: each single-quoted, except a word whose bytes are
 * given in `wordBytes` (not UTF-8: no string can carry them to a child, as Node encodes every
 * argument as UTF-8), which printf rebuilds from octal escapes, so the line itself is ASCII.
 */
export function execLine(words: readonly string[], wordBytes?: readonly (Uint8Array | null)[]): string {
  const rebuilt: string[] = [];
  const quoted = words.map((word, index) => {
    const bytes = wordBytes?.[index];
    if (!bytes) return quoteShellWord(word);
    const name = `latch_word_${index}`;
    const octal = Array.from(bytes, (byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
    // The x keeps a final newline, which $(...) would remove.
    rebuilt.push(`${name}=$(printf '${octal}x'); ${name}=\${${name}%x}; `);
    return `"$${name}"`;
  });
  return `${rebuilt.join('')}exec ${quoted.join(' ')}`;
}

/** The path of an executable `script` on PATH, or null. */
export function findScript(env: Readonly<Record<string, string | undefined>>): string | null {
  for (const directory of (env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, 'script');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/**
 * How to run `command args` on a pty through `script` at `scriptPath` on `platform`, with
 * the child's environment `env` (and the words' bytes, see `execLine`, on Linux); null on a
 * platform without a usable `script`.
 */
export function ptySpawn(
  scriptPath: string,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  platform: NodeJS.Platform = process.platform,
  wordBytes?: readonly (Uint8Array | null)[],
): PtySpawn | null {
  if (platform === 'win32') return null;
  if (platform !== 'linux') {
    return { command: scriptPath, args: ['-q', '/dev/null', command, ...args], env: { ...env } };
  }
  const restoreShell =
    env.SHELL === undefined ? 'unset SHELL' : `SHELL=${quoteShellWord(env.SHELL)}; export SHELL`;
  const line = `${restoreShell}; ${execLine([command, ...args], wordBytes)}`;
  return {
    command: scriptPath,
    args: ['-q', '-e', '-f', '-c', line, '/dev/null'],
    env: { ...env, SHELL: '/bin/sh' },
  };
}

/**
 * The pid of the program `script` started (its only child), or null when it cannot be found
 * (not started yet, or no Linux /proc). latch signals it directly: util-linux `script` turns a
 * SIGTERM into "Session terminated", kills the child, drops its last output and exits 0.
 */
export function ptyChildPid(scriptPid: number): number | null {
  try {
    const text = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8');
    const pid = Number(text.trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
