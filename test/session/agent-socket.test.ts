import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimReadyPipes, closeOsPipes } from '../../src/run/os-pipe.js';
import {
  type AgentService,
  agentPipesDirectory,
  agentSocketPath,
  answerRequest,
  askAgent,
  pingAgent,
  readAgentPipe,
  serveAgent,
  stopAgent,
} from '../../src/session/agent-socket.js';

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
    expect(answerRequest(agent, '{"op":"get"}').reply).toEqual({ item: null });
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

  it('a second agent for the same item leaves the first one serving; one with a newer item replaces it', async () => {
    const first = serveAgent(service());
    await until(async () => (await pingAgent(home)) !== null);
    expect(await serveAgent(service())).toBe('running');
    expect(await askAgent(home, 'vault-00@/home')).toBe('latch-device-v1:item');
    // A new session's item (two `unlock`s raced): the agent of the old one must not stay.
    const second = serveAgent(service({ item: 'latch-device-v1:newer' }));
    expect(await first).toBe('served');
    await until(async () => (await askAgent(home, 'vault-00@/home')) === 'latch-device-v1:newer');
    await stopAgent(home);
    expect(await second).toBe('served');
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

describe("the agent's pipe and ready FIFO pairs", () => {
  const account = 'vault-00@/home';

  it('hands out whole records synchronously, far beyond what the pipe holds at once, until the agent stops', async () => {
    const served = serveAgent(service());
    await until(() => readAgentPipe(home) !== null);
    const fifo = lstatSync(join(home, 'agent.pipe'));
    expect(fifo.isFIFO()).toBe(true);
    expect(fifo.mode & 0o077).toBe(0);
    // A 64 KiB pipe holds 128 records; the agent refills as they are taken.
    let read = 0;
    for (let attempt = 0; attempt < 2_000 && read < 400; attempt++) {
      const record = readAgentPipe(home);
      if (record) {
        expect(record).toEqual({ account, item: 'latch-device-v1:item' });
        read++;
      } else await new Promise((done) => setTimeout(done, 5));
    }
    expect(read).toBe(400);
    await stopAgent(home);
    await served;
    expect(existsSync(join(home, 'agent.pipe'))).toBe(false);
    expect(readAgentPipe(home)).toBeNull();
  });

  it('gives each of several processes reading at once whole records', async () => {
    const served = serveAgent(service());
    await until(() => readAgentPipe(home) !== null);
    const reader = `
      const { openSync, readSync, closeSync, constants } = require('node:fs');
      let whole = 0, torn = 0;
      for (let i = 0; i < 60; i++) {
        const fd = openSync(${JSON.stringify(join(home, 'agent.pipe'))}, constants.O_RDONLY | constants.O_NONBLOCK);
        const buffer = Buffer.alloc(512);
        try { if (readSync(fd, buffer, 0, 512, null) === 512) { try { JSON.parse(buffer.toString()); whole++; } catch { torn++; } } } catch {}
        closeSync(fd);
      }
      process.stdout.write(JSON.stringify({ whole, torn }));`;
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ whole: number; torn: number }>((done) => {
            const child = spawn(process.execPath, ['-e', reader]);
            let out = '';
            child.stdout.on('data', (chunk) => {
              out += chunk;
            });
            child.on('exit', () => done(JSON.parse(out)));
          }),
      ),
    );
    expect(results.map((result) => result.torn)).toEqual([0, 0, 0, 0]);
    expect(results.reduce((sum, result) => sum + result.whole, 0)).toBeGreaterThan(100);
    await stopAgent(home);
    await served;
  });

  it('reads nothing from a FIFO no agent writes to, or from a file that is not a FIFO', () => {
    expect(readAgentPipe(home)).toBeNull();
    writeFileSync(join(home, 'agent.pipe'), JSON.stringify({ account, item: 'planted' }).padEnd(512));
    expect(readAgentPipe(home)).toBeNull();
    rmSync(join(home, 'agent.pipe'));
    expect(spawnSync('mkfifo', ['-m', '600', join(home, 'agent.pipe')]).status).toBe(0);
    expect(readAgentPipe(home)).toBeNull();
  });

  it('keeps FIFO pairs ready for run, replaces each one taken, and removes them when it stops', async () => {
    const served = serveAgent(service());
    const directory = agentPipesDirectory(home);
    const ready = () =>
      existsSync(directory) ? readdirSync(directory).filter((name) => name.startsWith('ready-')) : [];
    await until(() => ready().length === 4);
    expect(lstatSync(directory).mode & 0o077).toBe(0);
    const pipes = claimReadyPipes(directory);
    expect(pipes).toHaveLength(2);
    // A working pipe: what is written to the child's end comes out of latch's end.
    const received = new Promise<string>((done) =>
      pipes![0]!.reader.once('data', (chunk) => done(chunk.toString())),
    );
    writeSync(pipes![0]!.writeFd, 'through the pipe');
    expect(await received).toBe('through the pipe');
    closeOsPipes(pipes);
    await until(() => ready().length === 4);
    expect(readdirSync(directory).filter((name) => name.startsWith('claimed-'))).toEqual([]);
    await stopAgent(home);
    await served;
    expect(existsSync(directory)).toBe(false);
    expect(claimReadyPipes(directory)).toBeNull();
  });

  it('never hands a child a file that is not a FIFO', () => {
    const directory = agentPipesDirectory(home);
    mkdirSync(join(directory, 'ready-planted'), { recursive: true });
    writeFileSync(join(directory, 'ready-planted', 'out'), '');
    writeFileSync(join(directory, 'ready-planted', 'err'), '');
    expect(claimReadyPipes(directory)).toBeNull();
  });
});
