/**
 * Scans one unit of content (a file, or the added lines of one file in one commit) with the
 * rule-based detectors and the managed-value matcher, and turns offsets into reportable
 * findings: path, line, column, rule or secret name, a fingerprint, and an excerpt in which
 * every secret span is replaced by a marker. A finding never carries the secret itself.
 */
import { createHash } from 'node:crypto';
import { type ManagedValueMatcher, utf16Decodings } from './managed.js';
import { type CredentialRule, findCredentials, findEnvFileProblem } from './rules/rules.js';

export const managedRuleId = 'managed-value';
export const allowMarker = 'latch:allow';

/** The commit a history finding was added in. */
export interface CommitInfo {
  sha: string;
  author: string;
  date: string;
}

export interface Finding {
  /** A rule id of scan-rules.ts, or `managed-value`. */
  ruleId: string;
  description: string;
  /** The severity its custom rule declares (`.latch/scan-rules.yaml`), if any. */
  severity?: string;
  /** `project/env/NAME` of the managed secret(s), for `managed-value` findings. */
  secretNames?: string[];
  path: string;
  /** 1-based line and column (in characters) of the start of the secret. */
  line: number;
  column: number;
  /** 1-based line and column just after the secret. */
  endLine: number;
  endColumn: number;
  /** The line with every secret span replaced by a marker, trimmed to at most 160 characters. */
  excerpt: string;
  /** Line-independent: hash of rule (or secret name), path and a hash of the secret. */
  fingerprint: string;
  commit?: CommitInfo;
}

/** One unit to scan. `lineNumbers[i]` is the file line of the text's i-th line (added-lines hunks). */
export interface ContentUnit {
  path: string;
  text: string;
  /** The same content as bytes (the managed matcher works on bytes); derived from `text` if absent. */
  bytes?: Uint8Array;
  lineNumbers?: number[];
  /** Only added lines were given, not the whole file (hygiene then judges what was added). */
  commit?: CommitInfo;
  /** Binary content (`text` is its latin1 decoding): only the managed-value search runs on it. */
  binary?: boolean;
}

interface Span {
  start: number;
  end: number;
  ruleId: string;
  description: string;
  secretNames?: string[];
  severity?: string;
}

const isAscii = (text: string, bytes: Uint8Array) => text.length === bytes.length;

