/**
 * The session agent: a small per-home process that keeps the session's keychain item in
 * memory and hands it out in LATCH_HOME, so that commands skip the OS keychain (loading its
 * native module and a D-Bus round trip cost 10-20 ms on every command). Commands read the item
 * from a FIFO the agent keeps filled (`readAgentPipe`, microseconds), else ask over a Unix
 * socket (a few milliseconds in a fresh process). The agent also keeps FIFO pairs ready for
 * `run`'s masked output. It holds exactly what the keychain holds, the device credential,
 * never the data key or a value; callers still check the session's expiry in the vault
 * header and unwrap the data key themselves. `latch unlock` starts it, `latch lock` stops it,
 * and it stops by itself when the session expires, when its socket or the vault goes away,
 * or on SIGTERM. See docs/commands.md, "The session agent", and docs/threat-model.md.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  watch,
} from 'node:fs';
import { createConnection, createServer, Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { makeFifos } from '../run/os-pipe.js';
import { withLock } from '../shared/files.js';

/** What a caller asks over the socket; one request per connection, one JSON line each way. */
type AgentRequest = { op: 'get'; account: string } | { op: 'ping' } | { op: 'stop' };

/** The item an agent holds and the keychain account it belongs to (a record of its pipe). */
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

/** The agent's pipe (a FIFO next to its socket), or null where there is no agent. */
export function agentPipePath(home: string, platform = process.platform): string | null {
  const socket = agentSocketPath(home, platform);
  return socket === null ? null : join(dirname(socket), 'agent.pipe');
}

/**
 * The size of one record in the pipe. A write of at most PIPE_BUF bytes (512 on macOS, 4096
 * on Linux) reaches a pipe whole, and every reader reads exactly this many bytes, so each read
 * takes one whole record even with several readers at once.
 */
const recordBytes = 512;

/** A record: the item as JSON, padded with spaces; null when it does not fit. */
export function encodeRecord(item: AgentItem): Buffer | null {
  const json = Buffer.from(JSON.stringify({ account: item.account, item: item.item }));
  if (json.length > recordBytes) return null;
  const record = Buffer.alloc(recordBytes, 0x20);
  json.copy(record);
  return record;
}

function decodeRecord(record: Buffer): AgentItem | null {
  try {
    const parsed = JSON.parse(record.toString('utf8')) as Partial<AgentItem>;
    return typeof parsed.account === 'string' && typeof parsed.item === 'string'
      ? { account: parsed.account, item: parsed.item }
      : null;
  } catch {
    return null;
  }
}

/**
 * The item from the agent's pipe, synchronously: open, read one record, close (a few
 * microseconds, where a socket request costs a command several milliseconds of event-loop
 * turns and cold stream code). Null when there is no pipe, it is not a FIFO of this user, or
 * it holds no whole record (no agent writes to it any more); then ask over the socket.
 */
export function readAgentPipe(home: string): AgentItem | null {
  const path = agentPipePath(home);
  if (path === null) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFIFO() || stat.uid !== process.getuid?.()) return null;
    const record = Buffer.alloc(recordBytes);
    // EAGAIN (empty, a writer exists) throws; 0 bytes means no writer is left.
    return readSync(fd, record, 0, recordBytes, null) === recordBytes ? decodeRecord(record) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
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
 * Resolves 'served' after a stop, 'running' when another agent already serves the same item
 * for this home (one of another protocol version or with another item is replaced), 'unavailable' when there can be no socket. The socket is created 0600 in LATCH_HOME
 * (itself 0700), so only the user reaches it, as with the keychain.
 */
