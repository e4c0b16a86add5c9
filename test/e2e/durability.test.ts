/**
 * Durability end to end, through the built binary: crash safety under SIGKILL and
 * serialized writers (DESIGN.md invariant 4), tamper detection of every byte of the vault
 * (invariant 2), and no plaintext on disk after a full workflow (invariant 1).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  binary,
  initProject,
  latch,
  makeSandbox,
  passphrase,
  type Sandbox,
  startLatch,
  writeSandboxFile,
} from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (count: number) => Array.from({ length: count }, (_, index) => index);

interface Finished {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

interface Launched {
  child: ChildProcessWithoutNullStreams;
  done: Promise<Finished>;
}

/** Starts `latch ARGS` and collects its output; `killAfterMs` sends SIGKILL after that delay. */
function launch(
  target: Sandbox,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; killAfterMs?: number } = {},
): Launched {
  const started = performance.now();
  const child = startLatch(target, args, options);
  // A child killed before it reads stdin makes our write fail with EPIPE; that is expected.
  child.stdin.on('error', () => {});
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? -1, code, signal, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
  return { child, done };
}

/** Runs `task` over `items` with at most `limit` running at once; results keep input order. */
async function inPool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(range(Math.min(limit, items.length)).map(worker));
  return results;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with LATCH_TEST_SEED. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha256 = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

interface ListedRow {
  name: string;
  stored: boolean;
  declared: boolean;
}

