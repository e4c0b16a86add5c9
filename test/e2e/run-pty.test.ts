/**
 * `latch run` on a real terminal, driven by tmux: the child runs on a pty (isatty, window
 * size and resizes, raw mode, colours), its output is masked on the way, and Ctrl-C stops it
 * with exit 130.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binary, initProject, latch, makeSandbox, type Sandbox, writeSandboxFile } from './harness.js';

const apiKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // latch:allow (a made-up key)
let sandbox: Sandbox;
let socket: string;

beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: apiKey });
  socket = `latch-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});
afterEach(() => {
  tmux(['kill-server']);
  sandbox.cleanup();
});

function tmux(args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  return result.stdout;
}

async function waitFor<T>(probe: () => T | undefined, what: () => string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const shellWord = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Starts `latch run OPTIONS -- node -e PROGRAM` in a 120x40 tmux window; returns where its exit code lands. */
function startInTmux(program: string, env: Record<string, string> = {}, runOptions: string[] = []): string {
  const codeFile = join(sandbox.root, 'exit-code');
  const exports = Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${shellWord(value)}`);
  const overrides = Object.entries(env).map(([name, value]) => `${name}=${shellWord(value)} `);
  const wrapper = writeSandboxFile(
    sandbox,
    'wrapper.sh',
    [
      `cd ${shellWord(sandbox.cwd)}`,
      ...exports,
      // On pipes a Ctrl-C reaches this shell too: it must live on to write the exit code.
      'trap : INT',
      `${overrides.join('')}${shellWord(process.execPath)} ${shellWord(binary)} run ${runOptions.join(' ')} -- ${shellWord(process.execPath)} -e ${shellWord(program)}`,
      `echo $? > ${shellWord(codeFile)}.tmp && mv ${shellWord(codeFile)}.tmp ${shellWord(codeFile)}`,
      'exec sleep 60',
    ].join('\n'),
  );
  tmux(['new-session', '-d', '-x', '120', '-y', '40', `sh ${shellWord(wrapper)}`]);
  return codeFile;
}

/** Starts `latch ARGS` in a tmux window; returns where its exit code lands. */
function startLatchInTmux(args: string[]): string {
  const codeFile = join(sandbox.root, 'exit-code');
  const exports = Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${shellWord(value)}`);
  const wrapper = writeSandboxFile(
    sandbox,
    'wrapper.sh',
    [
      `cd ${shellWord(sandbox.cwd)}`,
      ...exports,
      `${shellWord(process.execPath)} ${shellWord(binary)} ${args.map(shellWord).join(' ')}`,
      `echo $? > ${shellWord(codeFile)}.tmp && mv ${shellWord(codeFile)}.tmp ${shellWord(codeFile)}`,
      'exec sleep 60',
    ].join('\n'),
  );
  tmux(['new-session', '-d', '-x', '120', '-y', '40', `sh ${shellWord(wrapper)}`]);
  return codeFile;
}

const screen = () => tmux(['capture-pane', '-p']);
const screenWithColours = () => tmux(['capture-pane', '-p', '-e']);
const onScreen = (text: string) => () => (screen().includes(text) ? true : undefined);

/** Whether process `pid` is gone (or a zombie nobody has reaped yet). */
function isGone(pid: number): true | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? true : undefined;
  } catch {
    return true;
  }
}

