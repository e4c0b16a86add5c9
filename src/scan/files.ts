/**
 * Scanning a list of files on disk: size limit, binary sniffing, and the detectors. Shared by
 * the main thread and the scan workers (src/scan/worker.ts).
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { type ContentUnit, type Finding, scanContent } from './content.js';
import type { ManagedValueMatcher } from './managed.js';
import type { Skipped } from './report.js';
import type { CredentialRule } from './rules/rules.js';

export interface FileToScan {
  /** Bytes when the name is not UTF-8 (a Uint8Array once sent to a worker thread). */
  absolute: string | Buffer;
  /** As reported: relative to the work tree or scanned directory, `/`-separated. */
  path: string;
}

export interface FilesResult {
  findings: Finding[];
  skipped: Skipped[];
  allowed: number;
  scannedFiles: number;
  scannedBytes: number;
}

/** A file with a NUL byte in its first 8 KiB is binary. */
export const binarySniffLength = 8192;

/**
 * Binary content as a unit: the managed-value search alone, on its bytes and their UTF-16
 * decodings (an SQLite file, a UTF-16 script); latin1 keeps one character per byte.
 */
export function binaryUnit(path: string, bytes: Buffer): ContentUnit {
  return { path, text: bytes.toString('latin1'), bytes, binary: true };
}

/** Scans each file (the baseline is applied by the caller). Never throws for one bad file. */
export function scanFileList(
  files: FileToScan[],
  matcher: ManagedValueMatcher | null,
  maxSize: number,
  customRules: readonly CredentialRule[] = [],
): FilesResult {
  const result: FilesResult = { findings: [], skipped: [], allowed: 0, scannedFiles: 0, scannedBytes: 0 };
  for (const file of files) scanOneFile(result, file, matcher, maxSize, customRules);
  return result;
}

function scanOneFile(
  result: FilesResult,
  file: FileToScan,
  matcher: ManagedValueMatcher | null,
  maxSize: number,
  customRules: readonly CredentialRule[],
): void {
  const { absolute, path } = file;
  let fd: number;
  try {
    if (lstatSync(absolute).isSymbolicLink()) return;
    fd = openSync(absolute, 'r');
  } catch (error) {
    // Deleted from the work tree but still tracked: nothing on disk to leak.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    result.skipped.push({ path, reason: 'unreadable' });
    return;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxSize) {
      result.skipped.push({ path, reason: 'too large' });
      return;
    }
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    const content = bytes.subarray(0, offset);
    const binary = content.subarray(0, binarySniffLength).includes(0);
    if (binary) {
      // The rules skip it; a managed value is still searched for in its bytes (binaryUnit).
      result.skipped.push({ path, reason: 'binary' });
      if (!matcher) return;
    }
    const { findings, allowed } = scanContent(
      binary ? binaryUnit(path, content) : { path, text: content.toString('utf8'), bytes: content },
      matcher,
      customRules,
    );
    result.scannedFiles++;
    result.scannedBytes += content.length;
    result.allowed += allowed;
    result.findings.push(...findings);
  } catch {
    result.skipped.push({ path, reason: 'unreadable' });
  } finally {
    closeSync(fd);
  }
}