/** `latch ls --json` for project myapp, dev; asserts it exits 0 (the vault opens). */
function listRows(target: Sandbox, cwd = target.root): ListedRow[] {
  const result = latch(target, ['ls', '--json', '--project', 'myapp'], { cwd });
  expect(result.code, `ls failed: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as ListedRow[];
}

function storedNames(target: Sandbox): Set<string> {
  return new Set(
    listRows(target)
      .filter((row) => row.stored)
      .map((row) => row.name),
  );
}

/**
 * Every stored value of myapp/dev as sha256 hex, read by one `latch run` child. Run outside
 * the project directory with --project, so latch injects every stored secret (not only the
 * ones latch.yaml declares), and hashed so that no value crosses a pipe in clear.
 */
function storedValueHashes(target: Sandbox): Record<string, string> {
  const script =
    "const c=require('crypto');const o={};" +
    "for(const[k,v]of Object.entries(process.env))if(/^(KEY|WARM|FINAL|CONC)_/.test(k))o[k]=c.createHash('sha256').update(v).digest('hex');" +
    'process.stdout.write(JSON.stringify(o))';
  const result = latch(target, ['run', '--project', 'myapp', '--', process.execPath, '-e', script], {
    cwd: target.root,
  });
  expect(result.code, `run failed: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** A pid that belonged to one of our children and is gone now. */
function deadPid(candidates: number[]): number {
  for (const pid of candidates) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
  throw new Error('no dead pid among the killed writers');
}

describe('crash safety (invariant 4)', () => {
  it('SIGKILL at any moment of `set` keeps every acknowledged write; vault and vault.prev open; no stale lock or temp file survives', async () => {
    initProject(sandbox);
    const seed = Number(process.env.LATCH_TEST_SEED ?? Date.now() % 2 ** 31);
    const random = seededRandom(seed);
    const context = `seed ${seed} (rerun with LATCH_TEST_SEED=${seed})`;
    const concurrency = 4;
    const successLine = (name: string) => `created ${name} in myapp/dev`;
    const values = new Map<string, string>();
    const valueFor = (name: string) => {
      const value = `${name.toLowerCase()}-${randomBytes(8).toString('hex')}`;
      values.set(name, value);
      return value;
    };
    const write = (name: string, killAfterMs?: number) => {
      const launched = launch(sandbox, ['set', name], killAfterMs === undefined ? {} : { killAfterMs });
      launched.child.stdin.end(valueFor(name));
      return launched.done;
    };

    // Kills must spread over a `set`'s whole lifetime, measured under the same load (4 at a
    // time). The load of a shared machine drifts, so it is measured again before each chunk.
    const count = 200;
    const chunk = 50;
    const calibrationNames: string[] = [];
    const lifetimes: number[] = [];
    const outcomes: Finished[] = [];
    for (let start = 0; start < count; start += chunk) {
      const names = range(concurrency).map((index) => `WARM_${start / chunk}_${index}`);
      const calibration = await Promise.all(names.map((name) => write(name)));
      for (const [index, result] of calibration.entries()) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(successLine(names[index]!));
      }
      calibrationNames.push(...names);
      const lifetime = calibration.reduce((sum, result) => sum + result.elapsedMs, 0) / calibration.length;
      lifetimes.push(lifetime);
      const indexes = range(Math.min(chunk, count - start)).map((offset) => start + offset);
      const delays = indexes.map(() => random() * 1.2 * lifetime);
      outcomes.push(
        ...(await inPool(indexes, concurrency, (index, offset) => write(`KEY_${index}`, delays[offset]))),
      );
    }

    const acknowledged: string[] = [];
    const killed: string[] = [];
    // The success line is printed after the vault was replaced: a writer killed after
    // printing it told its caller the write was done, so its value must be there too.
    const printedThenKilled: string[] = [];
    const failed: string[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const name = `KEY_${index}`;
      const printed = outcome.stdout.includes(successLine(name));
      if (outcome.signal === 'SIGKILL') {
        killed.push(name);
        if (printed) printedThenKilled.push(name);
      } else if (outcome.code === 0 && printed) {
        acknowledged.push(name);
      } else {
        // Not killed, yet not successful: e.g. it read a half-written vault.
        failed.push(`${name}: code ${outcome.code} signal ${outcome.signal}: ${outcome.stderr.trim()}`);
      }
    }
    expect(failed.join('\n'), `writers that were not killed and failed; ${context}`).toBe('');
    // The kills must really spread over the lifetime, or this test proves nothing.
    expect(killed.length, context).toBeGreaterThanOrEqual(count / 4);
    expect(acknowledged.length, context).toBeGreaterThanOrEqual(5);

    // The vault opens, and everything acknowledged is in it with its exact value.
    const mustHave = [...calibrationNames, ...acknowledged, ...printedThenKilled];
    const names = storedNames(sandbox);
    expect(
      mustHave.filter((name) => !names.has(name)),
      `acknowledged but lost; ${context}`,
    ).toEqual([]);
    expect(
      [...names].filter((name) => !values.has(name)),
      'names nobody wrote',
    ).toEqual([]);
    const hashes = storedValueHashes(sandbox);
    expect(Object.keys(hashes).sort()).toEqual([...names].sort());
    const wrongValues = [...names].filter((name) => hashes[name] !== sha256(values.get(name)!));
    expect(wrongValues, `stored with a wrong value; ${context}`).toEqual([]);
    const presentThoughKilled = killed.filter((name) => names.has(name));
    // A sample of reveals through `get`, the path a user takes.
    const sample = [
      ...acknowledged.slice(0, 3),
      ...acknowledged.slice(-2),
      ...presentThoughKilled.slice(0, 2),
    ];
    for (const name of sample) {
      const reveal = latch(sandbox, ['get', name, '--reveal']);
      expect(reveal.code, reveal.stderr).toBe(0);
      expect(reveal.stdout).toBe(values.get(name));
    }

    // vault.prev opens too (same passphrase) and is the generation just before the last write.
    const previousSandbox = makeSandbox();
    try {
      copyFileSync(join(sandbox.home, 'vault.prev'), join(previousSandbox.home, 'vault'));
      const previousNames = storedNames(previousSandbox);
      expect(
        [...previousNames].filter((name) => !names.has(name)),
        'in vault.prev but not in vault',
      ).toEqual([]);
      expect(
        names.size - previousNames.size,
        'vault.prev is not the previous generation',
      ).toBeLessThanOrEqual(1);
      expect(names.size - previousNames.size).toBeGreaterThanOrEqual(0);
      const previousHashes = storedValueHashes(previousSandbox);
      expect([...previousNames].filter((name) => previousHashes[name] !== sha256(values.get(name)!))).toEqual(
        [],
      );
    } finally {
      previousSandbox.cleanup();
    }

    // Leftovers of the killed writers: a lock and temp files. Plant one of each (owned by a
    // dead pid) when the kills left none, so the later write is always put to the test.
    const homeFiles = () => readdirSync(sandbox.home);
    const naturalLock = existsSync(join(sandbox.home, 'vault.lock'));
    const naturalOrphans = homeFiles().filter((name) => name.includes('.tmp-'));
    const projectOrphans = readdirSync(sandbox.cwd).filter((name) => name.includes('.tmp-'));
    const gone = deadPid(
      outcomes.filter((outcome) => outcome.signal === 'SIGKILL').map((outcome) => outcome.pid),
    );
    if (!naturalLock)
      writeFileSync(join(sandbox.home, 'vault.lock'), `${gone} 0123456789abcdef`, { mode: 0o600 });
    writeFileSync(join(sandbox.home, `vault.tmp-${gone}-0a0b0c0d0e0f`), randomBytes(64), { mode: 0o600 });
    writeFileSync(join(sandbox.home, `vault.prev.tmp-${gone}-0a0b0c0d0e0f`), randomBytes(64), {
      mode: 0o600,
    });

    const finalStart = performance.now();
    const final = latch(sandbox, ['set', 'FINAL_KEY'], { input: valueFor('FINAL_KEY') });
    const finalMs = performance.now() - finalStart;
    expect(final.code, final.stderr).toBe(0);
    expect(finalMs, 'a stale vault.lock delayed the next write').toBeLessThan(5000);
    expect(
      homeFiles().filter((name) => name.includes('.tmp-')),
      'orphaned temp files survived a write',
    ).toEqual([]);
    expect(existsSync(join(sandbox.home, 'vault.lock')), 'vault.lock left behind by a finished writer').toBe(
      false,
    );
    expect(latch(sandbox, ['get', 'FINAL_KEY', '--reveal']).stdout).toBe(values.get('FINAL_KEY'));
    const previousAfterFinal = makeSandbox();
    try {
      copyFileSync(join(sandbox.home, 'vault.prev'), join(previousAfterFinal.home, 'vault'));
      expect([...storedNames(previousAfterFinal)].sort()).toEqual([...names].sort());
    } finally {
      previousAfterFinal.cleanup();
    }

    console.log(
      `crash safety: ${count} writers, ${concurrency} at a time, kill delays 0..1.2 × the mean set ` +
        `(${lifetimes.map((lifetime) => lifetime.toFixed(0)).join(', ')} ms per chunk of ${chunk}); killed ${killed.length} (${presentThoughKilled.length} of them committed, ` +
        `${printedThenKilled.length} after printing success), acknowledged ${acknowledged.length}; ` +
        `left behind: vault.lock ${naturalLock ? 'yes' : 'no'}, ${naturalOrphans.length} temp files in LATCH_HOME ` +
        `(${naturalOrphans.join(', ') || 'none'}), ${projectOrphans.length} in the project directory ` +
        `(${projectOrphans.join(', ') || 'none'}), other: ${
          homeFiles()
            .filter((name) => !['vault', 'vault.prev'].includes(name))
            .join(', ') || 'none'
        }; ` +
        `final set ${finalMs.toFixed(0)} ms; ${context}`,
    );
  }, 180_000);
});

describe.skipIf(process.platform !== 'linux')('stale locks', () => {
  it('a vault.lock whose pid now belongs to a later process does not hold up the next write', async () => {
    initProject(sandbox);
    // The killed holder's pid, reused by a process that started after the lock was written.
    const reused = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const lock = join(sandbox.home, 'vault.lock');
      writeFileSync(lock, `${reused.pid} 0123456789abcdef`, { mode: 0o600 });
      const written = new Date(Date.now() - 60_000);
      utimesSync(lock, written, written);
      const started = performance.now();
      const result = latch(sandbox, ['set', 'AFTER_REUSE'], { input: 'after-reuse-1' });
      expect(result.code, result.stderr).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(existsSync(lock)).toBe(false);
    } finally {
      reused.kill();
    }
  }, 60_000);

  it("a lock naming its holder's start is taken over from a later process with that pid, however new the file", async () => {
    initProject(sandbox);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      const lock = join(sandbox.home, 'vault.lock');
      // Written just now, naming a start the live process does not have: not its holder.
      writeFileSync(lock, `${other.pid} 0123456789abcdef 1`, { mode: 0o600 });
      const started = performance.now();
      const result = latch(sandbox, ['set', 'AFTER_START_CHECK'], { input: 'after-start-1' });
      expect(result.code, result.stderr).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000);
      // Naming the start it has: the holder, so a writer waits for it.
      const stat = readFileSync(`/proc/${other.pid}/stat`, 'utf8');
      const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(lock, `${other.pid} 0123456789abcdef ${ticks}`, { mode: 0o600 });
      expect(() => latch(sandbox, ['set', 'WAITS'], { input: 'waits-value-1', timeout: 3000 })).toThrow(
        /ETIMEDOUT/,
      );
      expect(latch(sandbox, ['get', 'WAITS']).code).toBe(4);
    } finally {
      other.kill();
    }
  }, 60_000);
});

