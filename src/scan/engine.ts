/**
 * Runs a scan plan: collects the content to scan (files of a work tree or directory, the
 * staged diff, or commits' patches), scans each unit with the detectors and the scan index,
 * and applies `.latchignore` and the baseline. Returns the outcome; rendering and the exit
 * code are the command's business.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { listWorkTreeFiles, requireWorkTree, workTreeRoot } from '../git/git.js';
import { LatchError } from '../shared/errors.js';
import { type Io, warn } from '../shared/io.js';
import { vaultExists } from '../vault/store.js';
import { type Collector, findWorkerScript, newOutcome } from './collector.js';
import type { Finding } from './content.js';
import { type CustomRules, noCustomRules } from './custom-rule-spec.js';
import { loadCustomRules } from './custom-rules.js';
import { type FilesResult, type FileToScan, scanFileList } from './files.js';
import { parseLatchignore } from './latchignore.js';
import { ManagedValueMatcher } from './managed.js';
import { scanHistory, scanStaged } from './patches.js';
import type { ScanOutcome } from './report.js';
import { loadScanIndex } from './value-index-file.js';

export interface ScanPlan {
  mode: 'files' | 'staged' | 'history';
  /** Files mode: files or directories (default: the current directory). */
  paths: string[];
  /** History mode: revision arguments for `git log` (default `--all`). */
  revisions: string[][];
  maxSize: number;
  baseline: Set<string> | null;
  /**
   * A scan that guards a commit or a push (the hooks, `--staged`): without a usable scan index
   * while a vault exists, it fails (exit 6) instead of passing managed values unchecked.
   */
  guard?: boolean;
}

export const defaultMaxSize = 5 * 1024 * 1024;

/**
 * The managed-value matcher from the scan index, or null when there is none: with a warning,
 * or, for a `guard` scan, E_TAMPERED (exit 6). Locked, latch cannot tell whether the vault
 * holds any secret, so any vault counts. An index that fails authentication is removed, so
 * that the next unlocked command rebuilds it.
 */
export function managedMatcher(io: Io, home: string, guard = false): ManagedValueMatcher | null {
  const loaded = loadScanIndex(home, { discardUnusable: true });
  if (!loaded) {
    if (guard && vaultExists(home)) {
      throw new LatchError(
        'E_TAMPERED',
        'the scan index is missing or damaged, so managed values cannot be checked; run `latch scan --reindex` (unlocks the vault) and try again',
      );
    }
    if (vaultExists(home)) {
      warn(
        io,
        'no usable scan index, so managed values are not checked; run `latch scan --reindex` (unlocks the vault)',
      );
    }
    return null;
  }
  if (!loaded.current) {
    warn(io, 'the scan index is older than the vault; run `latch scan --reindex` to refresh it');
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

/** Runs `plan` from `io.cwd`; `home` is LATCH_HOME (for the scan index). */ export async function runScan(
  plan: ScanPlan,
  io: Io,
  home: string,
): Promise<ScanOutcome> {
  const matcher = managedMatcher(io, home, plan.guard === true);
  if (plan.mode === 'files') return scanFiles(plan, io, home, matcher);
  const root = requireWorkTree(io.cwd, plan.mode === 'staged' ? '--staged' : '--history');
  const collector: Collector = {
    outcome: newOutcome(plan.mode, matcher !== null),
    ignored: readLatchignore(root),
    matcher,
    baseline: plan.baseline,
    customRules: loadCustomRules(root),
  };
  if (plan.mode === 'staged') await scanStaged(collector, root, plan.maxSize);
  else await scanHistory(collector, root, plan.revisions, plan.maxSize, io, home);
  return collector.outcome;
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
  // The rules file of the first target's work tree (or directory, outside git) serves the scan.
  let customRules: CustomRules | null = null;
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
    customRules ??= loadCustomRules(base);
    const names = root
      ? listWorkTreeFiles(root, [toSlash(relative(root, absolute)) || '.'])
      : stat.isDirectory()
        ? walk(base)
        : [Buffer.from(toSlash(relative(base, absolute)))];
    for (const name of names) {
      const path = name.toString('utf8');
      if (!ignored(path)) list.push({ absolute: fileLocation(base, name, path), path });
    }
  }
  const workerScript = list.length >= filesPerWorkerThreshold ? findWorkerScript() : null;
  const rules = customRules ?? noCustomRules;
  const parts = workerScript
    ? await scanInWorkers(workerScript, list, home, plan.maxSize, matcher, rules)
    : [scanFileList(list, matcher, plan.maxSize, rules.rules)];
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
/**
 * Splits `list` over this thread and worker threads (one thread per core, at most 4). Each
 * worker loads the index itself; this thread scans its own share while they run, which saves
 * one worker's start-up (loading and compiling the rules).
 */
async function scanInWorkers(
  script: URL,
  list: FileToScan[],
  home: string,
  maxSize: number,
  matcher: ManagedValueMatcher | null,
  customRules: CustomRules,
): Promise<FilesResult[]> {
  const count = Math.min(availableParallelism(), 4);
  const shares: FileToScan[][] = Array.from({ length: count }, () => []);
  for (const [index, file] of list.entries()) shares[index % count]!.push(file);
  const workers = shares.slice(1).map(
    (files) =>
      new Promise<FilesResult>((resolvePart, reject) => {
        const worker = new Worker(script, {
          workerData: {
            mode: 'files',
            home,
            files,
            maxSize,
            managed: matcher !== null,
            customRules: customRules.specs,
          },
        });
        worker.once('message', resolvePart);
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new LatchError('E_IO', `a scan worker stopped (exit ${code}); run again`));
        });
      }),
  );
  // Observed now, so a worker failing while this thread scans is not an unhandled rejection.
  const others = Promise.all(workers);
  others.catch(() => {});
  const own = scanFileList(shares[0]!, matcher, maxSize, customRules.rules);
  return [own, ...(await others)];
}

/**
 * Where to open the file `name` (bytes, relative to `base`): a string, or bytes when the name
 * is not UTF-8, which a string would not reach (Node encodes paths as UTF-8).
 */
function fileLocation(base: string, name: Buffer, path: string): string | Buffer {
  return Buffer.from(path).equals(name) ? join(base, path) : Buffer.concat([Buffer.from(`${base}/`), name]);
}

/** The files under `directory`, relative to it, `/`-separated, as bytes (names need not be UTF-8). */
function walk(directory: string): Buffer[] {
  const files: Buffer[] = [];
  const slash = Buffer.from('/');
  const pending: Buffer[] = [Buffer.alloc(0)];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const where = Buffer.concat([Buffer.from(directory), slash, current]);
    for (const entry of readdirSync(where, { withFileTypes: true, encoding: 'buffer' })) {
      const path = current.length > 0 ? Buffer.concat([current, slash, entry.name]) : entry.name;
      if (entry.isDirectory()) {
        if (entry.name.toString() !== '.git') pending.push(path);
      } else if (entry.isFile()) files.push(path);
    }
  }
  return files.sort(Buffer.compare);
}

/** Findings grouped per file, for hook messages. */
export function filesWithFindings(findings: Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.path))];
}
