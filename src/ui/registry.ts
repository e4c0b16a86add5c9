/**
 * The `latch ui` servers running on a LATCH_HOME, so that `latch lock` leaves no page open on
 * an unlocked vault. Each server registers itself in `ui/PID-PORT.json` (0600, in a 0700
 * directory, written atomically) with its port and a random stop key, and removes the file
 * when it stops. `latch lock` posts each key to its server (`stopPath`, src/ui/guard.ts) and
 * removes the registrations of servers that are gone (killed, so they could not remove theirs).
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  ensurePrivateDirectory,
  readFileWithin,
  removeOrphanedTempFiles,
  writeFileAtomic,
} from '../shared/files.js';
import { stopPath } from './guard.js';

/** One running server: its process, its port on 127.0.0.1, and the key that stops it. */
export interface UiRegistration {
  pid: number;
  port: number;
  stopKey: string;
}

/** What `stopUiServers` did about one registration. */
export interface UiStopOutcome {
  pid: number;
  port: number;
  /** True when the server answered and stopped; false for a registration left by one gone. */
  stopped: boolean;
}

/** How long `latch lock` waits for each server's answer. */
export const stopTimeoutMs = 2_000;

const registrationName = /^\d+-\d+\.json$/;
const maxRegistrationBytes = 4096;

/** The directory of the registrations in `home`. */
export function uiRegistryDirectory(home: string): string {
  return join(home, 'ui');
}

/**
 * Registers a running server in `home`; returns the function that removes the registration
 * (safe to call twice). Throws E_UNSAFE_PERMISSIONS for a `ui/` others can write, E_IO when the
 * file cannot be written.
 */
export function registerUiServer(home: string, registration: UiRegistration): () => void {
  const directory = uiRegistryDirectory(home);
  ensurePrivateDirectory(directory);
  removeOrphanedTempFiles(directory);
  const path = join(directory, `${registration.pid}-${registration.port}.json`);
  writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(registration)}\n`), { mode: 0o600 });
  return () => removeFile(path);
}

/**
 * Writes the page that sends a browser on to `url` (`ui/open-PID-PORT.html`, 0600), the way
 * Jupyter opens its notebooks: the desktop's opener is given this file's path, so the token
 * is never on a process's argv (which every local user can read in /proc). Returns the path;
 * the caller removes the file when the server stops (the token works once in any case).
 */
export function writeLaunchPage(home: string, registration: UiRegistration, url: string): string {
  const directory = uiRegistryDirectory(home);
  ensurePrivateDirectory(directory);
  const path = join(directory, `open-${registration.pid}-${registration.port}.html`);
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const page =
    '<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n' +
    `<meta http-equiv="refresh" content="0;url=${escaped}">\n<title>latch ui</title>\n` +
    `<p><a href="${escaped}">open latch ui</a></p>\n`;
  writeFileAtomic(path, new TextEncoder().encode(page), { mode: 0o600 });
  return path;
}

/** The registration in a file's text, or null when the text is not one. */
export function parseUiRegistration(text: string): UiRegistration | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const { pid, port, stopKey } = (parsed ?? {}) as Partial<Record<keyof UiRegistration, unknown>>;
  const isWhole = (value: unknown, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max;
  if (!isWhole(pid, 2 ** 31) || !isWhole(port, 65535) || typeof stopKey !== 'string' || stopKey === '')
    return null;
  return { pid: pid as number, port: port as number, stopKey };
}

/**
 * Asks every server registered in `home` to stop, all at once, each within `timeoutMs`, and
 * removes every registration read: a server that answered has stopped listening; one whose
 * process is gone, or that does not answer with its key, was left by a server killed before it
 * could remove it (its pid may since belong to another process, its port to another server).
 * A file that is not a registration is removed too. Never throws for a server.
 */
export async function stopUiServers(home: string, timeoutMs = stopTimeoutMs): Promise<UiStopOutcome[]> {
  const directory = uiRegistryDirectory(home);
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => registrationName.test(name));
  } catch {
    return [];
  }
  const outcomes = await Promise.all(
    names.map(async (name): Promise<UiStopOutcome | null> => {
      const path = join(directory, name);
      let registration: UiRegistration | null;
      try {
        registration = parseUiRegistration(readFileWithin(path, maxRegistrationBytes).toString('utf8'));
      } catch {
        registration = null;
      }
      const stopped =
        registration !== null &&
        isAlive(registration.pid) &&
        (await askToStop(registration.port, registration.stopKey, timeoutMs));
      removeFile(path);
      return registration && { pid: registration.pid, port: registration.port, stopped };
    }),
  );
  return outcomes.filter((outcome) => outcome !== null);
}

/** Posts the stop key to the server on 127.0.0.1:`port`; true when it answered that it stops. */
function askToStop(port: number, stopKey: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ key: stopKey });
    const asked = request(
      {
        host: '127.0.0.1',
        port,
        path: stopPath,
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode === 200));
        response.on('error', () => resolve(false));
      },
    );
    asked.on('timeout', () => {
      resolve(false);
      asked.destroy();
    });
    asked.on('error', () => resolve(false));
    asked.end(body);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}
