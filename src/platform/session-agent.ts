/**
 * The session agent: a small per-home process that keeps the session's keychain item in
 * memory and hands it out over a Unix socket in LATCH_HOME, so that `run`, `get` and the
 * hooks skip the OS keychain (loading its native module and a D-Bus round trip cost 10-20 ms
 * on every command; a socket request costs well under 1 ms). It holds exactly what the
 * keychain holds, the device credential, never the data key or a value; callers still check
 * the session's expiry in the vault header and unwrap the data key themselves. `latch unlock`
 * starts it, `latch lock` stops it, and it stops by itself when the session expires, when its
 * socket or the vault goes away, or on SIGTERM. See docs/threat-model.md, "Session agent".
 */
import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { withLock } from './files.js';

/**
 * What a caller asks; one request per connection, one JSON line each way. `get` without an
 * account returns the agent's account with the item: a command asks before it has read the
 * vault (so before it knows the account) and compares the account itself.
 */
type AgentRequest = { op: 'get'; account?: string } | { op: 'ping' } | { op: 'stop' };

/** The item an agent holds and the keychain account it belongs to. */
export interface AgentItem {
  account: string;
  item: string;
}

/** The protocol's version; an agent of another version is replaced (after an upgrade). */
export const agentProtocol = 1;

export interface AgentInfo {
  pid: number;
  /** Its protocol version. */
  version: number;
  /** The session's end (ms since the epoch); the agent exits then. */
  expiresAt: number;
}

/** Unix socket paths are limited to about 104 bytes (macOS) or 108 (Linux). */
const maxSocketPath = 100;
const maxRequestBytes = 4096;
/** How often the agent checks that its socket and the vault are still there. */
const watchIntervalMs = 2_000;
/** setTimeout's limit (about 24.8 days); longer sessions wait in steps. */
const maxTimerMs = 2 ** 31 - 1;

/** The agent's socket for a home, or null where there is none (Windows, a path too long). */
export function agentSocketPath(home: string, platform = process.platform): string | null {
  if (platform === 'win32') return null;
  const path = join(resolve(home), 'agent.sock');
  return Buffer.byteLength(path) <= maxSocketPath ? path : null;
}

/** Sends one request; resolves with the parsed answer, or null when no agent answers in time. */
function request(path: string, message: AgentRequest, timeoutMs: number): Promise<unknown> {
  return new Promise((resolveAnswer) => {
    let answer = '';
    let settled = false;
    const finish = (value: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolveAnswer(value);
    };
    const socket = createConnection(path);
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(message)}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      const end = answer.indexOf('\n');
      if (end < 0) return;
      try {
        finish(JSON.parse(answer.slice(0, end)));
      } catch {
        finish(null);
      }
    });
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
  });
}

/** The keychain item the agent of `home` holds for `account`, or null (no agent, other account). */
export async function askAgent(home: string, account: string, timeoutMs = 500): Promise<string | null> {
  const path = agentSocketPath(home);
  if (path === null) return null;
  const answer = (await request(path, { op: 'get', account }, timeoutMs)) as { item?: unknown } | null;
  return typeof answer?.item === 'string' ? answer.item : null;
}

/** The item the agent of `home` holds, whatever its account, or null when no agent answers. */
export async function fetchAgentItem(home: string, timeoutMs = 500): Promise<AgentItem | null> {
  const path = agentSocketPath(home);
  if (path === null) return null;
  const answer = (await request(path, { op: 'get' }, timeoutMs)) as Partial<AgentItem> | null;
  return typeof answer?.item === 'string' && typeof answer.account === 'string'
    ? { account: answer.account, item: answer.item }
    : null;
}

/** The running agent of `home`, or null. */
export async function pingAgent(home: string, timeoutMs = 500): Promise<AgentInfo | null> {
  const path = agentSocketPath(home);
  if (path === null) return null;
  const answer = (await request(path, { op: 'ping' }, timeoutMs)) as Partial<AgentInfo> | null;
  return typeof answer?.pid === 'number' && typeof answer.expiresAt === 'number'
    ? { pid: answer.pid, version: answer.version ?? 0, expiresAt: answer.expiresAt }
    : null;
}