describe('the vault and latch.yaml in step', () => {
  it('a `set` killed as soon as the vault holds the new secret has declared it in latch.yaml already', async () => {
    initProject(sandbox);
    const vault = join(sandbox.home, 'vault');
    const original = statSync(vault).ino;
    const launched = launch(sandbox, ['set', 'LARGE_KEY']);
    // A large value keeps the writer busy after the vault is replaced (the scan index).
    launched.child.stdin.end(randomBytes(400_000).toString('base64'));
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && statSync(vault).ino !== original) {
        killed = true;
        launched.child.kill('SIGKILL');
      }
    }, 1);
    const outcome = await launched.done.finally(() => clearInterval(poll));
    expect(outcome.signal, 'the writer finished before it could be killed').toBe('SIGKILL');
    const row = listRows(sandbox, sandbox.cwd).find((candidate) => candidate.name === 'LARGE_KEY');
    expect(row?.stored, 'killed before the vault was written').toBe(true);
    // Stored but undeclared, `latch run` would leave it out without a word.
    expect(row?.declared, readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).toBe(true);
  }, 60_000);
});

describe('concurrent writers (invariant 4)', () => {
  /** Starts 8 `set`s, waits until they are all up, then releases their stdin together. */
  async function simultaneousSets(prefix: string): Promise<Map<string, string>> {
    const written = new Map<string, string>();
    const launched = range(8).map((index) => {
      const name = `${prefix}_${index}`;
      written.set(name, `${name.toLowerCase()}-${randomBytes(8).toString('hex')}`);
      return { name, ...launch(sandbox, ['set', name]) };
    });
    // Each process blocks on stdin once loaded; releasing them together makes them race.
    await sleep(500);
    for (const { name, child } of launched) child.stdin.end(written.get(name));
    for (const { name, done } of launched) {
      const result = await done;
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`created ${name} in myapp/dev`);
    }
    return written;
  }

  it('8 simultaneous sets all succeed and all are stored with their values, round after round', async () => {
    initProject(sandbox);
    const all = new Map<string, string>();
    for (const round of range(3)) {
      for (const [name, value] of await simultaneousSets(`CONC_${round}`)) all.set(name, value);
      expect([...storedNames(sandbox)].sort()).toEqual([...all.keys()].sort());
    }
    const hashes = storedValueHashes(sandbox);
    expect(Object.fromEntries([...all.keys()].map((name) => [name, hashes[name]]))).toEqual(
      Object.fromEntries([...all].map(([name, value]) => [name, sha256(value)])),
    );
  }, 60_000);

  it('8 simultaneous sets are all declared in latch.yaml (no lost manifest update)', async () => {
    initProject(sandbox);
    const written = await simultaneousSets('CONC');
    const rows = listRows(sandbox, sandbox.cwd);
    const undeclared = [...written.keys()].filter((name) => !rows.find((row) => row.name === name)?.declared);
    // An undeclared secret is silently left out of `latch run`.
    expect(undeclared, `latch.yaml:\n${readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')}`).toEqual([]);
  }, 60_000);
});

