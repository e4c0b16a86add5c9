/**
 * `latch run` masks injected values in a real child's stdout and stderr (pipes: no terminal
 * here), streaming, with exit codes and signals as without masking.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: apiKey });
  latch(sandbox, ['set', 'DB_PASSWORD'], { input: dbPassword });
});
afterEach(() => sandbox.cleanup());

const apiKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // latch:allow (a made-up key)
const dbPassword = 'correct "horse" b@ttery/staple';
const node = process.execPath;

/** Node code printing every form of both values (as env vars) to stdout and to stderr. */
const printForms = `
  const forms = (v) => [
    v,
    Buffer.from(v).toString('base64'),
    Buffer.from(v).toString('base64url'),
    Buffer.from('user:' + v).toString('base64'),
    Buffer.from('ab:' + v).toString('base64'),
    Buffer.from('a:' + v).toString('base64'),
    Buffer.from(v).toString('hex'),
    Buffer.from(v).toString('hex').toUpperCase(),
    encodeURIComponent(v),
    JSON.stringify({ v }),
  ];
  for (const name of ['API_KEY', 'DB_PASSWORD']) {
    for (const form of forms(process.env[name])) {
      process.stdout.write('out ' + form + '\\n');
      process.stderr.write('err ' + form + '\\n');
    }
  }
`;

function formsOf(value: string): string[] {
  return [
    value,
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
    Buffer.from(value).toString('hex'),
    Buffer.from(value).toString('hex').toUpperCase(),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    // The middle of the value inside Basic auth: enough to rebuild most of it.
    Buffer.from(`user:${value}`)
      .toString('base64')
      .slice(8, -4),
  ];
}

function expectNoValues(text: string): void {
  for (const form of [...formsOf(apiKey), ...formsOf(dbPassword)]) expect(text).not.toContain(form);
}

