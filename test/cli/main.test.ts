import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, scriptedTerminal, tempDirs } from './fake-io.js';

const stripeKey = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // latch:allow (a made-up key)
let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(() => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE: 'pass phrase 1', LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
});
afterEach(() => dirs.cleanup());

describe('runMain', () => {
  it('prints the command help', async () => {
    const io = fakeIo();
    expect(await runMain(['get', '--help'], io)).toBe(0);
    expect(io.out()).toMatchInlineSnapshot(`
      "usage: latch get NAME [--env E] [--reveal] [--json]

      Show a secret's metadata; the value only with --reveal.

      options:
        -e, --env E         environment (default: LATCH_ENV, then the manifest default)
        -p, --project NAME  project (default: the one in latch.yaml)
            --reveal        print the value (asks for confirmation in some cases)
            --json          print JSON (stable, see docs/commands.md)
        -h, --help          show help for the command
            --debug         print stack traces for unexpected errors
      "
    `);
  });

  it('`latch help set` prints the help of set, and --debug is accepted before the command', async () => {
    const help = fakeIo();
    expect(await runMain(['help', 'set'], help)).toBe(0);
    expect(help.out()).toMatch(/^usage: latch set NAME/);
    const debug = fakeIo({ cwd: project, env });
    expect(await runMain(['--debug', 'ls'], debug)).toBe(4);
    expect(debug.err()).toMatch(/^latch: no latch\.yaml here/);
  });

  it.each([
    [['nope'], 2, /unknown command "nope"/],
    [['ls', '--nope'], 2, /unknown option --nope/],
    [['set', 'A=b'], 2, /refusing a value on the command line/],
    [['set', '1BAD'], 2, /not a valid secret name/],
    [['get', 'X'], 4, /no latch\.yaml/],
    [['completion', 'tcsh'], 2, /no completion for tcsh; the supported shells are bash, zsh and fish/],
    [['help', 'nope'], 2, /unknown command "nope"/],
  ])('latch %j exits %i with one line', async (argv, code, message) => {
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(argv, io)).toBe(code);
    expect(io.err()).toMatch(message);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });

  it('creates the vault asking twice on a terminal, then stores a typed value', async () => {
    const asked: string[] = [];
    const noPassEnv = { LATCH_HOME: dirs.home, LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
    const init = fakeIo({
      cwd: project,
      env: noPassEnv,
      terminal: scriptedTerminal(['a long passphrase', 'a long passphrase'], asked),
    });
    expect(await runMain(['init'], init)).toBe(0);
    expect(asked).toEqual(['choose a vault passphrase: ', 'repeat the vault passphrase: ']);
    expect(readFileSync(join(project, 'latch.yaml'), 'utf8')).toMatch(/project: shop/);

    // The value prompt comes first, as documented; a token typed at the passphrase prompt is
    // not tried (no lockout count) and the prompt is asked again with a hint.
    const setAsked: string[] = [];
    const set = fakeIo({
      cwd: project,
      env: noPassEnv,
      terminal: scriptedTerminal(['typed-secret-value', stripeKey, 'a long passphrase'], setAsked),
    });
    expect(await runMain(['set', 'TYPED'], set), set.err()).toBe(0);
    expect(setAsked).toEqual(['value for TYPED (hidden): ', 'vault passphrase: ', 'vault passphrase: ']);
    expect(set.err()).toMatch(
      /looks like a token \(Stripe live secret key\), not the vault passphrase; it was not counted/,
    );
    expect(set.err()).not.toContain(stripeKey);
    const status = fakeIo({ cwd: project, env: noPassEnv });
    expect(await runMain(['status', '--json'], status)).toBe(0);
    expect(JSON.parse(status.out()).failedAttempts).toBe(0);
    const reveal = fakeIo({
      cwd: project,
      env: { ...noPassEnv, LATCH_PASSPHRASE: 'a long passphrase' },
      stdin: '',
    });
    expect(await runMain(['get', 'TYPED', '--reveal'], reveal), reveal.err()).toBe(0);
    expect(reveal.out()).toBe('typed-secret-value');
  });

  it('asks again when the chosen passphrases differ, and gives up after three rounds', async () => {
    const asked: string[] = [];
    const again = fakeIo({
      cwd: project,
      env: { LATCH_HOME: dirs.home, LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' },
      terminal: scriptedTerminal(
        ['first passphrase', 'second passphrase', 'short', 'third passphrase', 'third passphrase'],
        asked,
      ),
    });
    expect(await runMain(['init'], again), again.err()).toBe(0);
    expect(asked).toHaveLength(5);
    expect(again.err()).toMatch(
      /the passphrases do not match; choose again\n.*at least 8 characters; choose again/,
    );
    dirs.cleanup();
    dirs = tempDirs();
    mkdirSync(project, { recursive: true });
    const io = fakeIo({
      cwd: project,
      env: { LATCH_HOME: dirs.home },
      terminal: scriptedTerminal([
        'passphrase 1',
        'passphrase 2',
        'passphrase 3',
        'passphrase 4',
        'passphrase 5',
        'passphrase 6',
      ]),
    });
    expect(await runMain(['init'], io)).toBe(2);
    expect(io.err()).toMatch(/latch: the passphrases do not match; nothing was changed/);
  });

  it('an agent may reveal only after a person confirms on the terminal', async () => {
    expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
    expect(await runMain(['set', 'TOKEN'], fakeIo({ cwd: project, env, stdin: 'agent-guarded-value' }))).toBe(
      0,
    );
    const agentEnv = { ...env, CLAUDECODE: '1' };
    const refused = fakeIo({ cwd: project, env: agentEnv, terminal: scriptedTerminal(['no']) });
    expect(await runMain(['get', 'TOKEN', '--reveal'], refused)).toBe(3);
    expect(refused.out()).toBe('');
    const confirmed = fakeIo({ cwd: project, env: agentEnv, terminal: scriptedTerminal(['TOKEN']) });
    expect(await runMain(['get', 'TOKEN', '--reveal'], confirmed)).toBe(0);
    expect(confirmed.out()).toBe('agent-guarded-value');
  });

  it('run offers to prompt for missing required secrets on a terminal and stores them', async () => {
    expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
    expect(await runMain(['set', 'FIRST'], fakeIo({ cwd: project, env, stdin: 'first-value-1' }))).toBe(0);
    const manifest = join(project, 'latch.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace('- name: FIRST', '- name: FIRST\n  - name: SECOND'),
    );
    const io = fakeIo({ cwd: project, env, terminal: scriptedTerminal(['y', 'typed-second-value']) });
    expect(await runMain(['run', '--dry-run', '--', 'true'], fakeIo({ cwd: project, env }))).toBe(7);
    expect(await runMain(['run', '--', 'sh', '-c', 'test "$SECOND" = typed-second-value'], io)).toBe(0);
  });

  it('a second checkout of a project is trusted once a person types the project name', async () => {
    expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
    expect(await runMain(['set', 'SHARED'], fakeIo({ cwd: project, env, stdin: 'shared-value-1' }))).toBe(0);
    const second = join(dirs.root, 'shop-worktree');
    mkdirSync(second);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(project, 'latch.yaml'), join(second, 'latch.yaml'));
    const asked: string[] = [];
    const confirm = fakeIo({ cwd: second, env, terminal: scriptedTerminal(['shop'], asked) });
    expect(await runMain(['get', 'SHARED', '--reveal'], confirm)).toBe(0);
    expect(confirm.out()).toBe('shared-value-1');
    expect(asked[0]).toMatch(/names project shop, which you use in/);
    // Trusted from now on: no prompt (a terminal with no answers would throw).
    const again = fakeIo({ cwd: second, env, terminal: scriptedTerminal([]) });
    expect(await runMain(['get', 'SHARED', '--reveal'], again)).toBe(0);
  });
});
