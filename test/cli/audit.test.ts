import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectAgent, detectAgentInProcesses } from '../../src/audit/agent.js';
import { verifyLog } from '../../src/audit/chain.js';
import { parseLine } from '../../src/audit/record.js';
import { runMain } from '../../src/cli/main.js';
import { parseMoment } from '../../src/shared/duration.js';
import { clock, fakeIo, scriptedTerminal, tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
const base = () => ({
  LATCH_HOME: dirs.home,
  LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
  LATCH_PASSPHRASE: 'right passphrase',
  USER: 'dev',
});
const latch = async (argv: string[], options: { env?: Record<string, string>; stdin?: string } = {}) => {
  const io = fakeIo({
    cwd: project,
    env: { ...base(), ...options.env },
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  const code = await runMain(argv, io);
  return { code, out: io.out(), err: io.err() };
};
const ok = async (argv: string[], options: Parameters<typeof latch>[1] = {}) => {
  const result = await latch(argv, options);
  expect(result.code, `${argv.join(' ')}: ${result.err}`).toBe(0);
  return result;
};
const hour = 3_600_000;

beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'app');
  mkdirSync(project);
  await ok(['init', '--envs', 'dev,staging']);
  await ok(['set', 'API_KEY'], { stdin: 'api-value-1' });
  await ok(['set', 'API_KEY', '--env', 'staging'], { stdin: 'staging-value-1' });
  await ok(['set', 'OTHER'], { stdin: 'other-value-1' });
  await ok(['set', 'OTHER', '--env', 'staging'], { stdin: 'other-value-2' });
  clock.now += hour;
  await ok(['run', '--', 'true']);
  await ok(['run', '--', 'true'], { env: { LATCH_AGENT: 'claude-code' } });
  clock.now += hour;
  await ok(['get', 'API_KEY', '--reveal']);
  await ok(['run', '--env', 'staging', '--', 'true'], { env: { LATCH_AGENT: 'codex' } });
});
afterEach(() => dirs.cleanup());

const timeline = async (argv: string[]) =>
  JSON.parse((await ok(['audit', ...argv, '--json'])).out) as {
    seq: number;
    event: string;
    agent: string | null;
  }[];

describe('latch audit (timeline and filters)', () => {
  it('lists every record as a readable line', async () => {
    const { out } = await ok(['audit']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[5]).toMatch(
      /#6 {2}run {9}app\/dev {2}API_KEY,OTHER {2}-> true {2}by agent claude-code \(env\)/,
    );
  });

  it.each([
    [
      ['--secret', 'OTHER'],
      [3, 4, 5, 6, 8],
    ],
    [
      ['--env', 'staging'],
      [2, 4, 8],
    ],
    [['--agent'], [6, 8]],
    [
      ['-n', '2'],
      [7, 8],
    ],
    [
      ['--since', '30m'],
      [7, 8],
    ],
    [
      ['--until', '30m'],
      [1, 2, 3, 4, 5, 6],
    ],
    [['--project', 'elsewhere'], []],
    [['--secret', 'API_KEY', '--env', 'dev', '--agent'], [6]],
  ])('audit %j gives records %j', async (argv, seqs) => {
    expect((await timeline(argv)).map((record) => record.seq)).toEqual(seqs);
  });

  it('warns, without unlocking, when records are missing or out of order', async () => {
    expect((await ok(['audit'])).err).toBe('');
    const path = join(dirs.home, 'audit.log');
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
    const result = await ok(['audit'], { env: { LATCH_PASSPHRASE: '' } });
    expect(result.err).toMatch(
      /^latch: warning: the audit log does not verify \(line 4: sequence number 5 skips 4/,
    );
    expect(result.out.split('\n')).toHaveLength(8);
  });

  it('refuses a bad time, count or subcommand with a usage error', async () => {
    expect((await latch(['audit', 'verfy'])).err).toMatch(/^latch: unknown audit command "verfy"/);
    expect((await latch(['audit', 'verfy'])).code).toBe(2);
    expect((await latch(['audit', '--since', 'yesterday'])).code).toBe(2);
    expect((await latch(['audit', '-n', '2.5'])).err).toMatch(
      /^latch: -n takes a number of records, 0 or more/,
    );
  });

  it('parseMoment takes durations back from now, dates and date-times', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(parseMoment('2h', now)).toBe(Date.parse('2026-06-01T10:00:00Z'));
    expect(parseMoment('2026-05-30', now)).toBe(Date.parse('2026-05-30T00:00:00Z'));
    expect(parseMoment('2026-05-30T10:00:00+02:00', now)).toBe(Date.parse('2026-05-30T08:00:00Z'));
  });
});

