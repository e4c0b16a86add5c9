/**
 * `copy` for every front end: one secret's value onto the system clipboard, with the same
 * consent as `get --reveal` (a protected environment asks for its name, a detected agent
 * needs a person), recorded as a reveal, and cleared after a while by a separate process.
 */
import { latchHome, openProjectVault, type ProjectChoice, resolveProject } from '../app/context.js';
import { revealSecretValue } from '../app/secret-value.js';
import { assertSecretName } from '../manifest/names.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { type ClipboardBackend, chooseBackend, markedAsSecret } from './backends.js';
import { startClearer } from './clearer.js';
import { fingerprint } from './fingerprint.js';
import { onPath, runTool } from './tool.js';

/** The default time before the clipboard is cleared, as `pass -c` does. */
export const defaultClearAfterMs = 45_000;

/** Where the value goes: the system clipboard, or the terminal through OSC 52. */
export type CopyTarget = { kind: 'clipboard'; backend: ClipboardBackend } | { kind: 'osc52' };

/** The clipboard to use here; throws E_CLIPBOARD with one line saying what to install or do. */
export function clipboardTarget(io: Io, osc52: boolean): CopyTarget {
  if (osc52) return { kind: 'osc52' };
  const found = chooseBackend(process.platform, io.env, (command) => onPath(command, io.env.PATH));
  if ('reason' in found) throw new LatchError('E_CLIPBOARD', found.message);
  return { kind: 'clipboard', backend: found };
}

/** The backend with its "this is a secret" mark for clipboard managers, where the tool has one. */
async function secretAware(io: Io, backend: ClipboardBackend): Promise<ClipboardBackend> {
  if (backend.id !== 'wl-copy') return backend;
  try {
    const help = await runTool({ command: backend.copy.command, args: ['--help'] }, io.env, {
      capture: true,
    });
    return markedAsSecret(backend, help.toString('utf8'));
  } catch {
    return backend;
  }
}

/** The OSC 52 sequence that asks the terminal to put `value` on the system clipboard. */
export function osc52Sequence(value: Uint8Array): string {
  return `\u001b]52;c;${Buffer.from(value).toString('base64')}\u0007`;
}

export interface Copied {
  project: string;
  environment: string;
  name: string;
  /** `xclip`, `wl-copy`, ... or `osc52`. */
  through: string;
  /** When the clipboard will be cleared (ms from now), or null when it cannot be. */
  clearAfterMs: number | null;
}

/**
 * Copies the secret's value. The target is chosen before the vault is opened, so a machine
 * without a clipboard says so before asking for the passphrase. OSC 52 writes to `io.stdout`
 * (a terminal); it cannot be cleared by latch.
 */
export async function copySecret(
  io: Io,
  choice: ProjectChoice,
  name: string,
  options: { clearAfterMs: number; osc52: boolean },
): Promise<Copied> {
  assertSecretName(name);
  const target = clipboardTarget(io, options.osc52);
  if (target.kind === 'osc52' && !io.stdout.isTTY)
    throw new LatchError('E_USAGE', '--osc52 writes to your terminal, and stdout is not one');
  const context = await resolveProject(choice, io);
  const vault = await openProjectVault(io, context);
  const through = target.kind === 'osc52' ? 'osc52' : target.backend.id;
  // The consent of `get --reveal`, and the reveal recorded before the value goes anywhere.
  const value = await revealSecretValue(io, vault, context, name, `copy ${through}`, `copying ${name}`);
  const place = { project: context.project, environment: context.environment, name, through };
  if (target.kind === 'osc52') {
    io.stdout.write(osc52Sequence(value));
    return { ...place, clearAfterMs: null };
  }
  return {
    ...place,
    clearAfterMs: await placeOnClipboard(io, target.backend, value, options.clearAfterMs),
  };
}

/**
 * Puts `value` on the clipboard of `backend` and starts the process that clears it after
 * `clearAfterMs` if it still holds it. Returns that time, or null when the clearing process
 * could not start. The caller has checked consent and recorded the reveal.
 */
export async function placeOnClipboard(
  io: Io,
  backend: ClipboardBackend,
  value: Uint8Array,
  clearAfterMs: number,
): Promise<number | null> {
  await runTool((await secretAware(io, backend)).copy, io.env, { input: value });
  return startClearer(io, latchHome(io), backend, fingerprint(value), clearAfterMs) ? clearAfterMs : null;
}
