/**
 * latch_run through the MCP SDK's real Client against the built `latch mcp` and a real vault:
 * no value or encoded form ever reaches a response (a property test over random values),
 * environment printers and shells refused, the timeout, the output cap, and a client that
 * goes away mid-run: each stops the program's whole process group.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import { connectMcp, type McpSession, resultText } from './mcp-harness.js';

const node = process.execPath;
let sandbox: Sandbox;
let session: McpSession;
beforeAll(async () => {
  sandbox = makeSandbox();
  initProject(sandbox);
  setSecret('API_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'); // latch:allow (a made-up key)
  setSecret('DB_PASSWORD', 'correct "horse" b@ttery/staple');
  session = await connectMcp(sandbox);
});
afterAll(async () => {
  await session.close();
  sandbox.cleanup();
});

function setSecret(name: string, value: string): void {
  const result = latch(sandbox, ['set', name], { input: value });
  expect(result.code, result.stderr).toBe(0);
}

async function callRun(args: Record<string, unknown>, client: McpSession = session) {
  const result = await client.client.callTool({ name: 'latch_run', arguments: args });
  return { isError: result.isError === true, text: resultText(result) };
}

function formsOf(value: string): string[] {
  return [
    value,
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
    Buffer.from(value).toString('hex'),
    Buffer.from(value).toString('hex').toUpperCase(),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
}

/** Node code printing every form of both secrets, each split in two writes a few ms apart. */
const printFormsSplit = `
  const forms = (v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url'),
    Buffer.from(v).toString('hex'), Buffer.from(v).toString('hex').toUpperCase(),
    encodeURIComponent(v), JSON.stringify({ v })];
  const writes = [];
  for (const name of ['API_KEY', 'DB_PASSWORD'])
    for (const form of forms(process.env[name])) {
      const cut = Math.max(1, Math.floor(form.length / 2));
      writes.push(['out', form.slice(0, cut)], ['out', form.slice(cut) + '\\n']);
      writes.push(['err', form.slice(0, cut)], ['err', form.slice(cut) + '\\n']);
    }
  const next = () => {
    const write = writes.shift();
    if (!write) return;
    (write[0] === 'out' ? process.stdout : process.stderr).write(write[1], () => setTimeout(next, 2));
  };
  next();
`;

/** Polls until `pid` no longer exists; false after `ms`. */
async function gone(pid: number, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('latch_run', () => {
  it('runs with the secrets injected and masks every form of every value, split across writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[!-~]{8,40}$/),
        fc.stringMatching(/^[ -~]{8,24}[!-~]$/).filter((value) => !value.startsWith(' ')),
        async (first, second) => {
          fc.pre(first !== second && !first.includes(second) && !second.includes(first));
          setSecret('API_KEY', first);
          setSecret('DB_PASSWORD', second);
          const result = await callRun({ argv: [node, '-e', printFormsSplit] });
          expect(result.isError, result.text).toBe(false);
          const response = JSON.parse(result.text);
          expect(response.exit_code).toBe(0);
          expect(response.stdout).toContain('<latch:API_KEY>');
          expect(response.stderr).toContain('<latch:DB_PASSWORD>');
          // In the response as sent (JSON text) and as the model reads it (the decoded fields).
          for (const form of [...formsOf(first), ...formsOf(second)])
            for (const text of [result.text, response.stdout, response.stderr])
              expect(text).not.toContain(form);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it.each([
    [['env']],
    [['/usr/bin/printenv', 'API_KEY']],
    [['cat', '/proc/self/environ']],
    [['bash', '-c', 'echo $API_KEY']],
    [['sh', '-c', 'env']],
  ])('refuses %j: it prints the environment or is a shell', async (argv) => {
    const result = await callRun({ argv });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/prints the environment|is a shell/);
  });

  it('a program that does not exist is a tool error', async () => {
    const result = await callRun({ argv: ['latch-no-such-program'] });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('command not found: latch-no-such-program');
  });

  it("gives the program's exit code and runs it in the server's directory", async () => {
    const result = await callRun({ argv: [node, '-e', 'console.log(process.cwd()); process.exit(3)'] });
    const response = JSON.parse(result.text);
    expect(response.exit_code).toBe(3);
    expect(response.stdout.trim()).toBe(sandbox.cwd);
  });

  it('caps the output and says so', async () => {
    const result = await callRun({
      argv: [node, '-e', "process.stdout.write('x'.repeat(8 * 1024 * 1024)); console.error('done')"],
    });
    const response = JSON.parse(result.text);
    expect(response.exit_code).toBe(0);
    expect(response.stdout.length).toBe(256 * 1024);
    expect(response.stderr).toBe('done\n');
    expect(response.notes.join(' ')).toContain('stdout was cut at 262144 bytes (the cap)');
  });

  it('stops a program that never exits at the timeout, with everything it started', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(grandchild.pid);
      process.on('SIGTERM', () => {});
      setInterval(() => {}, 1000);
    `;
    const started = Date.now();
    const result = await callRun({ argv: [node, '-e', script], timeout_seconds: 1 });
    const response = JSON.parse(result.text);
    expect(response.timed_out).toBe(true);
    expect(response.exit_code).toBe(128 + 9);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await gone(Number(response.stdout.trim()))).toBe(true);
  }, 30_000);
});

describe('a cancelled call', () => {
  it('stops the program and its process group; the server keeps serving', async () => {
    const pids = join(sandbox.root, 'cancel-pids');
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pids)}, process.pid + ' ' + grandchild.pid);
      setInterval(() => {}, 1000);
    `;
    const controller = new AbortController();
    const pending = session.client.callTool(
      { name: 'latch_run', arguments: { argv: [node, '-e', script] } },
      undefined,
      {
        signal: controller.signal,
      },
    );
    pending.catch(() => {});
    const end = Date.now() + 10_000;
    while (!existsSync(pids) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    const [child, grandchild] = readFileSync(pids, 'utf8').split(' ').map(Number);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(await gone(child!)).toBe(true);
    expect(await gone(grandchild!)).toBe(true);
    const after = await callRun({ argv: [node, '-e', 'console.log("still here")'] });
    expect(JSON.parse(after.text).stdout).toBe('still here\n');
  }, 30_000);
});

describe('a client that goes away mid-run', () => {
  let own: Sandbox;
  afterEach(() => own?.cleanup());

  it('stops the program and its process group', async () => {
    own = makeSandbox();
    initProject(own);
    const pids = join(own.root, 'pids');
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pids)}, process.pid + ' ' + grandchild.pid);
      setInterval(() => {}, 1000);
    `;
    const client = await connectMcp(own);
    const pending = client.client.callTool({ name: 'latch_run', arguments: { argv: [node, '-e', script] } });
    pending.catch(() => {});
    const end = Date.now() + 10_000;
    while (!existsSync(pids) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    const [child, grandchild] = readFileSync(pids, 'utf8').split(' ').map(Number);
    await client.close();
    expect(await gone(child!)).toBe(true);
    expect(await gone(grandchild!)).toBe(true);
  }, 30_000);
});
