/**
 * The process that clears the clipboard after `latch copy`: started detached, it sleeps,
 * then clears the clipboard only if it still holds what latch put there (compared by a
 * salted hash: the value is in neither its argv nor its environment) and only if no later
 * `latch copy` took over (the owner file names the newest clearing process).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBackgroundLatch } from '../shared/background-latch.js';
import type { Io } from '../shared/io.js';
import { backendById, type ClipboardBackend } from './backends.js';
import { type Fingerprint, matchesFingerprint } from './fingerprint.js';
import { runTool } from './tool.js';

/** The hidden command that runs the clearing process. */
export const clearerCommand = '__clipboard-clear';
/** The file in LATCH_HOME naming the pid of the newest clearing process. */
const ownerFileName = 'clipboard-clearer';
/** What the clearing process keeps of the caller's environment: the display and the tools' paths. */
const passedVariables =
  /^(PATH|HOME|DISPLAY|WAYLAND_DISPLAY|XAUTHORITY|XDG_RUNTIME_DIR|SYSTEMROOT|LATCH_HOME)$/;

/**
 * Starts a clearing process for `backend` that clears after `afterMs` if the clipboard still
 * matches `expected`; it takes over from any earlier one. Returns false when it cannot start.
 */
export function startClearer(
  io: Io,
  home: string,
  backend: ClipboardBackend,
  expected: Fingerprint,
  afterMs: number,
): boolean {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(io.env))
    if (value !== undefined && passedVariables.test(name)) env[name] = value;
  env.LATCH_HOME = resolve(home);
  env.LATCH_CLIPBOARD_TOOL = backend.id;
  env.LATCH_CLIPBOARD_SALT = expected.salt;
  env.LATCH_CLIPBOARD_HASH = expected.hash;
  env.LATCH_CLIPBOARD_AFTER_MS = String(afterMs);
  const pid = startBackgroundLatch(clearerCommand, env);
  if (pid === null) return false;
  writeFileSync(join(home, ownerFileName), `${pid}\n`, { mode: 0o600 });
  return true;
}

function ownerPid(home: string): number | null {
  try {
    return Number.parseInt(readFileSync(join(home, ownerFileName), 'utf8'), 10);
  } catch {
    return null;
  }
}

/**
 * The clearing process's body (`latch __clipboard-clear`). Returns 0 whatever happens: there
 * is nobody to tell.
 */
export async function runClearer(io: Io, home: string): Promise<number> {
  const backend = backendById(io.env.LATCH_CLIPBOARD_TOOL ?? '');
  const salt = io.env.LATCH_CLIPBOARD_SALT ?? '';
  const hash = io.env.LATCH_CLIPBOARD_HASH ?? '';
  const afterMs = Number(io.env.LATCH_CLIPBOARD_AFTER_MS);
  if (!backend || !/^[0-9a-f]{32}$/.test(salt) || !/^[0-9a-f]{64}$/.test(hash) || !(afterMs >= 0)) return 0;
  await io.sleep(afterMs);
  // A later `latch copy` took over: its clearer decides.
  if (ownerPid(home) !== process.pid) return 0;
  try {
    const held = await runTool(backend.paste, io.env, { capture: true });
    if (!matchesFingerprint(held, { salt, hash })) return 0;
    await runTool(backend.clear, io.env);
  } catch {}
  return 0;
}
