/**
 * The audit log end to end, through the built binary: every kind of tampering makes
 * `audit verify` exit 6; eight concurrent writers keep one chain; SIGKILL during appends
 * leaves a log that verifies up to its last whole record; no value reaches the log; an
 * agent is recognised from its parent process; `audit --follow` streams new records.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  binary,
  initProject,
  latch,
  makeSandbox,
  type Sandbox,
  startLatch,
  writeSandboxFile,
} from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

const appender = fileURLToPath(new URL('./audit-appender.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logPath = () => join(sandbox.home, 'audit.log');
const logLines = () => readFileSync(logPath(), 'utf8').split('\n').filter(Boolean);
const writeLines = (lines: string[]) => writeFileSync(logPath(), lines.map((line) => `${line}\n`).join(''));
const ok = (args: string[], options: Parameters<typeof latch>[2] = {}) => {
  const result = latch(sandbox, args, options);
  expect(result.code, `latch ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
};

const values = {
  API_KEY: 'sk-live-audit-e2e-7d1f0c9a2b', // latch:allow
  DATABASE_URL: 'postgres://app:hunter2-audit@db.internal/app', // latch:allow
  IMPORTED: 'imported-value-5e2b1c',
};

/** A log with vault- and state-keyed records and a vault write in the middle. */
function populate(): void {
  initProject(sandbox);
  ok(['set', 'API_KEY'], { input: values.API_KEY });
  ok(['run', '--', 'true']);
  expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'wrong passphrase' } }).code).toBe(3);
  ok(['set', 'DATABASE_URL'], { input: values.DATABASE_URL });
  ok(['run', '--', 'sh', '-c', 'exit 0']);
  ok(['get', 'API_KEY', '--reveal']);
}

describe('audit verify', () => {
  it('passes on an untouched log, with every event recorded and no value anywhere in the audit files', () => {
    populate();
    const envFile = writeSandboxFile(sandbox, 'import.env', `IMPORTED=${values.IMPORTED}\n`);
    ok(['import', envFile]);
    ok(['rm', 'IMPORTED']);
    ok(['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'another passphrase 2' } });
    ok(['ls'], { env: { LATCH_PASSPHRASE: 'another passphrase 2' } });
    const verify = latch(sandbox, ['audit', 'verify'], { env: { LATCH_PASSPHRASE: 'another passphrase 2' } });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok: 9 records verified/);
    const events = logLines().map((line) => JSON.parse(line).event);
    expect(events).toEqual(['set', 'run', 'unlock', 'set', 'run', 'reveal', 'import', 'rm', 'passwd']);
    const audit = ['audit.log', 'audit.key', 'audit.head']
      .map((name) => readFileSync(join(sandbox.home, name), 'utf8'))
      .join('');
    for (const value of Object.values(values)) {
      expect(audit).not.toContain(value);
      expect(audit).not.toContain(Buffer.from(value).toString('base64'));
      expect(audit).not.toContain(Buffer.from(value).toString('hex'));
    }
    const run = JSON.parse(logLines()[4]!);
    expect(run).toMatchObject({
      event: 'run',
      keyed: 'vault',
      project: 'myapp',
      environment: 'dev',
      secrets: ['API_KEY', 'DATABASE_URL'],
      program: 'sh',
      cwd: sandbox.cwd,
    });
    expect(run.pid).toBeGreaterThan(1);
    expect(run.ppid).toBe(process.pid);
    expect(JSON.parse(logLines()[2]!)).toMatchObject({ event: 'unlock', outcome: 'failure', keyed: 'state' });
  });

  const tamperings: [string, (lines: string[]) => void][] = [
    [
      'edit a field',
      (lines) =>
        writeLines(
          lines.map((line, i) => (i === 1 ? line.replace('"program":"true"', '"program":"ls"') : line)),
        ),
    ],
    [
      'flip a byte',
      (lines) => {
        const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
        bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
        writeFileSync(logPath(), bytes);
      },
    ],
    ['delete a middle record', (lines) => writeLines(lines.filter((_, i) => i !== 2))],
    ['swap two records', (lines) => writeLines([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)])],
    [
      'insert a forged record',
      (lines) => {
        const forged = lines[1]!
          .replace('"seq":2,', '"seq":3,')
          .replace(/"mac":"[0-9a-f]{64}"/, `"mac":"${'ab'.repeat(32)}"`);
        const renumbered = lines
          .slice(2)
          .map((line) => line.replace(/"seq":(\d+),/, (_, seq) => `"seq":${Number(seq) + 1},`));
        writeLines([...lines.slice(0, 2), forged, ...renumbered]);
      },
    ],
    ['cut the tail', (lines) => writeLines(lines.slice(0, -2))],
    [
      'cut the tail in the middle of a line',
      (lines) =>
        writeFileSync(
          logPath(),
          lines
            .map((line) => `${line}\n`)
            .join('')
            .slice(0, -30),
        ),
    ],
    ['delete the file', () => unlinkSync(logPath())],
    [
      'replace audit.key (to forge records written while locked)',
      () => {
        const key = Buffer.alloc(32, 9).toString('base64');
        writeFileSync(join(sandbox.home, 'audit.key'), `${JSON.stringify({ v: 1, key })}\n`);
      },
    ],
    [
      'delete the file and audit.head',
      () => {
        unlinkSync(logPath());
        unlinkSync(join(sandbox.home, 'audit.head'));
      },
    ],
    [
      'delete the file, audit.head and audit.key (the vault remembers)',
      () => {
        unlinkSync(logPath());
        unlinkSync(join(sandbox.home, 'audit.head'));
        unlinkSync(join(sandbox.home, 'audit.key'));
      },
    ],
  ];
  it.each(tamperings)('%s: exit 6 naming the first bad record', (_name, tamper) => {
    populate();
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
    tamper(logLines());
    const result = latch(sandbox, ['audit', 'verify']);
    expect(result.code, result.stdout + result.stderr).toBe(6);
    expect(result.stderr).toMatch(/^latch: the audit log has been tampered with: .+\n$/);
    expect(result.stderr).not.toMatch(/\n.+\n/);
  });

  it('a log cut back before a vault write, with audit.head rewritten to match, is still caught by the vault head', () => {
    populate();
    const lines = logLines();
    // Record 4 is the second `set`: appended before the vault write, which remembers it.
    writeLines(lines.slice(0, 2));
    // audit.head as docs/audit.md specifies it: two 128-byte slots, each with its check.
    const mac = JSON.parse(lines[1]!).mac;
    const check = createHash('sha256').update(`2:${mac}`).digest('hex').slice(0, 16);
    const slot = `${JSON.stringify({ seq: 2, mac, check }).padEnd(127)}\n`;
    writeFileSync(join(sandbox.home, 'audit.head'), slot + slot);
    const result = latch(sandbox, ['audit', 'verify']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/the vault remembers record 4/);
  });

  it('a directory in place of audit.log exits 6 with one line naming it; the vault still works', () => {
    populate();
    renameSync(logPath(), `${logPath()}.kept`);
    mkdirSync(logPath());
    for (const args of [['audit', 'verify'], ['audit']]) {
      const result = latch(sandbox, args);
      expect(result.code, result.stderr).toBe(6);
      expect(result.stderr).toBe(
        `latch: ${logPath()} is a directory, not the audit log; move it aside and keep it\n`,
      );
    }
    expect(latch(sandbox, ['ls']).code).toBe(0);
  });
});

