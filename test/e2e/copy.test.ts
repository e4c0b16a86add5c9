/**
 * `latch copy` against a real X server (Xvfb) and xclip: the value reaches the clipboard, is
 * cleared after the time, is left alone when the user copied something else, a later copy
 * takes over, and the value is never on any process's argv.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

const secretValue = 'clip-secret-8f2b1c7d9e4a';
const hasX = spawnSync('sh', ['-c', 'command -v Xvfb && command -v xclip']).status === 0;

let server: ChildProcess | undefined;
let display = '';
let sandbox: Sandbox;

beforeAll(async () => {
  if (!hasX) return;
  // -displayfd: Xvfb picks a free display and writes its number on fd 3 once it is ready.
  server = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  display = await new Promise<string>((resolve, reject) => {
    let text = '';
    server!.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    server!.on('exit', () => reject(new Error('Xvfb exited')));
  });
});
afterAll(() => {
  server?.kill();
});

function clipboard(): string {
  const result = spawnSync('xclip', ['-selection', 'clipboard', '-out'], {
    env: { ...process.env, DISPLAY: display },
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout : '';
}

function copyOther(text: string): void {
  spawnSync('xclip', ['-selection', 'clipboard', '-in'], {
    env: { ...process.env, DISPLAY: display },
    input: text,
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 5000,
  });
}

/** Every process's argv that holds `needle` (the ones this user may read). */
function argvHolding(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (argv.includes(needle)) found.push(`${pid}: ${argv.replaceAll('\0', ' ')}`);
    } catch {}
  }
  return found;
}

const until = async (check: () => boolean, ms: number) => {
  for (const start = Date.now(); Date.now() - start < ms; ) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
};

beforeEach(() => {
  sandbox = makeSandbox();
  if (!hasX) return;
  sandbox.env.DISPLAY = display;
  initProject(sandbox);
  expect(latch(sandbox, ['set', 'API_KEY'], { input: secretValue }).code).toBe(0);
  copyOther('');
});
afterEach(() => sandbox.cleanup());

describe.skipIf(!hasX)('latch copy on X11 (Xvfb, xclip)', () => {
  it('copies, never puts the value on any argv, and clears after the time', async () => {
    const child = startLatch(sandbox, ['copy', 'API_KEY', '--clear-after', '2s']);
    const seen: string[] = [];
    let done = false;
    child.on('exit', () => {
      done = true;
    });
    // Read every argv while latch, xclip and the clearing process run.
    while (!done) {
      seen.push(...argvHolding(secretValue));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(child.exitCode).toBe(0);
    expect(clipboard()).toBe(secretValue);
    for (let index = 0; index < 20; index++) seen.push(...argvHolding(secretValue));
    expect(seen).toEqual([]);
    // The xclip left serving the selection carries neither the value nor the passphrase.
    const servers = readdirSync('/proc').filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('xclip\0-selection\0clipboard\0-in');
      } catch {
        return false;
      }
    });
    expect(servers.length).toBeGreaterThan(0);
    for (const pid of servers) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ).not.toContain(sandbox.env.LATCH_PASSPHRASE!);
      expect(environ).not.toContain(secretValue);
    }
    expect(await until(() => clipboard() === '', 10_000)).toBe(true);
    const audit = JSON.parse(latch(sandbox, ['audit', '--json']).stdout) as {
      event: string;
      through?: string;
    }[];
    expect(audit.at(-1)).toMatchObject({ event: 'reveal', through: 'copy xclip' });
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    expect(latch(sandbox, ['copy', 'API_KEY', '--clear-after', '2s']).code).toBe(0);
    expect(clipboard()).toBe(secretValue);
    copyOther('something the user copied');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(clipboard()).toBe('something the user copied');
  });

  it('a new copy cancels the previous clearer', async () => {
    expect(latch(sandbox, ['copy', 'API_KEY', '--clear-after', '2s']).code).toBe(0);
    expect(latch(sandbox, ['copy', 'API_KEY', '--clear-after', '60s']).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(clipboard()).toBe(secretValue);
  });

  it('says in one line what is missing without a display or a tool', () => {
    const noDisplay = latch(sandbox, ['copy', 'API_KEY'], { env: { DISPLAY: undefined } });
    expect(noDisplay.code).toBe(1);
    expect(noDisplay.stderr).toBe('latch: no clipboard here: neither DISPLAY nor WAYLAND_DISPLAY is set\n');
    const noTool = latch(sandbox, ['copy', 'API_KEY'], { env: { PATH: '/nonexistent' } });
    expect(noTool.stderr).toBe('latch: no clipboard tool found; install xclip or xsel (apt install xclip)\n');
  });

  it('asks for the name of a protected environment, and copies nothing without a terminal', () => {
    expect(latch(sandbox, ['env', 'add', 'prod', '--protected']).code).toBe(0);
    expect(latch(sandbox, ['set', 'API_KEY', '--env', 'prod'], { input: secretValue }).code).toBe(0);
    const refused = latch(sandbox, ['copy', 'API_KEY', '--env', 'prod']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/is protected; copying API_KEY: confirm on a terminal/);
    expect(clipboard()).toBe('');
  });

  it('asks an agent for a person, as get --reveal does', () => {
    const agent = latch(sandbox, ['copy', 'API_KEY'], { env: { LATCH_AGENT: 'claude-code' } });
    expect(agent.code).toBe(3);
    expect(agent.stderr).toMatch(/asks to reveal API_KEY from .* through copy xclip: confirm on a terminal/);
    expect(clipboard()).toBe('');
  });
});