/** The parent of process `pid` (Linux /proc). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('latch run on a terminal', () => {
  it.runIf(process.platform === 'linux')(
    'a SIGKILL of latch takes `script` and the program with it, even one that ignores SIGHUP',
    async () => {
      // Issue 13: both used to run on with the secrets, `script` waiting on the terminal.
      const program = `
        process.on('SIGHUP', () => {});
        process.stdout.write('pids ' + process.pid + ' ' + process.ppid + '\\n');
        setInterval(() => {}, 1000);
      `;
      startInTmux(program);
      const [programPid, scriptPid] = await waitFor(() => {
        const found = /pids (\d+) (\d+)/.exec(screen());
        return found ? [Number(found[1]), Number(found[2])] : undefined;
      }, screen);
      const latchPid = parentOf(scriptPid);
      expect(readFileSync(`/proc/${latchPid}/cmdline`, 'utf8')).toContain('latch');
      process.kill(latchPid, 'SIGKILL');
      await waitFor(() => (isGone(programPid) && isGone(scriptPid)) || undefined, screen, 5000);
    },
  );

  it('gives the child a pty: isatty, size, resize, raw keys, colours, masking, Ctrl-C exits 130', async () => {
    const program = `
      const out = process.stdout;
      const v = process.env.API_KEY;
      out.write('tty=' + out.isTTY + ' size=' + out.columns + 'x' + out.rows + '\\n');
      out.write('\\x1b[31mred ' + v.slice(0, 9) + '\\x1b[1m' + v.slice(9) + '\\x1b[0m plain ' + v + '\\n');
      out.on('resize', () => out.write('resized=' + out.columns + 'x' + out.rows + '\\n'));
      process.stdin.setRawMode(true);
      out.write('press a key\\n');
      process.stdin.once('data', (key) => {
        out.write('key=' + JSON.stringify(key.toString()) + '\\n');
        process.stdin.setRawMode(false);
        process.stdin.pause();
        out.write('sleeping\\n');
        setTimeout(() => {}, 60000);
      });
    `;
    const codeFile = startInTmux(program);
    await waitFor(onScreen('press a key'), screen);
    const first = screen();
    expect(first).toContain('tty=true size=120x40');
    expect(first).toContain('red <latch:API_KEY> plain <latch:API_KEY>');
    expect(first).not.toContain(apiKey.slice(0, 9));
    // The colour survives masking: red before the marker.
    expect(screenWithColours()).toMatch(/\x1b\[31mred <latch:API_KEY>/);

    tmux(['resize-window', '-x', '100', '-y', '30']);
    await waitFor(onScreen('resized=100x30'), screen);

    // Raw mode: a single key arrives without Enter.
    tmux(['send-keys', 'q']);
    await waitFor(onScreen('key="q"'), screen);
    await waitFor(onScreen('sleeping'), screen);

    tmux(['send-keys', 'C-c']);
    const code = await waitFor(
      () => (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined),
      screen,
    );
    expect(code).toBe('130');
  });

  it.each([
    [
      'exits 3 from its handler',
      "process.on('SIGTERM', () => { process.stdout.write('child got SIGTERM\\n'); process.exit(3); });",
      '3',
    ],
    ['dies of it', '', '143'],
  ])('forwards a SIGTERM sent to latch itself to the child on the pty, which %s', async (_, handler, expected) => {
    const program = `
      ${handler}
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const codeFile = startInTmux(program);
    await waitFor(onScreen('ready'), screen);
    const panePid = tmux(['list-panes', '-F', '#{pane_pid}']).trim();
    const latchPid = spawnSync('ps', ['-o', 'pid=', '--ppid', panePid], { encoding: 'utf8' }).stdout.trim();
    expect(latchPid).toMatch(/^\d+$/);
    process.kill(Number(latchPid), 'SIGTERM');
    const code = await waitFor(
      () => (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined),
      screen,
    );
    expect(code).toBe(expected);
    if (handler) expect(screen()).toContain('child got SIGTERM');
  });

  it.each([
    ['on pipes (no `script`)', false],
    ['with --no-mask', true],
  ])('a Ctrl-C typed on the terminal reaches the child %s once, not again from latch', async (_, noMask) => {
    const program = `
      let count = 0;
      process.on('SIGINT', () => {
        if (count++ === 0) setTimeout(() => { console.log('sigints=' + count); process.exit(3); }, 500);
      });
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    const codeFile = noMask
      ? startInTmux(program, {}, ['--no-mask'])
      : startInTmux(program, { PATH: join(sandbox.root, 'empty-bin') });
    await waitFor(onScreen('ready'), screen);
    tmux(['send-keys', 'C-c']);
    const code = await waitFor(
      () => (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined),
      screen,
    );
    expect(screen()).toContain('sigints=1');
    expect(code).toBe('3');
  });

  it('without a `script` command, says so in one line and runs the child on pipes, masked', async () => {
    const codeFile = startInTmux(
      `console.log('tty=' + process.stdout.isTTY + ' ' + process.env.API_KEY)`,
      // latch and the child are started by absolute path; `script` is looked up on PATH.
      { PATH: join(sandbox.root, 'empty-bin') },
    );
    const code = await waitFor(
      () => (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined),
      screen,
    );
    expect(code).toBe('0');
    const text = screen();
    expect(text).toContain('latch: no `script` command found, so the program runs on pipes, not a terminal');
    expect(text).toContain('tty=undefined <latch:API_KEY>');
  });
});

describe('the hidden prompt on a terminal', () => {
  const pem =
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----'; // latch:allow (made up)
  const exitCode = (codeFile: string) =>
    waitFor(() => (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined), screen);

  it.each([
    ['reads a bracketed multi-line paste whole', ['-p'], '0'],
    ['refuses a multi-line paste the terminal does not bracket, storing nothing', [], '2'],
  ])('%s', async (_, pasteOptions, expected) => {
    const codeFile = startLatchInTmux(['set', 'PEM']);
    await waitFor(onScreen('value for PEM (hidden):'), screen);
    tmux(['load-buffer', '-b', 'value', writeSandboxFile(sandbox, 'pem', `${pem}\n`)]);
    tmux(['paste-buffer', ...pasteOptions, '-b', 'value', '-t', '0']);
    if (expected === '0') tmux(['send-keys', 'Enter']);
    expect(await exitCode(codeFile)).toBe(expected);
    const text = screen();
    expect(text).not.toContain('MIIEvQ');
    const stored = latch(sandbox, ['get', 'PEM', '--reveal']);
    if (expected === '0') {
      expect(text).toContain('created PEM in myapp/dev');
      expect(stored.stdout).toBe(pem);
    } else {
      expect(text).toContain('the paste has more than one line');
      expect(stored.code).toBe(4);
    }
  });
});
