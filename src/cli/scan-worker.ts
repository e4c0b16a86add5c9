/**
 * A worker thread of a large files scan: loads the scan index itself (the matcher cannot be
 * sent between threads, and the index is small) and scans its share of the files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ManagedValueMatcher } from '../core/scan-managed.js';
import { loadScanIndex } from '../platform/scan-index-file.js';
import { type FileToScan, scanFileList } from './scan-files.js';

const { home, files, maxSize } = workerData as { home: string; files: FileToScan[]; maxSize: number };
const loaded = loadScanIndex(home);
const matcher = loaded ? new ManagedValueMatcher(loaded.keys, loaded.index) : null;
parentPort!.postMessage(scanFileList(files, matcher, maxSize));
