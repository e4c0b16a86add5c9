/** An in-memory Io for command tests: no process, no terminal unless scripted. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import type { Terminal } from '../../src/shared/terminal.js';

export interface FakeIo extends Io {
  out: () => string;
  err: () => string;
}

/** A terminal that answers prompts from a script, in order, and records what was asked. */
export function scriptedTerminal(answers: string[], asked: string[] = []): Terminal {
  const next = async (prompt: string) => {
    asked.push(prompt);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected prompt: ${prompt}`);
    return answer;
  };
  return { readHidden: next, readLine: next };
}

/** The fake clock every fakeIo reads; `sleep` advances it instead of waiting. */
export const clock = { now: Date.parse('2026-06-01T12:00:00Z') };

export function fakeIo(
  options: { env?: Record<string, string>; cwd?: string; stdin?: string; terminal?: Terminal | null } = {},
): FakeIo {
  let out = '';
  let err = '';
  const text = (chunk: string | Uint8Array) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  const input = options.stdin;
  return {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdin: {
      isTTY: input === undefined,
      async *[Symbol.asyncIterator]() {
        if (input !== undefined) yield Buffer.from(input);
      },
    },
    stdout: {
      write: (chunk) => {
        out += text(chunk);
      },
    },
    stderr: {
      write: (chunk) => {
        err += text(chunk);
      },
    },
    terminal: options.terminal ?? null,
    now: () => new Date(clock.now),
    sleep: async (ms) => {
      clock.now += ms;
    },
    out: () => out,
    err: () => err,
  };
}

/** A temporary LATCH_HOME and project directory; returns them with a cleanup. */
export function tempDirs() {
  const root = mkdtempSync(join(tmpdir(), 'latch-cli-'));
  return { root, home: join(root, 'home'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * A temporary LATCH_HOME and a project directory `shop` with a vault and latch.yaml made by
 * `latch init` (cheap test KDF): what most command tests start from.
 */
export async function initializedProject(): Promise<{
  dirs: ReturnType<typeof tempDirs>;
  project: string;
  env: Record<string, string>;
}> {
  const dirs = tempDirs();
  const project = join(dirs.root, 'shop');
  mkdirSync(project);
  const env = {
    LATCH_HOME: dirs.home,
    LATCH_PASSPHRASE: 'pass phrase 1',
    LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
  };
  const io = fakeIo({ cwd: project, env });
  if ((await runMain(['init'], io)) !== 0) throw new Error(`latch init failed: ${io.err()}`);
  return { dirs, project, env };
}
