/**
 * Everything a command may touch of the outside world, passed in so that every command runs
 * in a test without spawning a process or mocking modules (STYLE.md rule 3).
 */
import type { Terminal } from './terminal.js';

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
   * The client a front end serves for an agent (the MCP server: the client's name and
   * version from its `initialize` request): recorded as the agent of every audit record.
   */
  client?: string;
}

/** Writes a line to stdout. */
export function say(io: Io, text: string): void {
  io.stdout.write(`${text}\n`);
}

/** Writes a line to stderr (notes, warnings: never values). */
export function note(io: Io, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Writes a value as stable, documented JSON. */
export function sayJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