describe.skipIf(process.platform === 'win32')('failed writes (a full disk)', () => {
  /**
   * Runs latch with a file size limit of `kilobytes` (RLIMIT_FSIZE, SIGXFSZ ignored): a write
   * past it fails with EFBIG, as a write to a full disk fails with ENOSPC, without root.
   */
  function latchWithFileLimit(kilobytes: number, args: string[], input = '') {
    const result = spawnSync(
      '/bin/sh',
      ['-c', `trap '' XFSZ; ulimit -f ${kilobytes}; exec "$0" "$@"`, process.execPath, binary, ...args],
      { cwd: sandbox.cwd, env: sandbox.env, input, encoding: 'utf8', timeout: 30_000 },
    );
    return { code: result.status, stderr: result.stderr };
  }

  it.each([
    { fails: 'the lock file', limit: 0, value: 'lost-value-1' },
    { fails: 'the new vault', limit: 4, value: randomBytes(12_000).toString('base64') },
  ])('a write that fails at $fails leaves the vault as it was, no lock file, and says what to do', ({
    limit,
    value,
  }) => {
    initProject(sandbox);
    expect(latch(sandbox, ['set', 'KEPT'], { input: 'kept-value-1' }).code).toBe(0);
    const before = readFileSync(join(sandbox.home, 'vault'));
    const failed = latchWithFileLimit(limit, ['set', 'LOST'], value);
    expect(failed.code, failed.stderr).toBe(1);
    // The last line (a `declared LOST` note may come first: the manifest is written before the vault).
    expect(failed.stderr.split('\n').at(-2)).toMatch(
      /^latch: no room to write a file \(.*\); free some disk space and run the command again$/,
    );
    expect(readFileSync(join(sandbox.home, 'vault')).equals(before)).toBe(true);
    // An empty vault.lock would make the next writers wait for a holder that never comes.
    expect(
      readdirSync(sandbox.home).filter((name) => name.includes('.lock') || name.includes('.tmp-')),
    ).toEqual([]);
    expect(latch(sandbox, ['get', 'KEPT', '--reveal']).stdout).toBe('kept-value-1');
  });
});

