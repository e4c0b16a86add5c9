/**
 * Everything a command may touch of the outside world, passed in so that every command runs
 * in a test without spawning a process or mocking modules (STYLE.md rule 3).
 */
import type { Terminal } from './terminal.js';
import { printable } from './utf8.js';

export interface Output {
  write(text: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export interface Io {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  stdout: Output;
  stderr: Output;
  /** A person at a terminal, or null (CI, pipes, agents without a TTY). */
  terminal: Terminal | null;
  now: () => Date;
  /** Waits (lockout delays); tests advance their clock instead. */
  sleep: (ms: number) => Promise<void>;
  /**
   * The command line's words as bytes, aligned with the argv given to `runMain`, when one of
   * them is not UTF-8 (Node put U+FFFD in its place) and the bytes could be read; else absent.
   */
  argvBytes?: readonly Uint8Array[] | undefined;
  /**
   * The client a front end serves for an agent (the MCP server: the client's name and
   * version from its `initialize` request): recorded as the agent of every audit record.
   */
  client?: string;
}

/**
 * Writes a line to stdout. Its control characters are escaped (`printable`): lines show names,
 * descriptions and owners from latch.yaml and the vault, which must not drive the terminal.
 */
export function say(io: Io, text: string): void {
  io.stdout.write(`${printable(text)}\n`);
}

/** Writes a line to stderr (notes, warnings: never values), escaped as `say` does. */
export function note(io: Io, text: string): void {
  io.stderr.write(`${printable(text)}\n`);
}

/** Writes a warning to stderr: every one reads `latch: warning: ...`. */
export function warn(io: Io, text: string): void {
  note(io, `latch: warning: ${text}`);
}

/** `count` and the noun, plural unless the count is 1: `1 secret`, `0 secrets`, `3 secrets`. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Writes a value as stable, documented JSON. */
export function sayJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
