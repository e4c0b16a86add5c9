/** pipeMasked with a real child's stdout: masking, idle flush, backpressure, a broken target. */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/core/redactor.js';
import { idleFlushMs, pipeMasked } from '../../src/platform/masked-output.js';

const secret = 'hunter2-correct-horse';
const redactor = createRedactor([{ name: 'PW', value: new TextEncoder().encode(secret) }]);

function node(script: string) {
  return spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PW: secret },
  });
}

describe('pipeMasked', () => {
  it('masks a child stream and shows a held-back tail once the child is quiet', async () => {
    const child = node(
      `process.stdout.write('pw=' + process.env.PW + ' then hun'); setTimeout(() => {}, 1500)`,
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const seen: { text: string; whileRunning: boolean; at: number }[] = [];
    const pipe = pipeMasked(
      child.stdout!,
      {
        write: (bytes) =>
          seen.push({ text: Buffer.from(bytes).toString(), whileRunning: !exited, at: Date.now() }),
      },
      redactor.stream(),
    );
    await pipe.done;
    expect(seen.map((item) => item.text).join('')).toBe('pw=<latch:PW> then hun');
    // "hun" (3 bytes, the start of the value) came out soon after the rest, while the child
    // still ran (it sleeps 1.5 s), not at the end of the stream.
    const last = seen.at(-1)!;
    expect(last.text.endsWith('hun')).toBe(true);
    expect(last.whileRunning).toBe(true);
    expect(last.at - seen[0]!.at).toBeLessThan(700);
    expect(idleFlushMs).toBeLessThan(50);
  });

  it('pauses the child while the target is full, so memory stays bounded', async () => {
    // The child writes 64 MiB as fast as it can; the target takes nothing for 300 ms.
    const child = node(`
      const block = Buffer.alloc(1 << 20, 'x');
      let left = 64;
      const next = () => { while (left > 0) { left--; if (!process.stdout.write(block)) return process.stdout.once('drain', next); } };
      next();
    `);
    let received = 0;
    let blocked = true;
    const pending: (() => void)[] = [];
    const target = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (blocked) pending.push(callback);
        else callback();
      },
    });
    const pipe = pipeMasked(child.stdout!, target, redactor.stream());
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Without the pause, the target's buffer would hold most of the 64 MiB by now.
    expect(target.writableLength + child.stdout!.readableLength).toBeLessThan(4 << 20);
    expect(received).toBeLessThan(1 << 20);
    blocked = false;
    for (const callback of pending.splice(0)) callback();
    await pipe.done;
    expect(received).toBe(64 << 20);
  });

  it('a target that reports EPIPE stops the copy and calls back once', async () => {
    const child = spawn('yes', [], { stdio: ['ignore', 'pipe', 'inherit'] });
    let broken = 0;
    const listeners: ((error: NodeJS.ErrnoException) => void)[] = [];
    const target = {
      write: () => {
        const error = Object.assign(new Error('broken pipe'), { code: 'EPIPE' });
        for (const listener of listeners) listener(error);
        return true;
      },
      on: (_: 'error', listener: (error: NodeJS.ErrnoException) => void) => listeners.push(listener),
      off: () => {},
    };
    const pipe = pipeMasked(child.stdout!, target, redactor.stream(), () => {
      broken++;
      child.kill('SIGPIPE');
    });
    await pipe.done;
    const signal =
      child.signalCode ?? (await new Promise((resolve) => child.once('exit', (_, sig) => resolve(sig))));
    expect(broken).toBe(1);
    expect(signal).toBe('SIGPIPE');
  });
});
