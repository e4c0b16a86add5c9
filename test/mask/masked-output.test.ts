/**
 * pipeMasked with a real child's stdout: masking, slow writers, prompts, backpressure, a broken target;
 * through Node's streams and through the descriptors directly (a FIFO source, a pipe or file target).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type MaskTarget, pipeMasked } from '../../src/mask/masked-output.js';
import { createRedactor } from '../../src/mask/redactor.js';
import { closeWriteEnds, createOsPipes } from '../../src/run/os-pipe.js';

const secret = 'hunter2-correct-horse';
const redactor = createRedactor([{ name: 'PW', value: new TextEncoder().encode(secret) }]);

function node(script: string) {
  return spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PW: secret },
  });
}

describe('pipeMasked', () => {
  it('never shows the start of a value written a character at a time, however slowly', async () => {
    // 30 ms between characters: far longer than any quiet time a masker could wait for.
    const child = node(
      `const text = 'pw=' + process.env.PW + ' then hun';
       let at = 0;
       const next = () => { if (at < text.length) { process.stdout.write(text[at++]); setTimeout(next, 30); } };
       next(); setTimeout(() => {}, text.length * 30 + 300)`,
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const seen: { text: string; whileRunning: boolean }[] = [];
    const pipe = pipeMasked(
      child.stdout!,
      { write: (bytes) => seen.push({ text: Buffer.from(bytes).toString(), whileRunning: !exited }) },
      redactor.stream(),
    );
    await pipe.done;
    expect(seen.map((item) => item.text).join('')).toBe('pw=<latch:PW> then hun');
    const shownWhileRunning = seen.filter((item) => item.whileRunning).map((item) => item.text);
    expect(shownWhileRunning.join('')).toMatch(/^pw=<latch:PW> then /);
    // Not a character of the value before its marker: "h", "hu", ... were held, not shown.
    expect(shownWhileRunning.join('').indexOf('h')).toBeGreaterThan(
      shownWhileRunning.join('').indexOf('<latch:PW>'),
    );
  });

  it('shows a prompt that cannot begin a value at once, while the child waits', async () => {
    const child = node(
      `process.stdout.write('token for pw=' + process.env.PW + ': '); setTimeout(() => {}, 1500)`,
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const started = Date.now();
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
    expect(seen.map((item) => item.text).join('')).toBe('token for pw=<latch:PW>: ');
    expect(seen.every((item) => item.whileRunning)).toBe(true);
    expect(seen.at(-1)!.at - started).toBeLessThan(1000);
  });

  it('a source left open after the child exited: stops once quiet, without the held start of a value', async () => {
    const source = new PassThrough();
    const seen: string[] = [];
    const pipe = pipeMasked(
      source,
      { write: (bytes) => seen.push(Buffer.from(bytes).toString()) },
      redactor.stream(),
    );
    source.write(`left behind ${secret.slice(0, 12)}`);
    await pipe.finish(50);
    expect(seen.join('')).toBe('left behind ');
  });

  it('shows a held tail once the source really ends: it was not a value', async () => {
    const source = new PassThrough();
    const seen: string[] = [];
    const pipe = pipeMasked(
      source,
      { write: (bytes) => seen.push(Buffer.from(bytes).toString()) },
      redactor.stream(),
    );
    source.end(`last words ${secret.slice(0, 12)}`);
    await pipe.done;
    expect(seen.join('')).toBe(`last words ${secret.slice(0, 12)}`);
  });

  it('does not show the start of a value after a long chunk and a pause: the writer was cut off, not done', async () => {
    // A long write that ends inside the value, then a pause (a
    // child waiting for a CPU on a loaded machine), then the rest of the value.
    const child = node(
      `process.stdout.write('a'.repeat(8000) + process.env.PW.slice(0, 10));
       setTimeout(() => process.stdout.write(process.env.PW.slice(10) + ' done'), 120)`,
    );
    const seen: string[] = [];
    const pipe = pipeMasked(
      child.stdout!,
      { write: (bytes) => seen.push(Buffer.from(bytes).toString()) },
      redactor.stream(),
    );
    await pipe.done;
    expect(seen.join('')).toBe(`${'a'.repeat(8000)}<latch:PW> done`);
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

/** A pipe target like process.stdout on a pipe: a non-blocking descriptor under a stream. */
function pipeTarget() {
  const [pipe] = createOsPipes(1)!;
  const socket = new Socket({ fd: pipe!.writeFd, readable: false, writable: true });
  const target: MaskTarget = {
    fd: pipe!.writeFd,
    get writableLength() {
      return socket.writableLength;
    },
    write: (bytes) => socket.write(bytes),
    once: (event, listener) => socket.once(event, listener),
    on: (event, listener) => socket.on(event, listener),
    off: (event, listener) => socket.off(event, listener),
  };
  return { target, reader: pipe!.reader, socket };
}

