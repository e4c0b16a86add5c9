/**
 * Measuring one run of a command: wall time (spawn to exit, seen from this process) and peak
 * resident memory. A command is plain data: { file, args, cwd, env }.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `command` once with no terminal; returns wall milliseconds. Throws on a non-zero exit. */
export function timeRun(command) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command.file, command.args, {
    cwd: command.cwd,
    env: command.env,
    input: command.input,
    stdio: [command.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  assertSucceeded(command, result);
  return elapsed;
}

/** Runs `command` once and returns its stdout as text. Throws on a non-zero exit. */
export function runForOutput(command) {
  const result = spawnSync(command.file, command.args, {
    cwd: command.cwd,
    env: command.env,
    input: command.input,
    stdio: [command.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  assertSucceeded(command, result);
  return result.stdout.toString('utf8');
}

function assertSucceeded(command, result) {
  if (result.error) throw new Error(`${describe(command)}: ${result.error.message}`);
  if (result.status !== 0) {
    const stderr = result.stderr?.toString('utf8').trim() ?? '';
    throw new Error(`${describe(command)} exited ${result.status ?? result.signal}: ${stderr}`);
  }
}

function describe(command) {
  return [command.file, ...command.args].join(' ');
}

/**
 * How peak memory is measured here. GNU time reports the child's ru_maxrss from wait4(2):
 * the high-water mark of the largest process in the waited-for tree, in KiB. Without it
 * (or with BENCH_RSS=proc) a poller samples VmHWM in /proc for the child and its
 * descendants; it can miss the last moments of a short process, so it is a lower bound.
 */
export function peakRssMethod(env = process.env) {
  const gnuTime = '/usr/bin/time';
  if (env.BENCH_RSS !== 'proc' && existsSync(gnuTime)) {
    const probe = spawnSync(gnuTime, ['--version'], { encoding: 'utf8' });
    if (`${probe.stdout}${probe.stderr}`.includes('GNU')) {
      return {
        kind: 'gnu-time',
        path: gnuTime,
        note: 'GNU time %M (ru_maxrss of the largest process in the tree)',
      };
    }
  }
  if (existsSync('/proc/self/status')) {
    return { kind: 'proc', note: '/proc VmHWM poller (max over the child tree; a lower bound)' };
  }
  return { kind: 'none', note: 'not measured (no GNU time, no /proc)' };
}

/** Peak resident memory of one run of `command` in KiB, or null when it cannot be measured. */
export async function measurePeakRss(command, method, scratchFile) {
  if (method.kind === 'gnu-time') {
    const result = spawnSync(method.path, ['-f', '%M', '-o', scratchFile, command.file, ...command.args], {
      cwd: command.cwd,
      env: command.env,
      input: command.input,
      stdio: [command.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    });
    assertSucceeded(command, result);
    // With -o, GNU time writes "Command exited with non-zero status" lines first on failure.
    const kib = Number(readFileSync(scratchFile, 'utf8').trim().split('\n').at(-1));
    rmSync(scratchFile, { force: true });
    return Number.isFinite(kib) ? kib : null;
  }
  if (method.kind === 'proc') return pollPeakRss(command);
  return null;
}

function readHighWaterKiB(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // gone already, or a zombie without memory
  }
}

function childrenOf(pid) {
  const children = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(join(`/proc/${pid}/task`, task, 'children'), 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // no CONFIG_PROC_CHILDREN or the process exited: its children are found on a later poll
  }
  return children;
}

/** Spawns `command` and samples VmHWM of it and every descendant until it exits. */
function pollPeakRss(command) {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, {
      cwd: command.cwd,
      env: command.env,
      stdio: [command.input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
    });
    if (command.input !== undefined) child.stdin.end(command.input);
    const peaks = new Map();
    let done = false;
    const sample = () => {
      const pending = [child.pid];
      while (pending.length > 0) {
        const pid = pending.pop();
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, readHighWaterKiB(pid)));
        pending.push(...childrenOf(pid));
      }
      if (!done) setImmediate(sample);
    };
    child.once('spawn', sample);
    child.once('error', reject);
    child.once('exit', (code) => {
      done = true;
      if (code !== 0) reject(new Error(`${describe(command)} exited ${code}`));
      else resolve(Math.max(0, ...peaks.values()) || null);
    });
  });
}
