/**
 * Runs a scan plan: collects the content to scan (files of a work tree or directory, the
 * staged diff, or commits' patches), scans each unit with the detectors and the scan index,
 * and applies `.latchignore` and the baseline. Returns the outcome; rendering and the exit
 * code are the command's business.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LatchError } from '../core/errors.js';
import { parseLatchignore } from '../core/latchignore.js';
import { type ContentUnit, type Finding, scanContent } from '../core/scan-content.js';
import { commitFormat, type FilePatch, PatchParser } from '../core/scan-diff.js';
import { ManagedValueMatcher } from '../core/scan-managed.js';
import type { ScanOutcome, Skipped } from '../core/scan-report.js';
import {
  git,
  listWorkTreeFiles,
  patchOptions,
  requireWorkTree,
  streamGitLines,
  workTreeRoot,
} from '../platform/git.js';
import { loadScanIndex } from '../platform/scan-index-file.js';
import { vaultExists } from '../platform/store.js';
import { type Io, note } from './io.js';
import { type FilesResult, type FileToScan, scanFileList } from './scan-files.js';
import { UnitPool } from './scan-pool.js';

export interface ScanPlan {
  mode: 'files' | 'staged' | 'history';
  /** Files mode: files or directories (default: the current directory). */
  paths: string[];
  /** History mode: revision arguments for `git log` (default `--all`). */
  revisions: string[][];
  maxSize: number;
  baseline: Set<string> | null;
}

export const defaultMaxSize = 5 * 1024 * 1024;

interface Collector {
  outcome: ScanOutcome;
  ignored: (path: string) => boolean;
  matcher: ManagedValueMatcher | null;
  baseline: Set<string> | null;
  /** History: hands units to worker threads once the patches are large enough to pay for them. */
  pool?: PatchPool;
}

/** Patch text scanned in this thread before the history scan starts worker threads. */
const inlineHistoryBytes = 4 * 1024 * 1024;
/** Patch text per batch sent to a worker. */
const batchBytes = 512 * 1024;

/** The state of a history scan's worker pool: started lazily, fed in batches. */
interface PatchPool {
  home: string;
  inlineBytes: number;
  pool: UnitPool | null;
  batch: ContentUnit[];
  batchBytes: number;
}

function newOutcome(mode: ScanPlan['mode'], managedChecked: boolean): ScanOutcome {
  return {
    mode,
    findings: [],
    skipped: [],
    allowed: 0,
    baselined: 0,
    scannedFiles: 0,
    scannedBytes: 0,
    managedChecked,
  };
}

function accept(collector: Collector, unit: ContentUnit, byteCount: number): void {
  const { findings, allowed } = scanContent(unit, collector.matcher);
  const outcome = collector.outcome;
  outcome.scannedFiles++;
  outcome.scannedBytes += byteCount;
  outcome.allowed += allowed;
  for (const finding of findings) {
    if (collector.baseline?.has(finding.fingerprint)) outcome.baselined++;
    else outcome.findings.push(finding);
  }
}

/** The managed-value matcher from the scan index, or null (with a warning) when there is none. */
export function managedMatcher(io: Io, home: string): ManagedValueMatcher | null {
  const loaded = loadScanIndex(home);
  if (!loaded) {
    if (vaultExists(home)) {
      note(
        io,
        'latch: warning: no usable scan index, so managed values are not checked; run `latch scan --reindex` (unlocks the vault)',
      );
    }
    return null;
  }
  if (!loaded.current) {
    note(
      io,
      'latch: warning: the scan index is older than the vault; run `latch scan --reindex` to refresh it',
    );
  }
  return new ManagedValueMatcher(loaded.keys, loaded.index);
}

function readLatchignore(root: string): (path: string) => boolean {
  try {
    return parseLatchignore(readFileSync(join(root, '.latchignore'), 'utf8'));
  } catch {
    return () => false;
  }
}

const toSlash = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));

/** Runs `plan` from `io.cwd`; `home` is LATCH_HOME (for the scan index). */
export async function runScan(plan: ScanPlan, io: Io, home: string): Promise<ScanOutcome> {
  const matcher = managedMatcher(io, home);
  if (plan.mode === 'files') return scanFiles(plan, io, home, matcher);
  const root = requireWorkTree(io.cwd, plan.mode === 'staged' ? '--staged' : '--history');
  const collector: Collector = {
    outcome: newOutcome(plan.mode, matcher !== null),
    ignored: readLatchignore(root),
    matcher,
    baseline: plan.baseline,
  };
  if (plan.mode === 'staged') {
    await scanStaged(collector, root, plan.maxSize);
  } else {
    const progress = historyProgress(io);
    collector.pool = { home, inlineBytes: 0, pool: null, batch: [], batchBytes: 0 };
    for (const revisions of plan.revisions) {
      await scanPatches(
        collector,
        root,
        ['log', ...patchOptions, `--format=${commitFormat}`, ...revisions, '--'],
        plan.maxSize,
        progress,
      );
    }
    await finishPool(collector);
    progress?.done();
  }
  return collector.outcome;
}