describe('tamper detection through the binary (invariant 2)', () => {
  it('a flipped bit anywhere in the vault makes `latch ls` exit 6 with one line, never the value', async () => {
    initProject(sandbox, ['--envs', 'dev']);
    const secret = 'tamper-canary-5Qv9';
    expect(latch(sandbox, ['set', 'K'], { input: secret }).code).toBe(0);
    const original = readFileSync(join(sandbox.home, 'vault'));
    // The control: the untouched vault opens.
    expect(latch(sandbox, ['ls']).code).toBe(0);

    const homes = join(sandbox.root, 'tampered');
    mkdirSync(homes, { mode: 0o700 });
    const failures: string[] = [];
    await inPool(range(original.length), 4, async (position) => {
      const home = join(homes, String(position));
      mkdirSync(home, { mode: 0o700 });
      const bytes = Buffer.from(original);
      bytes[position]! ^= 1 << (position % 8);
      writeFileSync(join(home, 'vault'), bytes, { mode: 0o600 });
      const result = await launch(sandbox, ['ls'], { env: { LATCH_HOME: home } }).done;
      rmSync(home, { recursive: true, force: true });
      const lines = result.stderr.split('\n');
      const problems = [
        result.code !== 6 && `exit ${result.code ?? result.signal}`,
        !(lines.length === 2 && lines[1] === '') && `${lines.length - 1} lines on stderr`,
        !/tampered|corrupt|not a latch vault/.test(result.stderr) && 'no tampered/corrupt in the message',
        (result.stdout + result.stderr).includes(secret) && 'THE VALUE WAS PRINTED',
      ].filter(Boolean);
      if (problems.length > 0)
        failures.push(`byte ${position}: ${problems.join(', ')}: ${JSON.stringify(result.stderr)}`);
    });
    expect(failures, `${original.length} bytes`).toEqual([]);
  }, 180_000);

  it('an empty vault file or a directory in its place exits 6 with one line saying how to recover', () => {
    initProject(sandbox, ['--envs', 'dev']);
    expect(latch(sandbox, ['set', 'K'], { input: 'directory-canary-1' }).code).toBe(0);
    const vault = join(sandbox.home, 'vault');
    const previous = readFileSync(join(sandbox.home, 'vault.prev'));
    for (const damage of [() => writeFileSync(vault, ''), () => mkdirSync(vault)]) {
      rmSync(vault, { recursive: true, force: true });
      damage();
      for (const args of [['ls'], ['set', 'OTHER']]) {
        const result = latch(sandbox, args, { input: 'other-value-1' });
        expect(result.code, result.stderr).toBe(6);
        expect(result.stderr).toMatch(
          /^latch: [^\n]*not a (latch )?vault[^\n]*restore[^\n]*vault\.prev[^\n]*\n$/,
        );
      }
      expect(readFileSync(join(sandbox.home, 'vault.prev'))).toEqual(previous);
    }
  });
});