/** Stops the agent of `home` and waits until its socket is gone; true when one was running. */
export async function stopAgent(home: string, timeoutMs = 2_000): Promise<boolean> {
  const path = agentSocketPath(home);
  if (path === null) return false;
  const answer = await request(path, { op: 'stop' }, timeoutMs);
  if (answer === null) return false;
  const deadline = Date.now() + timeoutMs;
  while (isSocket(path) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 10));
  return true;
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

function inode(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

export interface AgentService {
  home: string;
  /** The keychain account it answers for; any other account gets no item. */
  account: string;
  /** The keychain item (the device credential, as the keychain stores it). */
  item: string;
  expiresAt: number;
  now: () => number;
}

/** Answers one request line; pure but for `now`. */
export function answerRequest(service: AgentService, line: string): { reply: object; stop: boolean } {
  let message: Partial<AgentRequest> & { account?: unknown };
  try {
    message = JSON.parse(line) as typeof message;
  } catch {
    return { reply: { error: 'malformed request' }, stop: false };
  }
  const live = service.now() < service.expiresAt;
  switch (message.op) {
    case 'get':
      if (message.account === undefined) {
        return {
          reply: live ? { account: service.account, item: service.item } : { item: null },
          stop: !live,
        };
      }
      return {
        reply: { item: live && message.account === service.account ? service.item : null },
        stop: !live,
      };
    case 'ping':
      return {
        reply: { pid: process.pid, version: agentProtocol, expiresAt: service.expiresAt },
        stop: false,
      };
    case 'stop':
      return { reply: { stopping: true }, stop: true };
    default:
      return { reply: { error: 'unknown request' }, stop: false };
  }
}

/**
 * Serves `service` on the home's socket until the session ends or it is told to stop.
 * Resolves 'served' after a stop, 'running' when another agent of this protocol version
 * already answers for this home (one of another version is stopped and replaced), 'unavailable' when there can be no socket. The socket is created 0600 in LATCH_HOME
 * (itself 0700), so only the user reaches it, as with the keychain.
 */
export async function serveAgent(service: AgentService): Promise<'served' | 'running' | 'unavailable'> {
  const path = agentSocketPath(service.home);
  if (path === null) return 'unavailable';
  const server = createServer({ allowHalfOpen: false });
  const started = await withLock(join(resolve(service.home), 'agent.lock'), async () => {
    const running = await pingAgent(service.home);
    if (running?.version === agentProtocol) return false;
    // An agent of an earlier latch speaks another protocol: this one takes over.
    if (running) await stopAgent(service.home);
    // A socket left by an agent that was killed; never remove anything that is not a socket.
    if (isSocket(path)) unlinkSync(path);
    const previousMask = process.umask(0o077);
    try {
      await new Promise<void>((listening, failed) => {
        server.once('error', failed);
        server.listen(path, () => listening());
      });
    } finally {
      process.umask(previousMask);
    }
    return true;
  });
  if (!started) return 'running';
  const own = inode(path);
  const vault = join(resolve(service.home), 'vault');
  return new Promise((stopped) => {
    const timers: NodeJS.Timeout[] = [];
    const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      for (const signal of signals) process.off(signal, stop);
      server.close();
      if (own !== null && inode(path) === own) {
        try {
          unlinkSync(path);
        } catch {}
      }
      stopped('served');
    };
    // Gone socket (the home was deleted or another agent took over) or gone vault: stop.
    const watch = setInterval(() => {
      if (inode(path) !== own || inode(vault) === null || service.now() >= service.expiresAt) stop();
    }, watchIntervalMs);
    timers.push(watch);
    const untilExpiry = () => {
      const left = service.expiresAt - service.now();
      if (left <= 0) return stop();
      timers.push(setTimeout(untilExpiry, Math.min(left, maxTimerMs)));
    };
    untilExpiry();
    for (const signal of signals) process.once(signal, stop);
    server.on('connection', (socket: Socket) => {
      let received = '';
      socket.setEncoding('utf8');
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk: string) => {
        received += chunk;
        const end = received.indexOf('\n');
        if (end < 0) {
          if (received.length > maxRequestBytes) socket.destroy();
          return;
        }
        const { reply, stop: stopNow } = answerRequest(service, received.slice(0, end));
        socket.end(`${JSON.stringify(reply)}\n`);
        if (stopNow) stop();
      });
    });
  });
}