describe('a LATCH_HOME that cannot be written', () => {
  /**
   * Runs latch with LATCH_HOME at 0500. Root ignores modes, so as root latch runs without
   * CAP_DAC_OVERRIDE (setpriv), which makes the directory as read-only for it as for a user.
   */
  const readOnly = (args: string[], env: Record<string, string> = {}) => {
    const prefix =
      process.getuid?.() === 0
        ? ['setpriv', '--bounding-set', '-dac_override', '--inh-caps', '-dac_override']
        : [];
    const [command, ...rest] = [...prefix, process.execPath, binary, ...args] as [string, ...string[]];
    const result = spawnSync(command, rest, {
      cwd: sandbox.cwd,
      env: { ...sandbox.env, ...env },
      input: '',
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it.skipIf(process.platform !== 'linux')(
    'a wrong passphrase still exits 3; a reveal or run that cannot be recorded does not happen unless LATCH_AUDIT=best-effort',
    () => {
      initProject(sandbox);
      ok(['set', 'API_KEY'], { input: values.API_KEY });
      // One failure counted while the home was writable: a right passphrase cannot clear it now.
      expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'wrong passphrase' } }).code).toBe(3);
      chmodSync(sandbox.home, 0o500);
      const wrong = readOnly(['ls'], { LATCH_PASSPHRASE: 'wrong passphrase' });
      expect(wrong.code, wrong.stderr).toBe(3);
      // The failed unlock's record cannot be written either: a note first, then the error.
      expect(wrong.stderr.split('\n').at(-2)).toMatch(
        /^latch: wrong passphrase; try again \(the failure was not counted: cannot write \S+lockout\.lock \(EACCES\)[^\n]*\)$/,
      );
      const right = readOnly(['ls']);
      expect(right.code, right.stderr).toBe(0);
      const refused =
        /^latch: could not write the audit log \([^\n]*EACCES[^\n]*\), so no value was handed out; fix that, or set LATCH_AUDIT=best-effort to go on without a record\n$/;
      const reveal = readOnly(['get', 'API_KEY', '--reveal']);
      expect(reveal.code).toBe(1);
      expect(reveal.stdout).toBe('');
      expect(reveal.stderr).toMatch(refused);
      const run = readOnly(['run', '--', 'sh', '-c', 'echo the child ran']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(refused);
      const optedOut = readOnly(['get', 'API_KEY', '--reveal'], { LATCH_AUDIT: 'best-effort' });
      expect(optedOut.code, optedOut.stderr).toBe(0);
      expect(optedOut.stdout).toBe(values.API_KEY);
      expect(optedOut.stderr).toMatch(/could not write the audit log \(.*\); the command goes on/);
      chmodSync(sandbox.home, 0o700);
    },
  );
});

