/**
 * Crash-safe files (DESIGN.md invariant 4) and private directories (invariant 5).
 * A file is replaced by writing a new temp file (O_EXCL, 0600), fsyncing it, renaming it
 * over the old one and fsyncing the directory, so a kill -9 at any moment leaves either the
 * old or the new file, whole.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LatchError } from './errors.js';

const tempMarker = '.tmp-';

function fsyncDirectory(directory: string): void {
  // Windows cannot open a directory for fsync; NTFS renames are journaled instead.
  if (process.platform === 'win32') return;
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The one line for a file latch could not create or replace: it names the file asked for,
 * not the temp file the system call failed on, and what to check.
 */
function cannotWrite(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof LatchError || code === undefined) return error;
  if (fullDiskCodes.has(code))
    return new LatchError('E_IO', noRoomMessage(`${path}: ${code}`), { cause: error });
  const hint =
    code === 'EISDIR'
      ? 'it is a directory'
      : code === 'ENOENT' || code === 'ENOTDIR'
        ? `${dirname(path)} is not a directory that exists`
        : `check the permissions of ${dirname(path)}`;
  return new LatchError('E_IO', `cannot write ${path} (${code}): ${hint}`, { cause: error });
}

/**
 * A full disk, a quota or a file size limit: expected on any machine, and what to do about
 * it is plain. Files are replaced atomically, so the one that failed is as it was.
 */
export const fullDiskCodes: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** The one line for a write that found no room; `detail` says which file or call. */
export function noRoomMessage(detail: string): string {
  return `no room to write a file (${detail}); free some disk space and run the command again`;
}

/**
 * Replaces `path` with `data` atomically. With `previous`, the old file is first kept under
 * that name (a hard link renamed into place, so the old bytes are never copied half-way).
 * Throws E_IO, naming `path`, when it cannot.
 */
export function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: { previous?: string; mode?: number } = {},
): void {
  try {
    replaceFile(path, data, options);
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

function replaceFile(path: string, data: Uint8Array, options: { previous?: string; mode?: number }): void {
  const directory = dirname(path);
  const temp = join(
    directory,
    `${basename(path)}${tempMarker}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o600);
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    if (options.previous) keepPrevious(path, options.previous);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  fsyncDirectory(directory);
}

function keepPrevious(path: string, previous: string): void {
  const link = `${previous}${tempMarker}${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    linkSync(path, link);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  renameSync(link, previous);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat), or null
 * (not Linux, or no such process). Unlike a time of day it never moves when the clock is set.
 */
function startTicks(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/**
 * True when process `pid` started more than 2 s after `time` (ms since the epoch), so it is
 * not the process that wrote a file then but a later one given the same pid: pids wrap
 * around quickly where pid_max is 32768, as in many containers. Linux only (/proc). Only for
 * locks that do not name their holder's start (written by earlier versions): the boot time
 * it relies on moves when the clock is set.
 */
function startedAfter(pid: number, time: number): boolean {
  const ticks = startTicks(pid);
  if (ticks === null) return false;
  try {
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return boot * 1000 + ticks * 10 > time + 2000;
  } catch {
    return false;
  }
}

/**
 * Removes temp files left in `directory` by writers that were killed (their pid is gone).
 * With `prefix`, only temp files of that file name (a repository holds files not ours).
 */
export function removeOrphanedTempFiles(directory: string, prefix = ''): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    // Missing or unreadable: nothing to clean, and the write that follows says what is wrong.
    return;
  }
  for (const name of names) {
    const at = name.indexOf(tempMarker);
    if (at < 0 || !name.startsWith(`${prefix}${prefix ? tempMarker : ''}`)) continue;
    const pid = Number(name.slice(at + tempMarker.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      try {
        unlinkSync(join(directory, name));
      } catch {}
    }
  }
}

/**
 * Creates `directory` (0700) if needed and refuses one that group or others can write, or
 * that another user owns: anyone who can write there could swap the vault.
 */
export function ensurePrivateDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw cannotWrite(directory, error);
    throw new LatchError(
      'E_IO',
      `${directory} is not a directory; set LATCH_HOME to a directory of your own`,
    );
  }
  if (process.platform === 'win32') return;
  const stat = statSync(directory);
  if ((stat.mode & 0o022) !== 0) {
    throw new LatchError(
      'E_UNSAFE_PERMISSIONS',
      `${directory} can be written by other users; run \`chmod 700 ${directory}\` and try again`,
    );
  }
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new LatchError(
      'E_UNSAFE_PERMISSIONS',
      `${directory} belongs to another user; set LATCH_HOME to a directory of your own`,
    );
  }
}

/**
 * Why the private file at `path` (a key latch wrote 0600) must not be used, or null (also when
 * it is missing or not a regular file): group or others may read or write it, or another user
 * owns it. The vault's directory is held to the same standard.
 */
export function privateFileExposure(path: string): string | null {
  if (process.platform === 'win32') return null;
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return null;
  }
  if (!stat.isFile()) return null;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return 'belongs to another user';
  if ((stat.mode & 0o077) !== 0) return 'can be read or written by other users';
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `task` while holding an exclusive lock file (`path`, created with O_EXCL). Writers in
 * other processes wait; a lock whose owner died is taken over. Throws E_LOCK_TIMEOUT after
 * `timeoutMs`.
 */
export async function withLock<T>(path: string, task: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  // `PID RANDOM START`: the holder's start (see startTicks) tells it from a later process
  // given the same pid.
  const token = `${process.pid} ${randomBytes(8).toString('hex')} ${startTicks(process.pid) ?? '-'}`;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      if (createLockFile(path, token)) break;
    } catch (error) {
      throw cannotWrite(path, error);
    }
    breakStaleLock(path);
    if (Date.now() > deadline) {
      throw new LatchError(
        'E_LOCK_TIMEOUT',
        `another latch process holds ${path}; if none is running, delete that file`,
      );
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await task();
  } finally {
    // Remove the lock only if it is still ours (a stale-lock takeover may have replaced it).
    if (readText(path) === token) {
      try {
        unlinkSync(path);
      } catch {}
    }
  }
}

