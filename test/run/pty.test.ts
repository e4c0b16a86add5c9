/** The `script` command lines of pty.ts, run for real: every argument arrives byte for byte. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findScript, ptySpawn, quoteShellWord } from '../../src/run/pty.js';

const awkward = ["it's", '$(touch /tmp/pwned)', '`id`', 'a"b\\c', 'two\nlines', '', ' spaced ', '*', '-n'];

describe('quoteShellWord', () => {
  it('gives sh every word back unchanged', () => {
    const line = `printf '%s\\0' ${awkward.map(quoteShellWord).join(' ')}`;
    const result = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(awkward);
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
});