function byteToStringOffset(bytes: Uint8Array, text: string, offset: number): number {
  if (isAscii(text, bytes)) return offset;
  return Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8').length;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The fingerprint of a finding: sha256 of rule-or-name, path and sha256(secret), 32 hex digits. */
export function findingFingerprint(label: string, path: string, secret: string): string {
  return sha256(`${label}\0${path}\0${sha256(secret)}`).slice(0, 32);
}

function marker(span: Span): string {
  return span.secretNames ? `[managed:${span.secretNames[0]}]` : `[${span.ruleId}]`;
}

/** The managed values in `bytes`, as spans of `text` (the same content decoded). */
function managedSpans(matcher: ManagedValueMatcher, text: string, bytes: Uint8Array): Span[] {
  return matcher.find(bytes).map((match) => ({
    start: byteToStringOffset(bytes, text, match.start),
    end: byteToStringOffset(bytes, text, match.end),
    ruleId: managedRuleId,
    description: 'a value stored in the latch vault',
    secretNames: match.names,
  }));
}

/** Finds every secret span: managed values first, then rules not overlapping them (not in binary content). */
function findSpans(
  unit: ContentUnit,
  matcher: ManagedValueMatcher | null,
  bytes: Uint8Array | null,
  customRules: readonly CredentialRule[],
): Span[] {
  const spans = matcher && bytes ? managedSpans(matcher, unit.text, bytes) : [];
  if (unit.binary) return spans;
  const overlaps = (start: number, end: number) => spans.some((span) => start < span.end && span.start < end);
  for (const found of findCredentials(unit.text, unit.path, customRules)) {
    if (!overlaps(found.start, found.end)) spans.push({ ...found });
  }
  const hygiene = findEnvFileProblem(unit.path, unit.text);
  if (hygiene) spans.push({ ...hygiene });
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Scans one unit. Managed values are searched for in its bytes and, when they may hold UTF-16
 * text (`utf16Decodings`), in their UTF-16 decodings too, whatever git calls the file; the
 * built-in rules and a repository's `customRules` read the text (not binary content).
 * Findings on a line holding `latch:allow` are dropped (counted in `allowed`). Never throws.
 */
export function scanContent(
  unit: ContentUnit,
  matcher: ManagedValueMatcher | null,
  customRules: readonly CredentialRule[] = [],
): { findings: Finding[]; allowed: number } {
  const managed = matcher && !matcher.isEmpty ? matcher : null;
  const bytes = managed ? (unit.bytes ?? Buffer.from(unit.text, 'utf8')) : null;
  const result = { findings: [] as Finding[], allowed: 0 };
  const where = unit.binary ? 'binary content' : null;
  reportSpans(result, unit, unit.text, findSpans(unit, managed, bytes, customRules), where, null);
  if (!managed || !bytes) return result;
  // The four decodings overlap (UTF-16LE text read as UTF-16BE one byte later is the same
  // text): a value is reported once per line.
  const seen = new Set<string>();
  for (const { encoding, text } of utf16Decodings(bytes)) {
    const spans = managedSpans(managed, text, Buffer.from(text, 'utf8'));
    if (spans.length > 0) reportSpans(result, unit, text, spans, `${encoding} text`, seen);
  }
  return result;
}

/**
 * Turns the spans of `text` (the unit's text, or a decoding of its bytes) into findings. With
 * `where` (binary content, a UTF-16 decoding: no rule ran on the line, so it could show an
 * unrecognised secret), the excerpt is the marker and where it was found, not the line.
 */
function reportSpans(
  result: { findings: Finding[]; allowed: number },
  unit: ContentUnit,
  text: string,
  spans: Span[],
  where: string | null,
  seen: Set<string> | null,
): void {
  const findings = result.findings;
  for (const span of spans) {
    const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
    let lineEnd = text.indexOf('\n', span.start);
    if (lineEnd < 0) lineEnd = text.length;
    const lineText = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const lineIndex = countNewlines(text, 0, lineStart);
    const secret = text.slice(span.start, span.end);
    const label = span.secretNames ? span.secretNames.join(',') : span.ruleId;
    const fingerprint = findingFingerprint(label, unit.path, secret);
    if (seen) {
      if (seen.has(`${lineIndex}:${fingerprint}`)) continue;
      seen.add(`${lineIndex}:${fingerprint}`);
    }
    if (lineText.includes(allowMarker)) {
      result.allowed++;
      continue;
    }
    const endLineStart = text.lastIndexOf('\n', Math.max(span.end - 1, span.start)) + 1;
    const endLineIndex = lineIndex + countNewlines(text, lineStart, endLineStart);
    const fileLine = (index: number) => unit.lineNumbers?.[index] ?? index + 1;
    findings.push({
      ruleId: span.ruleId,
      description: span.description,
      ...(span.severity ? { severity: span.severity } : {}),
      ...(span.secretNames ? { secretNames: span.secretNames } : {}),
      path: unit.path,
      line: fileLine(lineIndex),
      column: span.start - lineStart + 1,
      endLine: fileLine(endLineIndex),
      endColumn: span.end - endLineStart + 1,
      excerpt: where ? `${marker(span)} (in ${where})` : redactedExcerpt(lineText, lineStart, span, spans),
      fingerprint,
      ...(unit.commit ? { commit: unit.commit } : {}),
    });
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

const excerptWidth = 160;

/** The line with every span that touches it replaced by its marker, cut around `focus`. */
function redactedExcerpt(lineText: string, lineStart: number, focus: Span, spans: Span[]): string {
  const lineEnd = lineStart + lineText.length;
  let out = '';
  let cursor = lineStart;
  let focusAt = 0;
  for (const span of spans) {
    if (span.end <= lineStart || span.start >= lineEnd) continue;
    const start = Math.max(span.start, cursor);
    out += lineText.slice(cursor - lineStart, start - lineStart);
    if (span === focus) focusAt = out.length;
    out += marker(span);
    cursor = Math.max(cursor, Math.min(span.end, lineEnd));
  }
  out += lineText.slice(cursor - lineStart);
  // A multi-line secret (a key block) that starts here hides the rest of the line too.
  const trimmed = out.trim();
  if (trimmed.length <= excerptWidth) return trimmed;
  const from = Math.max(0, Math.min(focusAt - 60, out.length - excerptWidth));
  return `…${out.slice(from, from + excerptWidth).trim()}…`;
}