/** Paths per `git diff` process: beyond this, the staged diff is split (argv stays small). */
const pathsPerChunk = 250;

/**
 * The staged diff, split by path into chunks diffed by parallel `git diff --cached` processes:
 * inflating and diffing the blobs is most of the time of a large commit, and it parallelises.
 * Renames are not followed: a moved file is scanned whole, as if added (conservative, and the
 * same whatever the chunking).
 */
async function scanStaged(collector: Collector, root: string, maxSize: number): Promise<void> {
  const names = git(root, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d'])!
    .split('\0')
    .filter(Boolean);
  if (names.length === 0) return;
  const chunks: string[][] = [];
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
  const parser = new PatchParser((patch: FilePatch) => {
    if (collector.ignored(patch.path)) return;
    const skip = (reason: Skipped['reason']) =>
      collector.outcome.skipped.push({
        path: patch.path,
        reason,
        ...(patch.commit ? { commit: patch.commit.sha } : {}),
      });
    if (patch.binary) return skip('binary');
    if (patch.text.length > maxSize) return skip('too large');
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
      pooled.pool = new UnitPool(script, pooled.home, Math.min(availableParallelism(), 4));
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

/** Files scans of at least this many files are spread over worker threads. */
const filesPerWorkerThreshold = 256;

async function scanFiles(
  plan: ScanPlan,
  io: Io,
  home: string,
  matcher: ManagedValueMatcher | null,
): Promise<ScanOutcome> {
  const targets = plan.paths.length > 0 ? plan.paths : ['.'];
  const outcome = newOutcome('files', matcher !== null);
  const list: FileToScan[] = [];
  for (const target of targets) {
    const absolute = resolve(io.cwd, target);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(absolute);
    } catch {
      throw new LatchError('E_NOT_FOUND', `no such file or directory: ${target}`);
    }
    const lookFrom = stat.isDirectory() ? absolute : resolve(absolute, '..');
    const root = workTreeRoot(lookFrom);
    const base = root ?? (stat.isDirectory() ? absolute : io.cwd);
    const ignored = readLatchignore(base);
    const files = root
      ? listWorkTreeFiles(root, [toSlash(relative(root, absolute)) || '.'])
      : stat.isDirectory()
        ? walk(absolute).map((path) => toSlash(relative(base, path)))
        : [toSlash(relative(base, absolute))];
    for (const path of files) if (!ignored(path)) list.push({ absolute: join(base, path), path });
  }
  const workerScript = list.length >= filesPerWorkerThreshold ? findWorkerScript() : null;
  const parts = workerScript
    ? await scanInWorkers(workerScript, list, home, plan.maxSize)
    : [scanFileList(list, matcher, plan.maxSize)];
  for (const part of parts) {
    outcome.scannedFiles += part.scannedFiles;
    outcome.scannedBytes += part.scannedBytes;
    outcome.allowed += part.allowed;
    outcome.skipped.push(...part.skipped);
    for (const finding of part.findings) {
      if (plan.baseline?.has(finding.fingerprint)) outcome.baselined++;
      else outcome.findings.push(finding);
    }
  }
  outcome.findings.sort(byPathAndLine);
  outcome.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return outcome;
}

function byPathAndLine(a: Finding, b: Finding): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column;
}

/** The bundled worker script next to the CLI (dist/cli/scan-worker.js), or null (then one thread). */
function findWorkerScript(): URL | null {
  if (availableParallelism() < 2) return null;
  for (const candidate of ['./scan-worker.js', '../scan-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Splits `list` over worker threads (one per core, at most 4), each loading the index itself. */
function scanInWorkers(
  script: URL,
  list: FileToScan[],
  home: string,
  maxSize: number,
): Promise<FilesResult[]> {
  const count = Math.min(availableParallelism(), 4);
  const shares: FileToScan[][] = Array.from({ length: count }, () => []);
  for (const [index, file] of list.entries()) shares[index % count]!.push(file);
  return Promise.all(
    shares.map(
      (files) =>
        new Promise<FilesResult>((resolvePart, reject) => {
          const worker = new Worker(script, { workerData: { mode: 'files', home, files, maxSize } });
          worker.once('message', resolvePart);
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new LatchError('E_IO', `a scan worker stopped (exit ${code}); run again`));
          });
        }),
    ),
  );
}

function walk(directory: string): string[] {
  const files: string[] = [];
  const pending = [directory];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') pending.push(path);
      } else if (entry.isFile()) files.push(path);
    }
  }
  return files.sort();
}

/** Findings grouped per file, for hook messages. */
export function filesWithFindings(findings: Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.path))];
}