/** Creates the lock file holding `token`; false when it exists (another holder). */
function createLockFile(path: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, token);
  } catch (error) {
    // A full disk fails the token's write. Left behind, the empty file would hold up every
    // later writer (an empty lock is taken for a holder that is still starting).
    unlinkSync(path);
    throw error;
  } finally {
    closeSync(fd);
  }
  return true;
}

function readText(path: string): string | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(64);
      return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString();
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function breakStaleLock(path: string): void {
  const content = readText(path);
  if (content === null) return;
  const [pidText, , startText] = content.split(' ');
  const pid = Number(pidText);
  const start = Number(startText);
  // An empty file is a holder that was killed between creating and writing it. A live pid is
  // the holder unless it is another process given the same pid: one that started at another
  // time than the lock names or, for a lock that names none, after the lock was written.
  const live = (holder: number) => {
    if (!isAlive(holder)) return false;
    const ticks = Number.isSafeInteger(start) ? startTicks(holder) : null;
    return ticks !== null ? ticks === start : !startedAfter(holder, safeMtime(path));
  };
  if (content !== '' && (!Number.isInteger(pid) || pid <= 0 || live(pid))) return;
  if (content === '' && Date.now() - safeMtime(path) < 2000) return;
  // Move it aside and check it is still the stale lock we judged, so that a lock taken by
  // a live process in the meantime is not the one removed.
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (readText(aside) === content) {
    unlinkSync(aside);
  } else {
    try {
      linkSync(aside, path);
    } catch {}
    unlinkSync(aside);
  }
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Reads all of `path` (a name, or an open descriptor such as 0 for stdin), refusing more than
 * `limit` bytes. It stops reading there, so a device or a pipe given as a file (`/dev/zero`,
 * `/dev/stdin` fed by `yes`) cannot fill memory. Throws E_TOO_LARGE, naming `shown`, past the
 * limit; errno errors (ENOENT, EISDIR, EACCES) as readFileSync does.
 */
export function readFileWithin(path: string | number, limit: number, shown = String(path)): Buffer {
  const fd = typeof path === 'number' ? path : openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - size));
      const count = readSync(fd, chunk, 0, chunk.length, null);
      if (count === 0) return Buffer.concat(chunks, size);
      size += count;
      if (size > limit) throw new LatchError('E_TOO_LARGE', `${shown} is larger than ${limit} bytes`);
      chunks.push(chunk.subarray(0, count));
    }
  } finally {
    if (typeof path !== 'number') closeSync(fd);
  }
}

/**
 * Creates `path` with `data` (0600) only if nothing is there: a temp file (O_EXCL) is written
 * and fsynced, then hard-linked into place, which fails if the name exists (even as a
 * dangling symlink). So the file appears whole or not at all, and nothing is overwritten.
 * Throws E_EXISTS when `path` exists, E_IO (naming `path`) when it cannot be written.
 */
export function writeNewFile(path: string, data: Uint8Array): void {
  const directory = dirname(path);
  const temp = join(
    directory,
    `${basename(path)}${tempMarker}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  let fd: number;
  try {
    fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    throw cannotWrite(path, error);
  }
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new LatchError('E_EXISTS', `${path} exists; use --force to replace it`);
    }
    throw cannotWrite(path, error);
  } finally {
    try {
      unlinkSync(temp);
    } catch {}
  }
  fsyncDirectory(directory);
}
