#!/usr/bin/env node
/**
 * `npm run bench:team`: `latch push` of 50 secrets to 10 recipients, `latch pull` of the same
 * by another member, and a `push` with nothing changed, each in an unlocked session (a real
 * Secret Service on a private D-Bus, as bench/run.mjs does; without one, the cheap test KDF
 * and a passphrase, said in the output). Beside them: `sops -e` of the same 50 values when
 * sops is installed, else the `age` CLI encrypting 50 files to the same 10 recipients.
 *
 * Environment: BENCH_RUNS (timed rounds, default 7), BENCH_KEEP=1 (keep the directory).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSecretService } from './keyring.mjs';
import { formatMs, median, percentile, renderTable } from './report.mjs';

const repository = fileURLToPath(new URL('..', import.meta.url));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const node = process.execPath;
const latchBin = join(repository, 'dist', 'cli', 'latch.cjs');
const root = mkdtempSync(join(tmpdir(), 'latch-bench-team-'));
const project = join(root, 'project');
const secretCount = 50;
const memberCount = 10;

function run(file, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, {
    cwd: options.cwd ?? project,
    env: options.env,
    input: options.input ?? '',
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const fingerprintOf = (recipient) =>
  createHash('sha256').update(recipient).digest('hex').slice(0, 20).match(/.{4}/g).join(':');

function dotenvOf(round) {
  return Array.from(
    { length: secretCount },
    (_, index) => `SECRET_${index}=r${round}-${randomBytes(24).toString('base64url')}`,
  ).join('\n');
}

function ageFilesIn(directory) {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.age'))
    .map((name) => join(directory, name));
}

const keyring = await startSecretService();
const base = {
  PATH: process.env.PATH,
  HOME: root,
  LATCH_KDF_PARAMS: 'm=8192,t=1,p=1',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
function memberEnv(name) {
  const home = join(root, `home-${name}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return { ...base, LATCH_HOME: home, LATCH_PASSPHRASE: 'bench passphrase', LATCH_KEYCHAIN: 'off' };
}
const alice = memberEnv('alice');
const bob = memberEnv('bob');
const latch = (env, args, input) => run(node, [latchBin, ...args], { env, input });

try {
  mkdirSync(project);
  run('git', ['init', '-q', '-b', 'main'], { env: base });
  latch(alice, ['init', '--envs', 'dev,staging']);
  const dotenvFile = join(root, 'values.env');
  writeFileSync(dotenvFile, dotenvOf(0));
  latch(alice, ['import', dotenvFile]);
  latch(alice, ['team', 'init', 'alice', '--envs', 'dev']);
  latch(bob, ['init']);
  const bobKey = JSON.parse(latch(bob, ['team', 'key', '--json']).stdout);
  latch(alice, ['team', 'add', 'bob', bobKey.recipient, '--fingerprint', bobKey.fingerprint]);
  const recipients = [JSON.parse(latch(alice, ['team', 'key', '--json']).stdout).recipient, bobKey.recipient];
  for (let index = 2; index < memberCount; index++) {
    const keyFile = join(root, `member-${index}.key`);
    run('age-keygen', ['-o', keyFile], { env: base });
    const recipient = run('age-keygen', ['-y', keyFile], { env: base }).stdout.trim();
    recipients.push(recipient);
    latch(alice, ['team', 'add', `member${index}`, recipient, '--fingerprint', fingerprintOf(recipient)]);
  }
  latch(bob, ['team', 'ack', '--fingerprint', fingerprintOf(recipients[0])]);
  let session = 'passphrase, cheap test KDF (no Secret Service here)';
  if (keyring.service) {
    for (const env of [alice, bob]) {
      Object.assign(env, keyring.service.env, { LATCH_KEYCHAIN: 'auto' });
      latch(env, ['unlock', '--for', '2h']);
      delete env.LATCH_PASSPHRASE;
    }
    session = 'unlocked session (Secret Service on a private D-Bus)';
  }
  const times = { push: [], pull: [], noop: [], peer: [] };
  const recipientsFile = join(root, 'recipients.txt');
  writeFileSync(recipientsFile, `${recipients.join('\n')}\n`);
  const peerDirectory = join(root, 'peer');
  mkdirSync(peerDirectory);
  const hasSops = spawnSync('sh', ['-c', 'command -v sops'], { encoding: 'utf8' }).status === 0;
  const devDirectory = join(project, '.latch', 'envs', 'dev');
  for (let round = -1; round < runs; round++) {
    writeFileSync(dotenvFile, dotenvOf(round + 1));
    latch(alice, ['import', dotenvFile]);
    const push = latch(alice, ['push']);
    if (!push.stdout.includes(`wrote SECRET_0`)) throw new Error(`push wrote nothing: ${push.stdout}`);
    const pull = latch(bob, ['pull']);
    if ((pull.stdout.match(/^changed|^added/gm) ?? []).length !== secretCount)
      throw new Error(`pull: ${pull.stdout}`);
    const before = ageFilesIn(devDirectory)
      .map((file) => statSync(file).mtimeMs)
      .join();
    const noop = latch(alice, ['push']);
    const after = ageFilesIn(devDirectory)
      .map((file) => statSync(file).mtimeMs)
      .join();
    if (!noop.stdout.includes('nothing to push') || before !== after)
      throw new Error('the second push wrote files');
    const values = dotenvOf(round + 1).split('\n');
    let peer = 0;
    if (hasSops) {
      const plain = join(peerDirectory, 'values.env');
      writeFileSync(plain, `${values.join('\n')}\n`);
      peer = run('sops', ['-e', '--age', recipients.join(','), plain], { env: base }).ms;
    } else {
      for (const [index, line] of values.entries()) {
        peer += run('age', ['-a', '-R', recipientsFile, '-o', join(peerDirectory, `${index}.age`)], {
          env: base,
          input: line,
        }).ms;
      }
    }
    if (round < 0) continue; // warm-up
    times.push.push(push.ms);
    times.pull.push(pull.ms);
    times.noop.push(noop.ms);
    times.peer.push(peer);
  }
  const rows = [
    [`latch push: ${secretCount} secrets changed, ${memberCount} recipients`, times.push, '<= 1000'],
    [`latch pull: the same ${secretCount}, by another member`, times.pull, '<= 1000'],
    ['latch push again: nothing changed, no file written', times.noop, '<= 300'],
    [
      hasSops
        ? `sops -e of the same ${secretCount} values to ${memberCount} age recipients`
        : `age -R (CLI) encrypting ${secretCount} files to ${memberCount} recipients, one process each`,
      times.peer,
      '',
    ],
  ].map(([label, samples, target]) => [
    label,
    formatMs(median(samples)),
    formatMs(percentile(samples, 90)),
    target,
  ]);
  console.log(
    `Team sharing, ${runs} rounds (+1 warm-up); ${session}; sops ${hasSops ? 'installed' : 'not installed'}`,
  );
  console.log(renderTable(['command', 'median ms', 'p90 ms', 'target ms'], rows));
} finally {
  // End the sessions (and their agents) before the Secret Service goes.
  if (keyring.service) {
    for (const env of [alice, bob])
      spawnSync(node, [latchBin, 'lock'], { cwd: project, env, stdio: 'ignore' });
  }
  keyring.service?.stop();
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