describe('a change whose record cannot be written', () => {
  it('is not made: set exits 1 and stores nothing, unless LATCH_AUDIT=best-effort', () => {
    initProject(sandbox, ['--envs', 'dev']);
    mkdirSync(logPath());
    const refused = latch(sandbox, ['set', 'UNRECORDED'], { input: 'unrecorded-value-1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^latch: could not write the audit log \([^\n]+\), so the vault was not changed; fix that, or set LATCH_AUDIT=best-effort to go on without a record\n$/,
    );
    const stored = () =>
      (JSON.parse(ok(['ls', '--json']).stdout) as { name: string; stored: boolean }[]).find(
        (row) => row.name === 'UNRECORDED',
      )?.stored;
    expect(stored()).not.toBe(true);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).not.toMatch(/UNRECORDED/);
    const optedOut = latch(sandbox, ['set', 'UNRECORDED'], {
      input: 'unrecorded-value-1',
      env: { LATCH_AUDIT: 'best-effort' },
    });
    expect(optedOut.code, optedOut.stderr).toBe(0);
    expect(stored()).toBe(true);
  });
});

describe('concurrent appends', () => {
  it('eight processes appending at once keep one linear chain that verifies', async () => {
    initProject(sandbox);
    const perProcess = 40;
    const children = Array.from({ length: 8 }, () =>
      spawn(process.execPath, [appender, sandbox.home, String(perProcess), '0'], { stdio: 'ignore' }),
    );
    const codes = await Promise.all(
      children.map((child) => new Promise((resolve) => child.on('exit', resolve))),
    );
    expect(codes).toEqual(Array(8).fill(0));
    const lines = logLines();
    expect(lines).toHaveLength(8 * perProcess);
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual(lines.map((_, index) => index + 1));
    expect(new Set(lines.map((line) => JSON.parse(line).pid)).size).toBe(8);
    const verify = latch(sandbox, ['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok: 320 records verified/);
  });
});

describe('crashes', () => {
  it('SIGKILL during appends leaves a log that verifies up to its last whole record', async () => {
    initProject(sandbox);
    let torn = 0;
    for (let round = 0; round < 8; round++) {
      // Records of 2 MiB make each write long enough for the kill to land inside some of them.
      const child = spawn(process.execPath, [appender, sandbox.home, '0', String(2 * 1024 * 1024)], {
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await sleep(150 + round * 37);
      child.kill('SIGKILL');
      await exited;
      const verify = latch(sandbox, ['audit', 'verify']);
      expect(verify.code, verify.stderr).toBe(0);
      if (/torn record/.test(verify.stderr)) torn++;
    }
    ok(['run', '--', 'true']);
    const final = latch(sandbox, ['audit', 'verify']);
    expect(final.code, final.stderr).toBe(0);
    expect(final.stderr).toBe('');
    // Whether a kill tears a write depends on timing (the next test tears one for certain);
    // the count is printed so a run shows what it exercised.
    console.info(`SIGKILL rounds that left a torn record: ${torn} of 8`);
  });

  it('vault writers and runs, some killed with SIGKILL at random moments, leave a log that verifies', async () => {
    initProject(sandbox);
    ok(['set', 'API_KEY'], { input: values.API_KEY });
    for (let round = 0; round < 3; round++) {
      const children = Array.from({ length: 8 }, (_, index) => {
        const child =
          index % 2 === 0
            ? startLatch(sandbox, ['set', `KEY_${round}_${index}`])
            : startLatch(sandbox, ['run', '--', 'true']);
        if (index % 2 === 0) child.stdin.end(`value-${round}-${index}`);
        return child;
      });
      // Listened for from the start: a child may exit before the kills, and an exit event
      // already emitted is never seen by a listener added later.
      const exited = children.map((child) => new Promise((resolve) => child.on('exit', resolve)));
      await sleep(80 + round * 60);
      for (const [index, child] of children.entries()) if (index % 3 === 0) child.kill('SIGKILL');
      await Promise.all(exited);
    }
    // A set killed after it declared its name in latch.yaml but before the vault held the
    // value leaves a declared secret without one, by design (set.ts, planDeclarations), which
    // run reports with exit 7; otherwise the run starts (and appends its record).
    const after = latch(sandbox, ['run', '--', 'true']);
    if (after.code !== 0) {
      expect(after.code, after.stderr).toBe(7);
      expect(after.stderr).toMatch(
        /^latch: missing required secrets in myapp\/dev: KEY_\d_\d(, KEY_\d_\d)*;/,
      );
    }
    const verify = latch(sandbox, ['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok: \d+ records verified/);
  });

  it('a set killed as soon as the vault holds the new secret has its record already', async () => {
    initProject(sandbox);
    const vault = join(sandbox.home, 'vault');
    const original = statSync(vault).ino;
    const child = startLatch(sandbox, ['set', 'LARGE_KEY']);
    child.stdin.on('error', () => {});
    // A large value keeps the writer busy after the vault is replaced (the scan index).
    child.stdin.end(randomBytes(400_000).toString('base64'));
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && statSync(vault).ino !== original) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 1);
    const signal = await new Promise((resolve) => child.on('exit', (_code, name) => resolve(name))).finally(
      () => clearInterval(poll),
    );
    expect(signal, 'the writer finished before it could be killed').toBe('SIGKILL');
    const rows = JSON.parse(ok(['ls', '--json']).stdout) as { name: string; stored: boolean }[];
    expect(rows.find((row) => row.name === 'LARGE_KEY')?.stored, 'killed before the vault was written').toBe(
      true,
    );
    const records = logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ event: 'set', secret: 'LARGE_KEY' }));
    expect(ok(['audit', 'verify']).stdout).toMatch(/^ok: 1 record verified/);
  }, 60_000);

  it('a torn last line is reported, never chained onto, and sealed off by the next append', () => {
    populate();
    const before = logLines();
    // What a crash inside write() leaves: part of a record, no newline, audit.head not yet updated.
    appendFileSync(logPath(), before[1]!.slice(0, 77));
    const reported = latch(sandbox, ['audit', 'verify']);
    expect(reported.code).toBe(0);
    expect(reported.stderr).toMatch(/torn record of 77 bytes/);
    const next = ok(['run', '--', 'true']);
    expect(next.stderr).toMatch(/torn record \(77 bytes, from a crash\); it was sealed off/);
    const after = logLines();
    expect(after).toHaveLength(before.length + 3);
    expect(JSON.parse(after[before.length + 1]!)).toMatchObject({ event: 'truncated-tail', bytes: 77 });
    expect(JSON.parse(after[before.length + 2]!)).toMatchObject({ event: 'run', seq: before.length + 2 });
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
  });
});

describe('who: agents', () => {
  it('recognises an agent from a parent process (a program named claude), not only from env markers', () => {
    initProject(sandbox);
    ok(['set', 'API_KEY'], { input: values.API_KEY });
    const claude = join(sandbox.root, 'claude');
    symlinkSync(process.execPath, claude);
    const script = `require('child_process').spawnSync(process.argv[1], [process.argv[2], 'run', '--', 'true'], { stdio: 'inherit' })`;
    const result = spawnSync(claude, ['-e', script, process.execPath, binary], {
      cwd: sandbox.cwd,
      env: sandbox.env,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    ok(['run', '--', 'true'], { env: { CURSOR_AGENT: '1' } });
    ok(['run', '--', 'true'], { env: { AI_AGENT: 'something-new' } });
    const agents = JSON.parse(ok(['audit', '--agent', '--json']).stdout);
    expect(
      agents.map((record: { agent: string; agentSource: string }) => [record.agent, record.agentSource]),
    ).toEqual([
      ['claude-code', 'process'],
      ['cursor', 'env'],
      ['unknown-agent', 'env'],
    ]);
  });
});

describe('audit --follow', () => {
  it('prints records appended by other processes as they come', async () => {
    initProject(sandbox);
    ok(['set', 'API_KEY'], { input: values.API_KEY });
    const follower = startLatch(sandbox, ['audit', '--follow', '--secret', 'API_KEY']);
    let out = '';
    follower.stdout.on('data', (chunk) => {
      out += chunk;
    });
    try {
      for (let tries = 0; tries < 100 && !out.includes(' set '); tries++) await sleep(50);
      expect(out).toMatch(/#1 {2}set/);
      ok(['run', '--', 'true']);
      for (let tries = 0; tries < 100 && !out.includes('-> true'); tries++) await sleep(50);
      expect(out).toMatch(/#2 {2}run .* API_KEY {2}-> true/);
    } finally {
      follower.kill('SIGTERM');
    }
  });
});

it('no audit.log is needed for the vault to work, and a missing one is not an error on a fresh home', () => {
  initProject(sandbox);
  expect(existsSync(logPath())).toBe(false);
  expect(ok(['audit', 'verify']).stdout).toMatch(/^ok: the audit log is empty/);
});
