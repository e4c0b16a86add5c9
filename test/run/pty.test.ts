/** The `script` command lines of pty.ts, run for real: every argument arrives byte for byte. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { execLine, findScript, ptySpawn, quoteShellWord } from '../../src/run/pty.js';

const awkward = ["it's", '$(touch /tmp/pwned)', '`id`', 'a"b\\c', 'two\nlines', '', ' spaced ', '*', '-n'];

describe('quoteShellWord', () => {
  it('gives sh every word back unchanged', () => {
    const line = `printf '%s\\0' ${awkward.map(quoteShellWord).join(' ')}`;
    const result = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(awkward);
  });
});

describe('execLine', () => {
  it('gives sh every word back, and the bytes of words that are not UTF-8, newlines included', () => {
    const raw = [Uint8Array.of(0x63, 0xe9, 0x0a), Uint8Array.of(0xff, 0x27, 0x5c, 0x25, 0x64, 0x0a, 0x0a)];
    const words = ['printf', '%s\\0', ...awkward, 'c\ufffd\n', "\ufffd'\\%d\n\n"];
    const line = execLine(words, [null, null, ...awkward.map(() => null), ...raw]);
    expect(line).toMatch(/^[\x00-\x7f]*$/);
    const result = spawnSync('/bin/sh', ['-c', line]);
    const printed = result.stdout.toString('latin1').split('\0').slice(0, -1);
    expect(printed).toEqual([...awkward, ...raw.map((bytes) => Buffer.from(bytes).toString('latin1'))]);
  });
});

describe('ptySpawn', () => {
  it('builds the BSD form on macOS and nothing on Windows', () => {
    expect(ptySpawn('/usr/bin/script', 'cmd', ['a b'], {}, 'darwin')).toEqual({
      command: '/usr/bin/script',
      args: ['-q', '/dev/null', 'cmd', 'a b'],
      env: {},
    });
    expect(ptySpawn('script', 'cmd', [], {}, 'win32')).toBeNull();
  });

  it("on Linux, runs the command on a terminal with its arguments, the caller's SHELL and its exit code", () => {
    const script = findScript(process.env);
    expect(script).not.toBeNull();
    const program =
      'console.log(JSON.stringify([process.stdout.isTTY, process.env.SHELL ?? null, process.argv.slice(1)])); process.exit(7)';
    for (const shell of ['/usr/bin/fish', undefined]) {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
      if (shell) env.SHELL = shell;
      const spawn = ptySpawn(script!, process.execPath, ['-e', program, ...awkward], env)!;
      const result = spawnSync(spawn.command, spawn.args, { env: spawn.env, encoding: 'utf8', input: '' });
      expect(result.status).toBe(7);
      const line = result.stdout.split('\r\n').find((text) => text.startsWith('['))!;
      expect(JSON.parse(line)).toEqual([true, shell ?? null, awkward]);
    }
  });

  it('on Linux, hands the bytes of arguments that are not UTF-8 to the command on the terminal', () => {
    const script = findScript(process.env)!;
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const raw = Uint8Array.of(0x63, 0x61, 0x66, 0xe9);
    const words = ['-c', 'printf %s "$1" | od -An -tx1', 'sh', 'caf\ufffd'];
    const spawn = ptySpawn(script, 'sh', words, env, 'linux', [null, null, null, null, raw])!;
    expect(spawn.args.join(' ')).toMatch(/^[\x00-\x7f]*$/);
    const result = spawnSync(spawn.command, spawn.args, { env: spawn.env, encoding: 'utf8', input: '' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('63 61 66 e9');
  });
});
