/**
 * Secrets an agent asked a person for (the MCP tool latch_request_secret): kept in
 * `$LATCH_HOME/secret-requests.json` for `latch status` to show, and told to the person
 * outside the agent's channel with a desktop notification where there is one. The value is
 * never asked for here: the person runs `latch set`, which an agent cannot answer for them.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readFileWithin, writeFileAtomic } from '../shared/files.js';

export interface SecretRequest {
  project: string;
  environment: string;
  name: string;
  /** Why the agent needs it, in its words (at most 300 characters, one line). */
  reason: string;
  /** Who asked: the MCP client's name and version. */
  agent: string;
  time: string;
}

export const secretRequestsFile = 'secret-requests.json';
/** Requests older than this are no longer shown. */
export const secretRequestLifetimeMs = 7 * 24 * 60 * 60 * 1000;
const maxRequests = 100;

/** Text from an agent made safe to show on a terminal and in a notification: one short line. */
export function oneShortLine(text: string, limit = 300): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim()
    .slice(0, limit);
}

/** The requests in `home` still shown at `now` (none without the file; an unreadable file is none). */
export function readSecretRequests(home: string, now: number): SecretRequest[] {
  const path = join(home, secretRequestsFile);
  try {
    if (!existsSync(path) || !lstatSync(path).isFile()) return [];
    const data = JSON.parse(readFileWithin(path, 1024 * 1024, path).toString('utf8'));
    if (!Array.isArray(data)) return [];
    return data.filter(
      (request: SecretRequest) =>
        typeof request?.name === 'string' && Date.parse(request.time) + secretRequestLifetimeMs > now,
    );
  } catch {
    return [];
  }
}

/** Adds `request`, replacing an earlier one for the same secret. */
export function addSecretRequest(home: string, request: SecretRequest, now: number): void {
  const kept = readSecretRequests(home, now).filter(
    (earlier) =>
      !(
        earlier.project === request.project &&
        earlier.environment === request.environment &&
        earlier.name === request.name
      ),
  );
  const requests = [...kept, request].slice(-maxRequests);
  writeFileAtomic(
    join(home, secretRequestsFile),
    new TextEncoder().encode(`${JSON.stringify(requests, null, 2)}\n`),
  );
}

/** The command that answers `request`. */
export function answerCommand(request: SecretRequest): string {
  return `latch set ${request.name} --env ${request.environment}`;
}

/**
 * Tells the person with a desktop notification (`notify-send` on Linux, `osascript` on macOS)
 * when there is one; returns whether one was started. Never waits for it.
 */
export function notifyPerson(request: SecretRequest, env: Record<string, string | undefined>): boolean {
  const title = `latch: ${oneShortLine(request.agent, 64)} asks for ${request.name}`;
  const body = `${request.project}/${request.environment}: ${request.reason}\nrun: ${answerCommand(request)}`;
  const [command, args] =
    process.platform === 'darwin'
      ? [
          'osascript',
          ['-e', `display notification ${JSON.stringify(body)} with title ${JSON.stringify(title)}`],
        ]
      : ['notify-send', [title, body]];
  if (process.platform !== 'darwin' && !env.DISPLAY && !env.WAYLAND_DISPLAY && !env.DBUS_SESSION_BUS_ADDRESS)
    return false;
  try {
    const child = spawn(command, args as string[], {
      stdio: 'ignore',
      detached: true,
      env: env as NodeJS.ProcessEnv,
    });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * Drops the requests for `project/environment` whose secrets are now set (`setNames`): a front
 * end that opened the vault calls it, so `latch status` stops showing answered requests.
 */
export function dropAnsweredRequests(
  home: string,
  project: string,
  environment: string,
  setNames: ReadonlySet<string>,
  now: number,
): void {
  const requests = readSecretRequests(home, now);
  const open = requests.filter(
    (request) =>
      !(request.project === project && request.environment === environment && setNames.has(request.name)),
  );
  if (open.length !== requests.length)
    writeFileAtomic(
      join(home, secretRequestsFile),
      new TextEncoder().encode(`${JSON.stringify(open, null, 2)}\n`),
    );
}