describe('latch audit export', () => {
  it('writes the records as stored and a closing checksum over them', async () => {
    const { out } = await ok(['audit', 'export', '--since', '30m']);
    const lines = out.trimEnd().split('\n');
    const checksum = JSON.parse(lines.pop()!);
    const stored = readFileSync(join(dirs.home, 'audit.log'), 'utf8').split('\n');
    expect(lines).toEqual(stored.slice(6, 8));
    expect(checksum).toMatchObject({ type: 'checksum', records: 2, first: 7, last: 8 });
    expect(checksum.sha256).toBe(
      createHash('sha256')
        .update(lines.map((line) => `${line}\n`).join(''))
        .digest('hex'),
    );
    expect(lines.map((line) => parseLine(line)?.event)).toEqual(['reveal', 'run']);
  });

  it('needs --since', async () => {
    expect((await latch(['audit', 'export'])).code).toBe(2);
  });
});

describe('latch leaked', () => {
  it('counts deliveries by reference: run --env-file and inject, from another environment', async () => {
    writeFileSync(join(project, 'refs.env'), 'STAGING_KEY=latch://staging/API_KEY\n');
    writeFileSync(join(project, 'app.tpl'), 'key={{ latch://app/staging/API_KEY }}\n');
    await ok(['run', '--env-file', 'refs.env', '--', 'true']);
    expect((await ok(['inject', '-i', 'app.tpl'])).out).toBe('key=staging-value-1\n');
    const injected = (await timeline(['--secret', 'API_KEY'])).filter((record) => record.event === 'inject');
    expect(injected).toHaveLength(1);
    expect(injected[0]).toMatchObject({ references: ['latch://app/staging/API_KEY'], output: 'stdout' });
    const result = JSON.parse((await ok(['leaked', 'API_KEY', '--env', 'staging', '--json'])).out);
    // The codex run in staging, the run by reference from dev, and the inject.
    expect(result.deliveries).toBe(3);
    // The dev secret of the same name: the run in dev injected it too (4 with the earlier
    // three), but the inject of the staging reference did not deliver it.
    expect(JSON.parse((await ok(['leaked', 'API_KEY', '--json'])).out).deliveries).toBe(4);
  });

  it('lists deliveries since the value was set, grouped by command and agent, and marks the secret', async () => {
    const result = JSON.parse((await ok(['leaked', 'API_KEY', '--json'])).out);
    expect(result).toMatchObject({ secret: 'API_KEY', environment: 'dev', deliveries: 3, logVerified: true });
    expect(
      result.groups.map((group: { command: string; agent: string; count: number }) => [
        group.command,
        group.agent,
        group.count,
      ]),
    ).toEqual([
      ['run true', 'user dev', 1],
      ['run true', 'claude-code', 1],
      ['reveal', 'user dev', 1],
    ]);
    const listed = JSON.parse((await ok(['ls', '--json'])).out);
    expect(listed.find((row: { name: string }) => row.name === 'API_KEY').rotationNeeded).toBe(
      result.rotationNeeded,
    );
    expect((await ok(['ls'])).out).toMatch(/API_KEY +LEAKED: rotate/);
    const check = await ok(['check', '--json']);
    expect(JSON.parse(check.out).rotationNeeded).toEqual(['API_KEY']);
    expect((await ok(['check'])).err).toMatch(/API_KEY in app\/dev was marked leaked/);
    // The staging value is another secret: untouched.
    expect(JSON.parse((await ok(['ls', '--json', '--env', 'staging'])).out)[0].rotationNeeded).toBeNull();
    // A new value is the rotation.
    await ok(['set', 'API_KEY'], { stdin: 'api-value-2' });
    expect(JSON.parse((await ok(['ls', '--json'])).out)[0].rotationNeeded).toBeNull();
  });

  it('the window starts when the current value was set, or at --since', async () => {
    clock.now += hour;
    await ok(['set', 'API_KEY'], { stdin: 'api-value-2' });
    await ok(['run', '--', 'true']);
    expect(JSON.parse((await ok(['leaked', 'API_KEY', '--json'])).out).deliveries).toBe(1);
    expect(JSON.parse((await ok(['leaked', 'API_KEY', '--json', '--since', '1d'])).out).deliveries).toBe(4);
  });

  it('prints the next steps and records itself', async () => {
    const { out } = await ok(['leaked', 'API_KEY']);
    expect(out).toMatch(/^API_KEY in app\/dev: 3 deliveries since /);
    expect(out).toMatch(/rotate API_KEY at its provider/);
    expect(out).toMatch(/latch set API_KEY --env dev/);
    expect(out).toMatch(/search the provider's access logs/);
    const last = (await timeline(['-n', '1']))[0]!;
    expect(last).toMatchObject({ event: 'leaked', secret: 'API_KEY', deliveries: 3 });
  });

  it('refuses a bad --since before asking for the passphrase (exit 2)', async () => {
    const result = await latch(['leaked', 'API_KEY', '--since', 'last week'], {
      env: { LATCH_PASSPHRASE: '' },
    });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^latch: "last week" is not a time/);
  });

  it('says what is missing for an unknown secret (exit 4)', async () => {
    const result = await latch(['leaked', 'NOPE']);
    expect(result.code).toBe(4);
    expect(result.err).toMatch(/^latch: no secret NOPE in app\/dev/);
  });
});

