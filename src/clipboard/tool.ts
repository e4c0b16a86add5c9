/**
 * Running a clipboard tool: the value goes to its stdin, never its argv; every run has a
 * timeout, because a tool waiting for a clipboard manager or a dead display would otherwise
 * hang latch.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import type { ToolCommand } from './backends.js';

/** How long one clipboard tool may take before latch gives up on it. */
export const toolTimeoutMs = 5_000;
/** The largest clipboard content read back (more than any secret latch stores). */
const maxPasteBytes = 8 * 1024 * 1024;

/** True when `command` is an executable file on `path` (a PATH string). */
export function onPath(command: string, path: string | undefined): boolean {
  for (const directory of (path ?? '').split(delimiter)) {
    if (!directory) continue;
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/**
 * The environment a tool gets: the caller's without latch's passphrases. xclip and wl-copy
 * stay in the background serving the selection, and must not carry the passphrase there.
 */
export function toolEnvironment(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !/^LATCH_(NEW_)?PASSPHRASE/.test(name)) kept[name] = value;
  return kept;
}

/**
 * Runs `tool` with `input` on its stdin; returns its stdout when `capture`. Throws E_CLIPBOARD
 * when it cannot start, fails or takes longer than `timeoutMs`.
 */
export function runTool(
  tool: ToolCommand,
  env: Readonly<Record<string, string | undefined>>,
  options: { input?: Uint8Array; capture?: boolean; timeoutMs?: number } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // stdout is ignored unless read: xclip and wl-copy leave a child serving the selection,
    // which would hold a pipe open and keep latch waiting.
    const child = spawn(tool.command, tool.args, {
      env: toolEnvironment(env),
      stdio: ['pipe', options.capture ? 'pipe' : 'ignore', 'ignore'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new LatchError(
          'E_CLIPBOARD',
          `${tool.command} did not finish within ${Math.round((options.timeoutMs ?? toolTimeoutMs) / 1000)} s; is the display or clipboard manager stuck?`,
        ),
      );
    }, options.timeoutMs ?? toolTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxPasteBytes) chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new LatchError('E_CLIPBOARD', `cannot run ${tool.command} (${error.code ?? 'error'})`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new LatchError('E_CLIPBOARD', `${tool.command} failed (exit ${code ?? 'signal'})`));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? new Uint8Array());
  });
}
