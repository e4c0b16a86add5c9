/**
 * Scans of git patches: the staged diff (`--staged`, parallel `git diff` processes) and
 * commits (`--history`, `git log -p` streamed with backpressure into worker threads once it
 * is large), with progress on a terminal.
 */
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { git, patchOptions, readBlobs, streamGitLines } from '../git/git.js';
import type { Io } from '../shared/io.js';
import {
  accept,
  batchBytes,
  type Collector,
  findWorkerScript,
  inlineHistoryBytes,
  type PatchPool,
} from './collector.js';
import type { ContentUnit } from './content.js';
import { commitFormat, type FilePatch, PatchParser } from './diff.js';
import { binarySniffLength, binaryUnit } from './files.js';
import { UnitPool } from './pool.js';
import type { Skipped } from './report.js';

/** Paths per `git diff` process: beyond this, the staged diff is split (argv stays small). */
const pathsPerChunk = 250;

/**
 * The staged diff, split by path into chunks diffed by parallel `git diff --cached` processes:
 * inflating and diffing the blobs is most of the time of a large commit, and it parallelises.
 * Renames are not followed: a moved file is scanned whole, as if added (conservative, and the
 * same whatever the chunking).
 */
export async function scanStaged(collector: Collector, root: string, maxSize: number): Promise<void> {
  const names = git(root, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d'])!
    .split('\0')
    .filter(Boolean);
  if (names.length === 0) return;
  const chunks: string[][] = [];
  // A name that is not UTF-8 cannot be given back to git (Node encodes argv as UTF-8), so
  // then one process diffs everything, without pathspecs.
  if (names.some((name) => name.includes('\uFFFD'))) chunks.push([]);
  else
    for (let start = 0; start < names.length; start += pathsPerChunk)
      chunks.push(names.slice(start, start + pathsPerChunk));
  const parallel = Math.max(1, Math.min(availableParallelism(), 4));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      await scanPatches(
        collector,
        root,
        ['--literal-pathspecs', 'diff', '--cached', '--no-renames', ...patchOptions, '--', ...chunk],
        maxSize,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
  collector.outcome.findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

async function scanPatches(
  collector: Collector,
  root: string,
  args: string[],
  maxSize: number,
  progress?: Progress | null,
): Promise<void> {
  const binaries: FilePatch[] = [];
  const parser = new PatchParser((patch: FilePatch) => {
    if (collector.ignored(patch.path)) return;
    // Text with a NUL byte (UTF-16 that .gitattributes calls text) is read from git as bytes.
    if (patch.binary || (patch.blob && patch.text.includes('\0'))) return binaries.push(patch);
    if (patch.text.length > maxSize) return skip(collector, patch, 'too large');
    const unit: ContentUnit = {
      path: patch.path,
      text: patch.text,
      lineNumbers: patch.lineNumbers,
      ...(patch.commit ? { commit: patch.commit } : {}),
    };
    const size = Buffer.byteLength(patch.text);
    const pooled = collector.pool;
    if (!pooled) return accept(collector, unit, size);
    if (!pooled.pool && pooled.inlineBytes < inlineHistoryBytes) {
      pooled.inlineBytes += size;
      return accept(collector, unit, size);
    }
    if (!pooled.pool) {
      const script = findWorkerScript();
      if (!script) {
        delete collector.pool;
        return accept(collector, unit, size);
      }
      pooled.pool = new UnitPool(
        script,
        pooled.home,
        Math.min(availableParallelism(), 4),
        collector.matcher !== null,
        collector.customRules.specs,
      );
    }
    pooled.batch.push(unit);
    pooled.batchBytes += size;
    if (pooled.batchBytes >= batchBytes) flushBatch(pooled);
  });
  let stdout: Readable | null = null;
  const streaming = streamGitLines(
    root,
    args,
    (line) => {
      if (progress && line.startsWith('\x01')) progress.commit();
      parser.line(line);
      const pool = collector.pool?.pool;
      // Backpressure: stop reading git while the workers are behind.
      if (pool && stdout && !stdout.isPaused() && pool.backlog > 2 * availableParallelism()) {
        const paused = stdout;
        paused.pause();
        pool.waitForBacklog(availableParallelism()).then(
          () => paused.resume(),
          () => paused.resume(),
        );
      }
    },
    progress ? (count) => progress.bytes(count) : undefined,
    (child) => {
      stdout = child;
    },
  );
  await streaming;
  parser.end();
  scanBinaries(collector, root, binaries, maxSize);
}

function skip(collector: Collector, patch: FilePatch, reason: Skipped['reason']): void {
  collector.outcome.skipped.push({
    path: patch.path,
    reason,
    ...(patch.commit ? { commit: patch.commit.sha } : {}),
  });
}

/**
 * Files git called binary (and text patches holding a NUL byte). A `binary` or `-diff`
 * attribute in .gitattributes makes git say so of any text, which would let a secret through;
 * so each new blob is read and judged as a files scan does (a NUL byte in its first 8 KiB):
 * text is scanned whole, binary content for managed values (in its bytes and UTF-16 decodings).
 */
function scanBinaries(collector: Collector, root: string, patches: FilePatch[], maxSize: number): void {
  const blobs = readBlobs(
    root,
    patches.flatMap((patch) => (patch.blob ? [patch.blob] : [])),
    maxSize,
  );
  for (const patch of patches) {
    const content = patch.blob ? blobs.get(patch.blob) : undefined;
    if (content === 'too large') skip(collector, patch, 'too large');
    else if (!content) skip(collector, patch, 'binary');
    else if (content.subarray(0, binarySniffLength).includes(0)) {
      skip(collector, patch, 'binary');
      const unit = binaryUnit(patch.path, content);
      if (collector.matcher)
        accept(collector, patch.commit ? { ...unit, commit: patch.commit } : unit, content.length);
    } else {
      const text = content.toString('utf8');
      const unit: ContentUnit = {
        path: patch.path,
        text,
        bytes: content,
        lineNumbers: text.split('\n').map((_, index) => index + 1),
        ...(patch.commit ? { commit: patch.commit } : {}),
      };
      accept(collector, unit, content.length);
    }
  }
}

function flushBatch(pooled: PatchPool): void {
  if (pooled.batch.length === 0 || !pooled.pool) return;
  pooled.pool.submit(pooled.batch);
  pooled.batch = [];
  pooled.batchBytes = 0;
}

/** Collects what the workers found, in order, after the patches scanned in this thread. */
async function finishPool(collector: Collector): Promise<void> {
  const pooled = collector.pool;
  if (!pooled?.pool) return;
  flushBatch(pooled);
  for (const part of await pooled.pool.finish()) {
    collector.outcome.scannedFiles += part.scannedFiles;
    collector.outcome.scannedBytes += part.scannedBytes;
    collector.outcome.allowed += part.allowed;
    for (const finding of part.findings) {
      if (collector.baseline?.has(finding.fingerprint)) collector.outcome.baselined++;
      else collector.outcome.findings.push(finding);
    }
  }
}

interface Progress {
  commit(): void;
  bytes(count: number): void;
  done(): void;
}

/** Progress on stderr, only on a terminal, at most five times a second. */
function historyProgress(io: Io): Progress | null {
  if (!io.stderr.isTTY) return null;
  let commits = 0;
  let total = 0;
  let last = 0;
  const show = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 200) return;
    last = now;
    io.stderr.write(`\rscanning history: ${commits} commits, ${(total / 1e6).toFixed(1)} MB of patches`);
  };
  return {
    commit: () => {
      commits++;
      show();
    },
    bytes: (count) => {
      total += count;
    },
    done: () => {
      show(true);
      io.stderr.write('\n');
    },
  };
}

/** Scans the commits of each revision list in turn (`git log` order within each). */
export async function scanHistory(
  collector: Collector,
  root: string,
  revisionLists: string[][],
  maxSize: number,
  io: Io,
  home: string,
): Promise<void> {
  const progress = historyProgress(io);
  collector.pool = { home, inlineBytes: 0, pool: null, batch: [], batchBytes: 0 };
  for (const revisions of revisionLists) {
    await scanPatches(
      collector,
      root,
      // --cc: a merge shows what it adds beyond its parents (a conflict resolution, an evil merge).
      ['log', ...patchOptions, '--cc', `--format=${commitFormat}`, ...revisions, '--'],
      maxSize,
      progress,
    );
  }
  await finishPool(collector);
  progress?.done();
}