describe('who is asking', () => {
  it.each([
    [{ CLAUDECODE: '1' }, 'claude-code'],
    [{ CODEX_SANDBOX: 'seatbelt' }, 'codex'],
    [{ AGENT: 'copilot' }, 'copilot'],
    [{ AI_AGENT: 'brand-new' }, 'unknown-agent'],
    [{ AGENT: '0' }, null],
    [{}, null],
  ])('env %j is %s', (env, agent) => expect(detectAgent(env)).toBe(agent));

  it.each([
    [
      [
        { pid: 3, name: 'bash', argv: ['bash'] },
        { pid: 2, name: 'claude', argv: ['claude'] },
      ],
      'claude-code',
    ],
    [[{ pid: 2, name: 'node', argv: ['node', '/usr/lib/node_modules/@openai/codex/bin/codex.js'] }], 'codex'],
    [[{ pid: 2, name: 'python3', argv: ['/usr/bin/python3', '/home/me/.local/bin/aider'] }], 'aider'],
    [[{ pid: 2, name: 'Cursor Helper (', argv: ['/Applications/Cursor.app/x'] }], 'cursor'],
    [[{ pid: 2, name: 'copilot', argv: ['copilot'] }], 'copilot'],
    [
      [
        { pid: 2, name: 'zsh', argv: ['-zsh'] },
        { pid: 1, name: 'sshd', argv: ['sshd'] },
      ],
      null,
    ],
  ])('processes %j are %s', (chain, agent) => expect(detectAgentInProcesses(chain)).toBe(agent));
});