/** A child writing to a FIFO made by createOsPipes, read directly by descriptor. */
function fifoChild(script: string, command = process.execPath, args = ['-e', script]) {
  const [pipe] = createOsPipes(1)!;
  const child = spawn(command, args, {
    stdio: ['ignore', pipe!.writeFd, 'inherit'],
    env: { PW: secret },
  });
  closeWriteEnds([pipe!]);
  return { child, source: pipe!.reader, sourceFd: pipe!.readFd };
}

describe('pipeMasked, reading and writing descriptors directly', () => {
  it('masks a 1 MiB single line with values across every 64 KiB read boundary, into a file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'latch-masked-'));
    try {
      const path = join(directory, 'out');
      const fd = openSync(path, 'w');
      // The value at each 64 KiB boundary, cut at a different offset each time.
      const { child, source, sourceFd } = fifoChild(`
        const line = Buffer.alloc(1 << 20, 'a');
        for (let k = 1; k < 16; k++) line.write(process.env.PW, k * 65536 - k, 'latin1');
        process.stdout.write(line);
      `);
      const pipe = pipeMasked(
        source,
        { fd, write: (bytes) => writeSync(fd, bytes) },
        redactor.stream(),
        () => {},
        sourceFd,
      );
      await pipe.done;
      closeSync(fd);
      const expected = Buffer.alloc(1 << 20, 'a');
      for (let k = 1; k < 16; k++) expected.write(secret, k * 65536 - k, 'latin1');
      expect(readFileSync(path, 'latin1')).toBe(expected.toString('latin1').replaceAll(secret, '<latch:PW>'));
      expect(child.exitCode ?? (await new Promise((resolve) => child.once('exit', resolve)))).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a slow reader still gets every byte, and the child waits instead of latch buffering', async () => {
    const { target, reader, socket } = pipeTarget();
    const { child, source, sourceFd } = fifoChild(`
      const block = Buffer.alloc(1 << 20, 'x');
      block.write(process.env.PW, 1000, 'latin1');
      let left = 32;
      const next = () => { while (left > 0) { left--; if (!process.stdout.write(block)) return process.stdout.once('drain', next); } };
      next();
    `);
    reader.pause();
    const pipe = pipeMasked(source, target, redactor.stream(), () => {}, sourceFd);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The reader took nothing for 300 ms: latch holds at most a few pipes' worth.
    expect(socket.writableLength).toBeLessThan(1 << 20);
    expect(child.exitCode).toBeNull();
    let received = '';
    reader.setEncoding('latin1');
    reader.on('data', (text: string) => {
      received += text;
    });
    reader.resume();
    await pipe.done;
    socket.end();
    await new Promise((resolve) => reader.once('end', resolve));
    const block = Buffer.alloc(1 << 20, 'x');
    block.write(secret, 1000, 'latin1');
    const masked = block.toString('latin1').replace(secret, '<latch:PW>');
    expect(received.length).toBe(32 * masked.length);
    expect(received).toBe(masked.repeat(32));
  });

  it('a target whose reader went away (EPIPE on a direct write) stops the copy and calls back once', async () => {
    const { target, reader } = pipeTarget();
    reader.destroy();
    const { child, source, sourceFd } = fifoChild('', 'yes', []);
    let broken = 0;
    const pipe = pipeMasked(
      source,
      target,
      redactor.stream(),
      () => {
        broken++;
        child.kill('SIGPIPE');
      },
      sourceFd,
    );
    await pipe.done;
    const signal =
      child.signalCode ?? (await new Promise((resolve) => child.once('exit', (_, sig) => resolve(sig))));
    expect(broken).toBe(1);
    expect(signal).toBe('SIGPIPE');
  });
});