describe('latch run masks output', () => {
  it('masks every form of each value on stdout and on stderr, and passes other text through', () => {
    const result = latch(sandbox, ['run', '--', node, '-e', printForms]);
    expect(result.code, result.stderr).toBe(0);
    expectNoValues(result.stdout);
    expectNoValues(result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line).toMatch(/^out .*<latch:(API_KEY|DB_PASSWORD)>/);
    expect(result.stdout.split('\n')[0]).toBe('out <latch:API_KEY>');
    expect(result.stdout).toContain('out {"v":"<latch:DB_PASSWORD>"}');
    expect(result.stderr.match(/^err .*<latch:(API_KEY|DB_PASSWORD)>/gm)).toHaveLength(20);
  });

  it('gives the child real pipes: `> /dev/stderr` and `> /dev/stdout` work, and are masked', () => {
    const script =
      'echo "e $API_KEY" > /dev/stderr && echo "o $API_KEY" > /dev/stdout && test -p /dev/stdout';
    const result = latch(sandbox, ['run', '--', 'sh', '-c', script]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('o <latch:API_KEY>\n');
    expect(result.stderr).toBe('e <latch:API_KEY>\n');
  });

  it.each([
    'a pipe',
    'a file',
  ])('keeps the order of stdout and stderr when both are the same %s (2>&1), masked', (kind) => {
    const script =
      'for i in 1 2 3 4 5 6 7 8; do echo "out $i $API_KEY"; echo "err $i $DB_PASSWORD" >&2; done';
    const out = `${sandbox.root}/both.txt`;
    const redirect = kind === 'a file' ? `> '${out}' 2>&1` : `2>&1 | cat > '${out}'`;
    const command = `node '${sandboxBin()}' run -- sh -c '${script.replaceAll("'", `'\\''`)}' ${redirect}`;
    const result = spawnSync('bash', ['-c', command], {
      cwd: sandbox.cwd,
      env: sandbox.env,
      timeout: 30_000,
    });
    expect(result.status, String(result.stderr)).toBe(0);
    const expected = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => [
      `out ${i} <latch:API_KEY>`,
      `err ${i} <latch:DB_PASSWORD>`,
    ]);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toEqual(expected);
  });

  it('--no-mask shows the values as they are', () => {
    const result = latch(sandbox, ['run', '--no-mask', '--', node, '-e', 'console.log(process.env.API_KEY)']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${apiKey}\n`);
  });

  it('masks a value split across two writes', () => {
    const script = `
      const v = process.env.API_KEY;
      process.stdout.write('before ' + v.slice(0, 13));
      process.stdout.write(v.slice(13) + ' after\\n');
    `;
    const result = latch(sandbox, ['run', '--', node, '-e', script]);
    expect(result.stdout).toBe('before <latch:API_KEY> after\n');
  });

  it('masks a value written a character at a time, 30 ms apart, without showing any of it', () => {
    // Issue 13: the old 8 ms idle flush showed all but the last character of such a value.
    const script = `
      const text = 'before ' + process.env.API_KEY + ' after\\n';
      let at = 0;
      const next = () => { if (at < text.length) { process.stdout.write(text[at++]); setTimeout(next, 30); } };
      next();
    `;
    const result = latch(sandbox, ['run', '--', node, '-e', script]);
    expect(result.stdout).toBe('before <latch:API_KEY> after\n');
  });

  it('shows a prompt at once, holds an end that may begin a value until the next write, and the child reads its answer', async () => {
    // "sk" is how the value begins: held back as a possible match until the child writes again.
    const script = `
      process.stdout.write('token for ' + process.env.API_KEY + ' (sk');
      process.stdin.once('data', (d) => { console.log('got ' + d.toString().trim()); process.exit(0); });
    `;
    const proc = startLatch(sandbox, ['run', '--', node, '-e', script]);
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitUntil(
      () => output.includes('('),
      () => output,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(output).toBe('token for <latch:API_KEY> (');
    proc.stdin.end('yes\n');
    expect(await exited).toBe(0);
    expect(output).toBe('token for <latch:API_KEY> (skgot yes\n');
  });

  it('masks a long value through base64, xxd -p, Python repr and terminal control sequences', () => {
    // Issue 13's findings, with the real tools: wrapped at 76 and 60 columns, repr() of a value
    // with a backslash and a quote, an erase-line and an OSC title in the middle of the value.
    const value = `k3y\\with"quote-${'Zq9'.repeat(20)}`;
    latch(sandbox, ['set', 'LONG_KEY'], { input: value });
    const script = [
      'printf %s "$LONG_KEY" | base64',
      'echo "$LONG_KEY" | base64',
      'printf %s "$LONG_KEY" | xxd -p',
      `python3 -c 'import os; print(repr(os.environ["LONG_KEY"]))'`,
      `${node} -e 'const v = process.env.LONG_KEY; console.log(v.slice(0, 20) + "\\x1b[K" + v.slice(20, 40) + "\\x1b]0;t\\x07" + v.slice(40))'`,
    ].join('; ');
    const result = latch(sandbox, ['run', '--', 'sh', '-c', script]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      '<latch:LONG_KEY>',
      expect.stringMatching(/^<latch:LONG_KEY>[A-Za-z0-9+/=]{0,4}$/),
      '<latch:LONG_KEY>',
      "'<latch:LONG_KEY>'",
      '<latch:LONG_KEY>',
    ]);
  });

  it.runIf(process.platform === 'linux')(
    'a SIGKILL of latch takes the child and its children with it',
    async () => {
      // Issue 13: a quiet child used to run on with the secrets after latch was killed.
      const proc = startLatch(sandbox, ['run', '--', 'sh', '-c', 'sleep 30 & echo "pids $$ $!"; wait']);
      let output = '';
      proc.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await waitUntil(
        () => /pids \d+ \d+\n/.test(output),
        () => output,
      );
      const pids = /pids (\d+) (\d+)/.exec(output)!.slice(1).map(Number);
      // Past the start-up grace period (child.ts starts the watchdog after 100 ms).
      await new Promise((resolve) => setTimeout(resolve, 400));
      process.kill(proc.pid!, 'SIGKILL');
      const gone = (pid: number) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
        } catch {
          return true;
        }
      };
      await waitUntil(
        () => pids.every(gone),
        () => `still running: ${pids.filter((pid) => !gone(pid)).join(' ')}`,
      );
    },
  );

  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
    ['kill -TERM $$', 128 + 15],
    ['kill -KILL $$', 128 + 9],
  ])('with masking, the child\'s "%s" gives exit code %i and its output is complete', (tail, expected) => {
    const result = latch(sandbox, ['run', '--', 'sh', '-c', `printf "%s" "$API_KEY"; ${tail}`]);
    expect(result.code).toBe(expected);
    expect(result.stdout).toBe('<latch:API_KEY>');
  });

  it('forwards SIGTERM to the child and exits with its code after its last output', async () => {
    const script = `
      process.on('SIGTERM', () => {
        setTimeout(() => { process.stdout.write('bye ' + process.env.API_KEY + '\\n'); process.exit(5); }, 100);
      });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const proc = startLatch(sandbox, ['run', '--', node, '-e', script]);
    proc.stdin.end();
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitUntil(
      () => output.includes('ready'),
      () => output,
    );
    proc.kill('SIGTERM');
    expect(await exited).toBe(5);
    expect(output).toBe('ready\nbye <latch:API_KEY>\n');
  });

  it('a reader that goes away gives the child SIGPIPE (exit 141), quietly, as without latch', () => {
    const shell = `node ${JSON.stringify(sandboxBin())} run -- sh -c 'exec yes "$API_KEY"' | head -n 2; echo "status \${PIPESTATUS[0]}" >&2`;
    const result = spawnSync('bash', ['-c', shell], {
      cwd: sandbox.cwd,
      env: sandbox.env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stdout).toBe('<latch:API_KEY>\n<latch:API_KEY>\n');
    expect(result.stderr).toBe('status 141\n');
  });

  it('says once on stderr which values are too short to mask, and does not mask them', () => {
    latch(sandbox, ['set', 'PIN'], { input: '4711' });
    const result = latch(sandbox, ['run', '--', 'sh', '-c', 'echo "$PIN $API_KEY"; echo "$PIN" >&2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('4711 <latch:API_KEY>\n');
    expect(result.stderr).toBe('latch: not masked (shorter than 6 characters): PIN\n4711\n');
  });

  it('keeps memory bounded and masks across chunk boundaries on a long line without newlines', () => {
    // 8 MiB on one line, the value every 100 KiB or so at shifting offsets.
    const script = `
      const v = process.env.API_KEY;
      let i = 0;
      const next = () => {
        if (i++ >= 80) return;
        const filler = 'x'.repeat(100000 + i);
        if (process.stdout.write(filler + v)) setImmediate(next); else process.stdout.once('drain', next);
      };
      next();
    `;
    const result = latch(sandbox, ['run', '--', node, '-e', script]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(apiKey.slice(0, 12));
    expect(result.stdout.match(/<latch:API_KEY>/g)).toHaveLength(80);
  });
});

describe('latch run with masking, when its stdout is a real pipe or a file (direct writes)', () => {
  // 4 MiB on one line with the value every 50 KiB or so; the harness's own pipes are sockets.
  const script = `
    const v = process.env.API_KEY;
    let i = 0;
    const next = () => {
      if (i++ >= 80) return;
      const filler = 'x'.repeat(50000 + i);
      if (process.stdout.write(filler + v)) setImmediate(next); else process.stdout.once('drain', next);
    };
    next();
  `;
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const run = `node ${quote(sandboxBin())} run -- node -e ${quote(script)}`;
  const expected = Array.from({ length: 80 }, (_, i) => `${'x'.repeat(50001 + i)}<latch:API_KEY>`).join('');

  it('a slow reader gets every byte, masked', () => {
    const result = spawnSync('bash', ['-c', `set -o pipefail; ${run} | (sleep 0.5; cat)`], {
      cwd: sandbox.cwd,
      env: sandbox.env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBe(expected.length);
    expect(result.stdout === expected).toBe(true);
  });

  it('a file gets every byte, masked', () => {
    const out = `${sandbox.root}/out.txt`;
    const result = spawnSync('bash', ['-c', `${run} > ${quote(out)}`], {
      cwd: sandbox.cwd,
      env: sandbox.env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const written = readFileSync(out, 'utf8');
    expect(written.length).toBe(expected.length);
    expect(written === expected).toBe(true);
  });
});

function sandboxBin(): string {
  return new URL('../../dist/cli/latch.cjs', import.meta.url).pathname;
}

async function waitUntil(condition: () => boolean, describe: () => string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(describe())}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