it('records written with the vault open verify with its key; failed unlocks are state-keyed', async () => {
  expect((await latch(['ls'], { env: { LATCH_PASSPHRASE: 'wrong one' } })).code).toBe(3);
  const log = readFileSync(join(dirs.home, 'audit.log'));
  const records = log
    .toString()
    .trimEnd()
    .split('\n')
    .map((line) => parseLine(line)!);
  expect(records.at(-1)).toMatchObject({ event: 'unlock', keyed: 'state', fields: { outcome: 'failure' } });
  const state = JSON.parse(readFileSync(join(dirs.home, 'audit.key'), 'utf8'));
  const stateOnly = verifyLog(log, { vault: null, state: new Uint8Array(Buffer.from(state.key, 'base64')) });
  expect(stateOnly).toMatchObject({ ok: true, records: 9, unchecked: 8 });
  expect((await ok(['audit', 'verify'])).out).toMatch(/^ok: 9 records verified/);
});

it('the library loadSecrets() is a delivery too: recorded as load, counted by leaked', async () => {
  const { loadSecrets } = await import('../../src/index.js');
  const secrets = await loadSecrets({ cwd: project, env: base() });
  expect(secrets.API_KEY).toBe('api-value-1');
  const last = (await timeline(['-n', '1']))[0]!;
  expect(last).toMatchObject({ event: 'load', secrets: ['API_KEY', 'OTHER'], environment: 'dev' });
  expect(JSON.parse((await ok(['leaked', 'API_KEY', '--json'])).out).deliveries).toBe(4);
  expect(readFileSync(join(dirs.home, 'audit.log'), 'utf8')).not.toContain('api-value-1');
});

it('env rm and project rm record what they deleted', async () => {
  await ok(['env', 'rm', 'staging', '--force']);
  await ok(['project', 'rm', 'app', '--force']);
  const records = await timeline(['-n', '2']);
  expect(records).toMatchObject([
    { event: 'rm', project: 'app', environment: 'staging', scope: 'environment', count: 2 },
    { event: 'rm', project: 'app', scope: 'project', count: 2 },
  ]);
});

it("values typed at run's prompt are stored with a set record each, before the run record", async () => {
  const manifest = join(project, 'latch.yaml');
  writeFileSync(manifest, `${readFileSync(manifest, 'utf8')}  - name: TYPED_KEY\n    required: true\n`);
  const io = fakeIo({
    cwd: project,
    env: base(),
    terminal: scriptedTerminal(['y', 'typed-value-1']),
  });
  expect(await runMain(['run', '--', 'true'], io), io.err()).toBe(0);
  const records = await timeline(['-n', '2']);
  expect(records).toMatchObject([
    { event: 'set', secret: 'TYPED_KEY', outcome: 'created', environment: 'dev' },
    { event: 'run', secrets: ['API_KEY', 'OTHER', 'TYPED_KEY'] },
  ]);
  expect((await ok(['audit', 'verify'])).out).toMatch(/^ok: 10 records verified/);
});

it('changes to projects are recorded too: env add, a repository trusted, a project registered', async () => {
  await ok(['env', 'add', 'qa']);
  const elsewhere = join(dirs.root, 'fork');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'latch.yaml'), readFileSync(join(project, 'latch.yaml')));
  const confirm = fakeIo({ cwd: elsewhere, env: base(), terminal: scriptedTerminal(['app']) });
  expect(await runMain(['ls'], confirm), confirm.err()).toBe(0);
  const other = join(dirs.root, 'other');
  mkdirSync(other);
  const init = fakeIo({ cwd: other, env: base() });
  expect(await runMain(['init'], init), init.err()).toBe(0);
  expect(await timeline(['-n', '3'])).toMatchObject([
    { event: 'project', project: 'app', environment: 'qa', action: 'env-add', protected: false },
    { event: 'project', project: 'app', action: 'trust', directory: elsewhere },
    { event: 'project', project: 'other', action: 'register', directory: other },
  ]);
  expect((await ok(['audit', 'verify'])).out).toMatch(/^ok: 11 records verified/);
});
