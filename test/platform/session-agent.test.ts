import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentService,
  agentSocketPath,
  answerRequest,
  askAgent,
  pingAgent,
  serveAgent,
  stopAgent,
} from '../../src/platform/session-agent.js';

let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'latch-agent-'));
  home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(home, 'vault'), 'stand-in: the agent only checks that it exists');
});
afterEach(async () => {
  await stopAgent(home);
  rmSync(root, { recursive: true, force: true });
});

function service(overrides: Partial<AgentService> = {}): AgentService {
  return {
    home,
    account: 'vault-00@/home',
    item: 'latch-device-v1:item',
    expiresAt: Date.now() + 60_000,
    now: () => Date.now(),
    ...overrides,
  };
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 20));
  }
};

describe('answerRequest', () => {
  it('gives the item for its own account only, and nothing once the session has ended', () => {
    let now = 1_000;
    const agent = service({ expiresAt: 2_000, now: () => now });
    expect(answerRequest(agent, '{"op":"get","account":"vault-00@/home"}')).toEqual({
      reply: { item: 'latch-device-v1:item' },
      stop: false,
    });
    expect(answerRequest(agent, '{"op":"get","account":"vault-01@/home"}').reply).toEqual({ item: null });
    now = 2_000;
    expect(answerRequest(agent, '{"op":"get","account":"vault-00@/home"}')).toEqual({
      reply: { item: null },
      stop: true,
    });
  });

  it('answers ping and stop, and refuses what it does not know', () => {
    const agent = service();
    expect(answerRequest(agent, '{"op":"ping"}').reply).toEqual({
      pid: process.pid,
      version: 1,
      expiresAt: agent.expiresAt,
    });
    // Asked before the caller knows the account: the account comes with the item.
    expect(answerRequest(agent, '{"op":"get"}').reply).toEqual({
      account: 'vault-00@/home',
      item: 'latch-device-v1:item',
    });
    expect(answerRequest(agent, '{"op":"stop"}')).toEqual({ reply: { stopping: true }, stop: true });
    expect(answerRequest(agent, 'not json').reply).toEqual({ error: 'malformed request' });
    expect(answerRequest(agent, '{"op":"dump"}').reply).toEqual({ error: 'unknown request' });
  });
});

describe('agentSocketPath', () => {
  it('lives in LATCH_HOME, and there is none on Windows or when the path is too long', () => {
    expect(agentSocketPath('/home/u/.latch', 'linux')).toBe('/home/u/.latch/agent.sock');
    expect(agentSocketPath('/home/u/.latch', 'win32')).toBeNull();
    expect(agentSocketPath(`/${'x'.repeat(120)}`, 'linux')).toBeNull();
  });
});

describe('serveAgent over a real socket', () => {
  it('serves its item to its account, is private to the user, and stops on request', async () => {
    const served = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    const socket = lstatSync(join(home, 'agent.sock'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o077).toBe(0);
    expect(await askAgent(home, 'vault-00@/home')).toBe('latch-device-v1:item');
    expect(await askAgent(home, 'vault-99@/elsewhere')).toBeNull();
    expect(await stopAgent(home)).toBe(true);
    expect(await served).toBe('served');
    expect(existsSync(join(home, 'agent.sock'))).toBe(false);
    expect(await askAgent(home, 'vault-00@/home')).toBeNull();
    expect(await stopAgent(home)).toBe(false);
  });

  it('a second agent for the same home leaves the first one serving', async () => {
    const first = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    expect(await serveAgent(service({ item: 'another item' }))).toBe('running');
    expect(await askAgent(home, 'vault-00@/home')).toBe('latch-device-v1:item');
    await stopAgent(home);
    expect(await first).toBe('served');
  });

  it('takes over the socket left by a killed agent, and never removes a file that is not a socket', async () => {
    // What a SIGKILLed agent leaves behind: a socket file nobody listens on.
    const listener = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(join(home, 'agent.sock'))}, () => console.log('up'))`,
    ]);
    await new Promise((done) => listener.stdout.once('data', done));
    listener.kill('SIGKILL');
    await new Promise((done) => listener.once('exit', done));
    expect(lstatSync(join(home, 'agent.sock')).isSocket()).toBe(true);
    const served = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    await stopAgent(home);
    await served;

    writeFileSync(join(home, 'agent.sock'), 'a file someone put here');
    await expect(serveAgent(service())).rejects.toThrow();
    expect(lstatSync(join(home, 'agent.sock')).isFile()).toBe(true);
  });

  it('replaces an agent of an earlier protocol version (after an upgrade)', async () => {
    const net = await import('node:net');
    const path = join(home, 'agent.sock');
    // An agent as an earlier latch would run it: its ping has no version.
    const old = net.createServer((socket) => {
      socket.once('data', (line) => {
        const op = JSON.parse(line.toString()).op;
        socket.end(`${JSON.stringify(op === 'ping' ? { pid: 1, expiresAt: Date.now() + 60_000 } : {})}\n`);
        if (op === 'stop') old.close();
      });
    });
    await new Promise<void>((done) => old.listen(path, done));
    expect((await pingAgent(home))?.version).toBe(0);
    const served = serveAgent(service());
    await until(async () => (await pingAgent(home))?.version === 1);
    expect(await askAgent(home, 'vault-00@/home')).toBe('latch-device-v1:item');
    await stopAgent(home);
    expect(await served).toBe('served');
  });

  it('stops by itself when the session expires, and when its socket or the vault goes away', async () => {
    const expiring = serveAgent(service({ expiresAt: Date.now() + 300 }));
    expect(await expiring).toBe('served');
    expect(existsSync(join(home, 'agent.sock'))).toBe(false);

    const orphaned = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    rmSync(join(home, 'vault'));
    expect(await orphaned).toBe('served');
    writeFileSync(join(home, 'vault'), 'back');

    const unlinked = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    rmSync(join(home, 'agent.sock'));
    expect(await unlinked).toBe('served');
  });
});
