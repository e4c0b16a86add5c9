/**
 * A scan worker thread. It loads the scan index itself (a matcher cannot be sent between
 * threads, and the index is small), then either scans its share of a files scan and exits
 * (`mode: 'files'`), or scans batches of content units posted to it (`mode: 'units'`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ContentUnit, scanContent } from './content.js';
import { type CustomRuleSpec, compileCustomRules } from './custom-rule-spec.js';
import { type FileToScan, scanFileList } from './files.js';
import { ManagedValueMatcher } from './managed.js';
import type { UnitsResult } from './pool.js';
import { loadScanIndex } from './value-index-file.js';

const data = workerData as { home: string; managed: boolean; customRules: CustomRuleSpec[] } & (
  | { mode: 'files'; files: FileToScan[]; maxSize: number }
  | { mode: 'units' }
);
const loaded = loadScanIndex(data.home);
// The main thread had an index: one gone since (removed, replaced) must not pass values unchecked.
if (data.managed && !loaded) throw new Error('the scan index went away during the scan');
const matcher = loaded ? new ManagedValueMatcher(loaded.keys, loaded.index) : null;
// Validated by the thread that started this one; only compiled again here.
const customRules = compileCustomRules(data.customRules).rules;

if (data.mode === 'files') {
  parentPort!.postMessage(scanFileList(data.files, matcher, data.maxSize, customRules));
} else {
  parentPort!.on('message', (units: ContentUnit[]) => {
    const result: UnitsResult = { findings: [], allowed: 0, scannedFiles: 0, scannedBytes: 0 };
    for (const unit of units) {
      const { findings, allowed } = scanContent(unit, matcher, customRules);
      result.findings.push(...findings);
      result.allowed += allowed;
      result.scannedFiles++;
      result.scannedBytes += Buffer.byteLength(unit.text);
    }
    parentPort!.postMessage(result);
  });
}