describe('no plaintext on disk (invariant 1)', () => {
  /** Every regular file under `directory`, recursively. */
  function filesUnder(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return entry.isFile() ? [path] : [];
    });
  }

  /** The forms a leaked value could take: raw, base64 (+url), hex, JSON-escaped, each long line. */
  function needlesFor(value: Uint8Array): Buffer[] {
    const raw = Buffer.from(value);
    const forms = [
      raw,
      Buffer.from(raw.toString('base64').replace(/=+$/, '')),
      Buffer.from(raw.toString('base64url')),
      Buffer.from(raw.toString('hex')),
      Buffer.from(raw.toString('hex').toUpperCase()),
      Buffer.from(JSON.stringify(raw.toString('utf8')).slice(1, -1)),
    ];
    const text = raw.toString('utf8');
    for (const line of text.split('\n'))
      if (line.length >= 12 && line !== text) forms.push(Buffer.from(line));
    // A slice of a long (binary) value, in case only part of it leaks.
    if (raw.length > 64)
      forms.push(raw.subarray(100, 132), Buffer.from(raw.subarray(99, 159).toString('base64')));
    return forms;
  }

  function findLeaks(root: string, secrets: Map<string, Uint8Array>): string[] {
    const leaks: string[] = [];
    for (const file of filesUnder(root)) {
      const content = readFileSync(file);
      for (const [label, value] of secrets) {
        for (const needle of needlesFor(value)) {
          if (content.includes(needle)) {
            leaks.push(`${label} in ${file.slice(root.length)}`);
            break;
          }
        }
      }
    }
    return leaks;
  }

  it('after a full workflow no value appears in any file of LATCH_HOME, the project or TMPDIR, in any encoding', () => {
    const tag = randomBytes(4).toString('hex');
    const secrets = new Map<string, Uint8Array>();
    const text = (label: string, value: string) => {
      secrets.set(label, new TextEncoder().encode(value));
      return value;
    };
    const ok = (args: string[], options: Parameters<typeof latch>[2] = {}) => {
      const result = latch(sandbox, args, options);
      expect(result.code, `latch ${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result;
    };

    initProject(sandbox);
    ok(['set', 'API_TOKEN', '--description', 'the api'], {
      input: text('API_TOKEN v1', `sk-live-${tag}-first-Zq81`),
    });
    ok(['set', 'PRIVATE_PEM'], {
      input: text(
        'PRIVATE_PEM',
        `-----BEGIN PRIVATE KEY-----\nMIIEv${tag}QIBADANBgkqhkiG9w0\nBAQEFAASCBKcwggSjAgEAAoIBAQ${tag}\n-----END PRIVATE KEY-----`,
      ),
    });
    const blob = randomBytes(4096);
    secrets.set('BLOB (binary)', blob);
    const blobFile = writeSandboxFile(sandbox, 'blob.bin', blob);
    // Set from outside the project, so latch.yaml does not declare it: a required binary value
    // cannot be injected, and `run` and `check` would exit 7.
    ok(['set', 'BLOB', '--project', 'myapp', '--from-file', blobFile], { cwd: sandbox.root });
    unlinkSync(blobFile);
    ok(['set', 'API_TOKEN'], { input: text('API_TOKEN v2', `sk-live-${tag}-second-Wx42`) });
    ok(['set', 'GENERATED', '--generate', '--length', '40']);
    const envFile = writeSandboxFile(
      sandbox,
      '.env',
      [
        `IMPORTED_PLAIN=${text('IMPORTED_PLAIN', `imported-plain-${tag}-value`)}`,
        `IMPORTED_QUOTED="${text('IMPORTED_QUOTED', `imported quoted ${tag} value`)}"`,
      ].join('\n'),
    );
    // The control: the scanner finds a value in a file that holds it.
    expect(findLeaks(sandbox.root, secrets).some((leak) => leak.startsWith('IMPORTED_PLAIN in'))).toBe(true);
    ok(['import', envFile]);
    unlinkSync(envFile);

    const generated = ok(['get', 'GENERATED', '--reveal']).stdout;
    expect(generated.length).toBe(40);
    text('GENERATED', generated);
    expect(ok(['get', 'API_TOKEN', '--reveal']).stdout).toBe(`sk-live-${tag}-second-Wx42`);
    const blobInfo = JSON.parse(
      ok(['get', 'BLOB', '--project', 'myapp', '--json', '--reveal'], { cwd: sandbox.root }).stdout,
    );
    expect(Buffer.from(blobInfo.valueBase64, 'base64').equals(blob)).toBe(true);
    ok(['ls']);
    ok(['ls', '--all', '--json']);
    ok(['check']);
    ok(['example']);
    expect(existsSync(join(sandbox.cwd, '.env.example'))).toBe(true);
    const run = latch(sandbox, ['run', '--', process.execPath, '-e', 'process.exit(0)']);
    expect(run.code, run.stderr).toBe(0);

    const newPassphrase = `new passphrase ${tag}`;
    ok(['passwd'], { env: { LATCH_NEW_PASSPHRASE: newPassphrase } });
    sandbox.env.LATCH_PASSPHRASE = newPassphrase;
    ok(['env', 'add', 'ci']);
    ok(['set', 'CI_TOKEN', '--env', 'ci'], { input: text('CI_TOKEN', `ci-token-${tag}-Hh73`) });
    ok(['env', 'rm', 'ci', '--force']);
    ok(['rm', 'PRIVATE_PEM']);
    // The passphrases are not secret values, but they must not be on disk either.
    text('new passphrase', newPassphrase);
    text('passphrase', passphrase);

    const scanned = filesUnder(sandbox.root);
    for (const expected of ['home/vault', 'home/vault.prev', 'myapp/latch.yaml', 'myapp/.env.example']) {
      expect(scanned).toContain(join(sandbox.root, expected));
    }
    expect(findLeaks(sandbox.root, secrets)).toEqual([]);
  }, 60_000);
});