export async function serveAgent(service: AgentService): Promise<'served' | 'running' | 'unavailable'> {
  const path = agentSocketPath(service.home);
  if (path === null) return 'unavailable';
  const server = createServer({ allowHalfOpen: false });
  const started = await withLock(join(resolve(service.home), 'agent.lock'), async () => {
    const running = await pingAgent(service.home);
    // One that serves this very item stays. One that speaks an earlier protocol (after an
    // upgrade) or holds an item of an earlier session (two `unlock`s at once) is replaced.
    if (
      running?.version === agentProtocol &&
      (await askAgent(service.home, service.account)) === service.item
    )
      return false;
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
  const pipe = await openPipe(service);
  const vault = join(resolve(service.home), 'vault');
  const pool = keepPipesReady(service.home, () => inode(path) === own && inode(vault) !== null);
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
      pipe?.close();
      pool.close();
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

function isFifo(path: string): boolean {
  try {
    return lstatSync(path).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Makes the agent's pipe and keeps it full of records of the item: one record is always
 * waiting to be written, and it goes in as soon as readers free room. The agent holds the
 * FIFO open for reading and writing, so opening it never blocks anyone and the records
 * vanish with the agent. Returns null (commands then use the socket) when it cannot be made.
 */
async function openPipe(service: AgentService): Promise<{ close(): void } | null> {
  const path = agentPipePath(service.home);
  const record = encodeRecord(service);
  if (path === null || record === null) return null;
  // A pipe left by an agent that was killed; never remove anything that is not a FIFO.
  if (isFifo(path)) unlinkSync(path);
  if (!(await makeFifos([path]))) return null;
  let writer: Socket;
  try {
    writer = new Socket({
      fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK),
      readable: false,
      writable: true,
    });
  } catch {
    return null;
  }
  const own = inode(path);
  let closed = false;
  // One record at a time: a single write of one record is atomic; a batch might not be.
  const fill = () => {
    if (!closed) writer.write(record, (error) => (error ? undefined : fill()));
  };
  writer.on('error', () => {});
  fill();
  return {
    close: () => {
      closed = true;
      writer.destroy();
      if (own !== null && inode(path) === own) {
        try {
          unlinkSync(path);
        } catch {}
      }
    },
  };
}

/** Where the agent keeps FIFO pairs ready for `run`'s masked output (see `claimReadyPipes`). */
export function agentPipesDirectory(home: string): string {
  return join(resolve(home), 'agent-pipes');
}

/** How many pairs the agent keeps ready: more than a person starts at once. */
const readyPairs = 4;
/** A claim interrupted by a kill leaves a `claimed-*` directory; gone after this long. */
const leftoverMs = 10_000;
/**
 * How long after a claim the agent refills: a burst of runs is over by then, and a home being
 * deleted (`rm -r`) is gone, rather than racing with new pairs appearing in it.
 */
const refillDelayMs = 100;

/** Makes one FIFO pair (`out`, `err`) under a temporary name, then moves it to `ready-*`. */
async function makePair(directory: string): Promise<boolean> {
  const id = randomBytes(8).toString('hex');
  const making = join(directory, `making-${id}`);
  try {
    mkdirSync(making, { mode: 0o700 });
  } catch {
    return false;
  }
  const made = await makeFifos([join(making, 'out'), join(making, 'err')]);
  try {
    if (made) renameSync(making, join(directory, `ready-${id}`));
    else rmSync(making, { recursive: true, force: true });
  } catch {
    return false;
  }
  return made;
}

/**
 * Keeps `readyPairs` FIFO pairs in the home's agent-pipes directory (0700 in the 0700
 * LATCH_HOME): a `run` takes one instead of starting `mkfifo` itself, the one process it
 * would otherwise wait for before its child can start. Each claim is seen through a watch on
 * the directory and replaced. Fresh pairs only: a FIFO still open in an earlier run's child
 * must never be read by the next run, so a pair is used once and its names removed.
 */
function keepPipesReady(home: string, homeIsThere: () => boolean): { close(): void } {
  const directory = agentPipesDirectory(home);
  let closed = false;
  let filling = false;
  let again = false;
  let scheduled: NodeJS.Timeout | null = null;
  const refill = async () => {
    if (closed || !homeIsThere()) return;
    if (filling) {
      again = true;
      return;
    }
    filling = true;
    try {
      do {
        again = false;
        const names = readdirSync(directory);
        for (const name of names.filter((entry) => entry.startsWith('claimed-'))) {
          const at = join(directory, name);
          if (Date.now() - (statSync(at, { throwIfNoEntry: false })?.mtimeMs ?? 0) > leftoverMs)
            rmSync(at, { recursive: true, force: true });
        }
        let missing = readyPairs - names.filter((entry) => entry.startsWith('ready-')).length;
        while (missing-- > 0 && !closed && homeIsThere()) if (!(await makePair(directory))) return;
      } while (again && !closed);
    } catch {
      // The directory went away (the home was deleted): the watch on the socket stops the agent.
    } finally {
      filling = false;
    }
  };
  try {
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { mode: 0o700 });
  } catch {
    return { close: () => {} };
  }
  const watcher = watch(directory, () => {
    scheduled ??= setTimeout(() => {
      scheduled = null;
      void refill();
    }, refillDelayMs);
  });
  watcher.on('error', () => {});
  void refill();
  return {
    close: () => {
      closed = true;
      if (scheduled) clearTimeout(scheduled);
      watcher.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
