/** runCaptured: a real child's output masked per stream, kept up to the cap, stopped with its group. */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/mask/redactor.js';
import { runCaptured } from '../../src/run/captured-child.js';
import type { RunPlan } from '../../src/run/plan.js';

const value = 'hunter2-correct-horse';
const plan = (script: string): RunPlan =>
  ({
    command: process.execPath,
    args: ['-e', script],
    env: { ...process.env, SECRET: value },
    mask: [{ name: 'SECRET', value: new TextEncoder().encode(value) }],
    secretNames: ['SECRET'],
  }) as unknown as RunPlan;
const options = (overrides = {}) => ({
  redactor: createRedactor([{ name: 'SECRET', value: new TextEncoder().encode(value) }]),
  cwd: process.cwd(),
  timeoutMs: 10_000,
  outputCapBytes: 1024,
  ...overrides,
});

describe('runCaptured', () => {
  it('masks a value split across writes on stdout and stderr, and returns the exit code', async () => {
    const result = await runCaptured(
      plan(`
        const v = process.env.SECRET;
        process.stdout.write('a ' + v.slice(0, 5));
        setTimeout(() => { process.stdout.write(v.slice(5) + ' b\\n'); console.error(Buffer.from(v).toString('hex')); process.exitCode = 4; }, 30);
      `),
      options(),
    );
    expect(result.exitCode).toBe(4);
    expect(result.stdout.text).toBe('a <latch:SECRET> b\n');
    expect(result.stderr.text).toBe('<latch:SECRET>\n');
  });

  it('keeps at most the cap of masked bytes and counts the rest', async () => {
    const result = await runCaptured(
      plan(`process.stdout.write((process.env.SECRET + '\\n').repeat(1000))`),
      options(),
    );
    expect(result.stdout.text.length).toBe(1024);
    expect(result.stdout.text).not.toContain(value.slice(0, 8));
    expect(result.stdout.droppedBytes).toBeGreaterThan(0);
  });

  it('stops the child at the timeout: SIGTERM, then SIGKILL when it ignores it', async () => {
    const result = await runCaptured(
      plan(`process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)`),
      options({ timeoutMs: 200, graceMs: 200 }),
    );
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.exitCode).toBe(137);
  });

  it('a program that does not exist is E_NOT_FOUND with exit code 127', async () => {
    await expect(
      runCaptured({ ...plan(''), command: 'latch-no-such-program', args: [] }, options()),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND', exitCode: 127 });
  });
});
