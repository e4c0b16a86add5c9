import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binary, initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
});
afterEach(() => sandbox.cleanup());

function declare(secrets: string): void {
  const path = join(sandbox.cwd, 'latch.yaml');
  writeFileSync(path, `${readFileSync(path, 'utf8').replace(/secrets:.*$/ms, '')}secrets:\n${secrets}`);
}

const printEnv = `process.stdout.write(JSON.stringify(process.env))`;

describe('latch run', () => {
  it('gives the child the caller environment plus the secrets, minus LATCH_PASSPHRASE*', () => {
    latch(sandbox, ['set', 'API_KEY'], { input: 'injected-value-1' });
    const file = join(sandbox.root, 'pass');
    writeFileSync(file, 'test passphrase 1');
    const result = latch(sandbox, ['run', '--no-mask', '--', process.execPath, '-e', printEnv], {
      env: { CALLER_VAR: 'kept', LATCH_PASSPHRASE_FILE: file, LATCH_NEW_PASSPHRASE: 'x' },
    });
    expect(result.code, result.stderr).toBe(0);
    const env = JSON.parse(result.stdout);
    expect(env.API_KEY).toBe('injected-value-1');
    expect(env.CALLER_VAR).toBe('kept');
    expect(Object.keys(env).filter((name) => name.includes('PASSPHRASE'))).toEqual([]);
  });

  it('injects the chosen environment (--env, then LATCH_ENV)', () => {
    latch(sandbox, ['set', 'WHICH'], { input: 'dev-value-here' });
    latch(sandbox, ['set', 'WHICH', '--env', 'staging'], { input: 'staging-value-here' });
    const script = 'process.stdout.write(process.env.WHICH ?? "unset")';
    expect(latch(sandbox, ['run', '--no-mask', '--', process.execPath, '-e', script]).stdout).toBe(
      'dev-value-here',
    );
    expect(
      latch(sandbox, ['run', '--no-mask', '--env', 'staging', '--', process.execPath, '-e', script]).stdout,
    ).toBe('staging-value-here');
    expect(
      latch(sandbox, ['run', '--no-mask', '--', process.execPath, '-e', script], {
        env: { LATCH_ENV: 'staging' },
      }).stdout,
    ).toBe('staging-value-here');
  });

  it('a missing required secret stops the start with exit 7 naming each, and the child never runs', () => {
    declare(
      '  - name: HAVE_IT\n  - name: MISSING_ONE\n  - name: MISSING_TWO\n  - name: OPTIONAL\n    required: false\n',
    );
    latch(sandbox, ['set', 'HAVE_IT'], { input: 'present-value' });
    const marker = join(sandbox.root, 'child-ran');
    const result = latch(sandbox, [
      'run',
      '--',
      process.execPath,
      '-e',
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`,
    ]);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/MISSING_ONE, MISSING_TWO/);
    expect(result.stderr).not.toMatch(/OPTIONAL/);
    expect(existsSync(marker)).toBe(false);
  });

  it('--dry-run prints names only', () => {
    latch(sandbox, ['set', 'DRY_KEY'], { input: 'never-printed-value' });
    const text = latch(sandbox, ['run', '--dry-run', '--', 'echo', 'hi']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/DRY_KEY/);
    const json = latch(sandbox, ['run', '--dry-run', '--json', '--', 'echo', 'hi']);
    expect(JSON.parse(json.stdout)).toEqual({
      command: 'echo',
      args: ['hi'],
      project: 'myapp',
      environment: 'dev',
      secrets: ['DRY_KEY'],
      references: [],
      mask: true,
    });
    expect(text.stdout + json.stdout).not.toMatch(/never-printed/);
  });

  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
    ['exit 42', 42],
    ['kill -TERM $$', 128 + 15],
    ['kill -KILL $$', 128 + 9],
    ['kill -INT $$', 128 + 2],
  ])('the child\'s "%s" gives exit code %i', (script, expected) => {
    expect(latch(sandbox, ['run', '--', 'sh', '-c', script]).code).toBe(expected);
  });

  it.runIf(process.platform === 'linux')(
    'a value too long for one environment variable: exit 7 when required, left out with a note when optional',
    () => {
      const file = join(sandbox.root, 'big');
      writeFileSync(file, 'a'.repeat(200 * 1024));
      latch(sandbox, ['set', 'BIG_CERT', '--from-file', file]);
      // set declares it `required: false`; a manifest that requires it stops the start.
      declare('  - name: BIG_CERT\n');
      const marker = join(sandbox.root, 'child-ran');
      const touch = [
        '--',
        process.execPath,
        '-e',
        `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`,
      ];
      const required = latch(sandbox, ['run', ...touch]);
      expect(required.code).toBe(7);
      expect(required.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/too long for an environment variable .*128 KiB.*: BIG_CERT; .*latch inject/),
      ]);
      expect(existsSync(marker)).toBe(false);
      declare('  - name: BIG_CERT\n    required: false\n');
      const optional = latch(sandbox, ['run', '--', process.execPath, '-e', printEnv]);
      expect(optional.code, optional.stderr).toBe(0);
      expect(optional.stderr).toMatch(/not injected \(.*128 KiB.*\): BIG_CERT/);
      expect(JSON.parse(optional.stdout).BIG_CERT).toBe(undefined);
    },
  );

  it.runIf(process.platform === 'linux')(
    'an environment the system refuses (E2BIG) is one line, exit 2, never a value',
    () => {
      const file = join(sandbox.root, 'refs.env');
      writeFileSync(file, `LARGE=${'b'.repeat(200 * 1024)}\n`);
      const result = latch(sandbox, ['run', '--env-file', file, '--', 'true']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        'latch: cannot start true: its environment and arguments are larger than the system allows (E2BIG); give large values to it as a file with `latch inject`',
      );
    },
  );

  it.runIf(process.platform !== 'win32')(
    'a script whose #! interpreter is missing exits 126, naming the interpreter as missing',
    () => {
      const script = join(sandbox.cwd, 'orphan.sh');
      writeFileSync(script, '#!/no/such/interpreter\necho hi\n', { mode: 0o755 });
      const result = latch(sandbox, ['run', '--', './orphan.sh']);
      expect(result.code).toBe(126);
      expect(result.stderr.trim()).toBe(
        'latch: cannot run ./orphan.sh: the interpreter on its #! line was not found',
      );
    },
  );

  it.runIf(process.platform === 'linux').each([
    ['masked, on pipes', []],
    ['with --no-mask', ['--no-mask']],
  ])('passes argument bytes that are not UTF-8 to the child unchanged (%s)', (_, options) => {
    // Issue 13: Node decodes argv as UTF-8, so \351 and \377 reached the child as U+FFFD.
    // A shell gives latch the bytes (no Node string can); the child prints its arguments in hex.
    const result = spawnSync(
      '/bin/sh',
      [
        '-c',
        `exec "$0" "$1" run ${options.join(' ')} -- sh -c 'for a; do printf "%s" "$a" | od -An -tx1; done' sh "$(printf 'caf\\351\\n\\377')" plain "$(printf '\\300')"`,
        process.execPath,
        binary,
      ],
      { cwd: sandbox.cwd, env: sandbox.env, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.replace(/\s+/g, ' ').trim()).toBe('63 61 66 e9 0a ff 70 6c 61 69 6e c0');
    expect(result.status).toBe(0);
  });

  it('a command that does not exist exits 127 with one line', () => {
    const result = latch(sandbox, ['run', '--', 'no-such-command-latch-test']);
    expect(result.code).toBe(127);
    expect(result.stderr.trim()).toBe('latch: command not found: no-such-command-latch-test');
  });

  it('an empty command name is a usage error (exit 2) in one line, with or without --dry-run', () => {
    for (const args of [
      ['run', '--', ''],
      ['run', '--dry-run', '--', ''],
    ]) {
      const result = latch(sandbox, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^latch: the command to run is empty; usage: latch run[^\n]*\n$/);
    }
  });

  it('a protected environment is refused without a terminal', () => {
    const result = latch(sandbox, ['run', '--env', 'prod', '--', 'true']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/protected/);
  });

  it('forwards signals to the child and exits only after the child has', async () => {
    const marker = join(sandbox.root, 'child-finished');
    const child = `
      const signals = ['SIGINT','SIGHUP','SIGQUIT','SIGUSR1','SIGUSR2','SIGWINCH'];
      for (const s of signals) process.on(s, () => process.stdout.write(s + '\\n'));
      process.on('SIGTERM', () => {
        process.stdout.write('SIGTERM\\n');
        setTimeout(() => { require('fs').writeFileSync(${JSON.stringify(marker)}, 'done'); process.exit(5); }, 300);
      });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const proc = startLatch(sandbox, ['run', '--', process.execPath, '-e', child]);
    proc.stdin.end();
    let output = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${text}; got ${output}`)),
          10_000,
        );
        const check = () => {
          if (output.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 10);
        };
        check();
      });
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor('ready');
    for (const signal of ['SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const) {
      proc.kill(signal);
      await waitFor(signal);
    }
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(5);
    expect(existsSync(marker)).toBe(true);
  });

  it('makes the masked output pipes while it unlocks, and leaves none behind on any path', () => {
    latch(sandbox, ['set', 'API_KEY'], { input: 'piped-secret-value' });
    const tmp = sandbox.env.TMPDIR!;
    const leftovers = () => readdirSync(tmp).filter((name) => name.startsWith('latch-pipe-'));
    // The child writes through /dev/stderr, which needs a real pipe (a FIFO), not a socket.
    const piped = latch(sandbox, ['run', '--', 'sh', '-c', 'echo "$API_KEY" > /dev/stderr; echo out']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('<latch:API_KEY>\n');
    expect(piped.stdout).toBe('out\n');
    // Stopped before the spawn: a missing required secret, an unknown program, no manifest.
    declare('  - name: NEVER_SET\n    required: true\n');
    expect(latch(sandbox, ['run', '--', 'true']).code).toBe(7);
    declare('  - name: API_KEY\n');
    expect(latch(sandbox, ['run', '--', 'no-such-program-here']).code).toBe(127);
    expect(latch(sandbox, ['run', '--', 'true'], { cwd: sandbox.root }).code).not.toBe(0);
    expect(leftovers()).toEqual([]);
  });
});
