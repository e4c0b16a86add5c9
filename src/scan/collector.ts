/**
 * What a scan accumulates as it goes (the outcome, `.latchignore`, the matcher, the baseline),
 * shared by the files, staged and history scans.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ContentUnit, scanContent } from './content.js';
import type { CustomRules } from './custom-rule-spec.js';
import type { ManagedValueMatcher } from './managed.js';
import type { UnitPool } from './pool.js';
import type { ScanOutcome } from './report.js';

export type ScanMode = ScanOutcome['mode'];

export interface Collector {
  outcome: ScanOutcome;
  ignored: (path: string) => boolean;
  matcher: ManagedValueMatcher | null;
  baseline: Set<string> | null;
  /** The repository's `.latch/scan-rules.yaml`. */
  customRules: CustomRules;
  /** History: hands units to worker threads once the patches are large enough to pay for them. */
  pool?: PatchPool;
}

/** Patch text scanned in this thread before the history scan starts worker threads. */
export const inlineHistoryBytes = 4 * 1024 * 1024;
/** Patch text per batch sent to a worker. */
export const batchBytes = 512 * 1024;

/** The state of a history scan's worker pool: started lazily, fed in batches. */
export interface PatchPool {
  home: string;
  inlineBytes: number;
  pool: UnitPool | null;
  batch: ContentUnit[];
  batchBytes: number;
}

/** An empty outcome for a scan of `mode`. */
export function newOutcome(mode: ScanMode, managedChecked: boolean): ScanOutcome {
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

/** Scans one unit in this thread and records its findings (less the baselined ones). */
export function accept(collector: Collector, unit: ContentUnit, byteCount: number): void {
  const { findings, allowed } = scanContent(unit, collector.matcher, collector.customRules.rules);
  const outcome = collector.outcome;
  outcome.scannedFiles++;
  outcome.scannedBytes += byteCount;
  outcome.allowed += allowed;
  for (const finding of findings) {
    if (collector.baseline?.has(finding.fingerprint)) outcome.baselined++;
    else outcome.findings.push(finding);
  }
}

/**
 * The bundled worker script next to the CLI (dist/cli/scan-worker.js), or null (then one
 * thread). Looked for from the CommonJS bundle (dist/cli), the ES module build's chunks
 * (dist/cli/chunks) and the library build (dist/scan).
 */
export function findWorkerScript(): URL | null {
  if (availableParallelism() < 2) return null;
  for (const candidate of ['./scan-worker.js', '../scan-worker.js', '../cli/scan-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}
