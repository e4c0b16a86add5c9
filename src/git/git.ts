/**
 * The git edge: runs `git` with the settings latch's parsers rely on (no colour, no external
 * diff or textconv, unquoted UTF-8 paths, a/ b/ prefixes), whatever the user's config says.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LatchError } from '../shared/errors.js';

const fixedConfig = [
  '-c',
  'core.quotePath=false',
  '-c',
  'color.ui=never',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
  '-c',
  'log.showSignature=false',
];

const commandName = (args: string[]) => args.find((arg) => !arg.startsWith('-')) ?? 'git';

/** Extra options for every patch command: plain -U0 patches of the whole repository. */
export const patchOptions = [
  '-p',
  '-U0',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--no-relative',
  '--full-index',
];

/** Runs git to completion; returns stdout, or null when git fails (`allowFailure`) and throws otherwise. */
export function git(
  cwd: string,
  args: string[],
  options: { allowFailure?: boolean; input?: string; encoding?: 'utf8' | 'latin1' } = {},
): string | null {
  const result = spawnSync('git', [...fixedConfig, ...args], {
    cwd,
    encoding: options.encoding ?? 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    input: options.input ?? '',
  });
  if (result.error) {
    throw new LatchError(
      'E_IO',
      `cannot run git (${(result.error as NodeJS.ErrnoException).code}); install git and try again`,
    );
  }
  if (result.status !== 0) {
    if (options.allowFailure) return null;
    const detail = result.stderr.trim().split('\n')[0] ?? '';
    throw new LatchError('E_IO', `git ${commandName(args)} failed: ${detail}`);
  }
  return result.stdout;
}

/**
 * True when git could see a work tree at `cwd`: a `.git` (directory, or the file of a linked
 * worktree or submodule) in it or a parent, or GIT_DIR set. Elsewhere latch asks git nothing,
 * so a plain directory scans without git installed.
 */
function mayBeInRepository(cwd: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    if (existsSync(join(directory, '.git'))) return true;
    if (dirname(directory) === directory) return false;
  }
}

/** The top of the work tree containing `cwd`, or null outside one. */
export function workTreeRoot(cwd: string): string | null {
  if (!mayBeInRepository(cwd)) return null;
  const out = git(cwd, ['rev-parse', '--show-toplevel'], { allowFailure: true });
  return out ? out.trim() : null;
}

/** True when `cwd` is in a bare repository (no work tree). */
export function isBareRepository(cwd: string): boolean {
  return git(cwd, ['rev-parse', '--is-bare-repository'], { allowFailure: true })?.trim() === 'true';
}

/** Like `workTreeRoot`, but throws a usage error naming `what` outside a repository. */
export function requireWorkTree(cwd: string, what: string): string {
  const root = workTreeRoot(cwd);
  if (!root)
    throw new LatchError(
      'E_USAGE',
      `not inside a git work tree; ${what} needs one (run it in your repository)`,
    );
  return root;
}

/**
 * Tracked files plus untracked files that are not ignored, relative to `root`, under
 * `pathspecs`: the names' bytes as git has them, since a name need not be UTF-8.
 */
export function listWorkTreeFiles(root: string, pathspecs: string[]): Buffer[] {
  const out = git(
    root,
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs],
    {
      // latin1 maps each byte to one character, so the names come back byte for byte.
      encoding: 'latin1',
    },
  )!;
  return [...new Set(out.split('\0').filter(Boolean))].map((name) => Buffer.from(name, 'latin1'));
}

/**
 * Runs git and hands each line of its stdout (without `\n`) to `onLine` as it streams;
 * `onStart` gets git's stdout, to pause and resume it.
 * Resolves when git exits 0; rejects with E_IO and git's first error line otherwise.
 */
export function streamGitLines(
  cwd: string,
  args: string[],
  onLine: (line: string) => void,
  onBytes?: (count: number) => void,
  onStart?: (stdout: Readable) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...fixedConfig, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    onStart?.(child.stdout);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      onBytes?.(chunk.length);
      const text = pending + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        onLine(text.slice(start, end));
        start = end + 1;
      }
      pending = text.slice(start);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errors.length < 4096) errors += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new LatchError('E_IO', `cannot run git (${error.code}); install git and try again`)),
    );
    child.on('close', (code) => {
      const rest = pending + decoder.end();
      if (rest) onLine(rest);
      if (code === 0) resolve();
      else
        reject(
          new LatchError('E_IO', `git ${commandName(args)} failed: ${errors.trim().split('\n')[0] ?? ''}`),
        );
    });
  });
}

/** True when the repository at `cwd` has the commit `sha`. */
export function hasCommitObject(cwd: string, sha: string): boolean {
  return git(cwd, ['cat-file', '-e', `${sha}^{commit}`], { allowFailure: true }) !== null;
}

/** What `readBlobs` found for one blob: its bytes, or that it is over the size limit. */
export type BlobContent = Buffer | 'too large';

/** Bytes asked of one `git cat-file --batch`, so a history of many blobs is not held at once. */
const blobBatchBytes = 64 * 1024 * 1024;

/**
 * The content of each blob in `shas` (full object ids), or 'too large' past `maxSize` bytes;
 * a blob git does not have is left out. Two git processes for the lot, not two per blob.
 */
export function readBlobs(cwd: string, shas: string[], maxSize: number): Map<string, BlobContent> {
  const found = new Map<string, BlobContent>();
  const unique = [...new Set(shas)];
  if (unique.length === 0) return found;
  const wanted: string[][] = [[]];
  let batchBytes = 0;
  for (const line of git(cwd, ['cat-file', '--batch-check'], { input: `${unique.join('\n')}\n` })!.split(
    '\n',
  )) {
    const [sha = '', type, size] = line.split(' ');
    if (type !== 'blob') continue;
    if (Number(size) > maxSize) {
      found.set(sha, 'too large');
      continue;
    }
    if (batchBytes > 0 && batchBytes + Number(size) > blobBatchBytes) {
      wanted.push([]);
      batchBytes = 0;
    }
    wanted.at(-1)!.push(sha);
    batchBytes += Number(size);
  }
  for (const batch of wanted.filter((list) => list.length > 0)) {
    const result = spawnSync('git', [...fixedConfig, 'cat-file', '--batch'], {
      cwd,
      input: `${batch.join('\n')}\n`,
      maxBuffer: blobBatchBytes + maxSize + batch.length * 64,
    });
    if (result.error || result.status !== 0)
      throw new LatchError(
        'E_IO',
        `git cat-file failed: ${result.stderr?.toString().trim().split('\n')[0] ?? ''}`,
      );
    // Each blob comes as `<sha> blob <size>\n<content>\n`.
    const out = result.stdout;
    for (let at = 0; at < out.length; ) {
      const end = out.indexOf(10, at);
      if (end < 0) break;
      const [sha = '', , size] = out.subarray(at, end).toString('latin1').split(' ');
      const length = Number(size);
      found.set(sha, out.subarray(end + 1, end + 1 + length));
      at = end + 2 + length;
    }
  }
  return found;
}
