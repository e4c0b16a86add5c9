/**
 * Streaming redaction of a child's output for `latch run`: every form of every injected value
 * (see `maskForms`) is replaced by `<latch:NAME>`, chunk by chunk, holding back only a tail
 * that may still begin a match. Also masks values broken up by terminal control sequences
 * (colours, `ESC [ K`, OSC strings, a backspace: see mask-colour-codes.ts), keeping the colour
 * changes.
 */
import { ControlStripping } from './colour-codes.js';
import { latin1, maskForms, wrappedForms } from './forms.js';
import { MatchList, PatternMatcher } from './matcher.js';

/** One injected secret: its name (for the marker) and its value. */
export interface MaskSecret {
  name: string;
  value: Uint8Array;
}

/** Options of `createRedactor`. */
export interface RedactorOptions {
  /** Values (and encoded forms) shorter than this many bytes are not masked; default 6, at least 4. */
  minLength?: number;
}

/** A compiled set of secrets; one per run, shared by the run's streams. */
export interface Redactor {
  /** Names of non-empty secrets not masked because they are shorter than minLength (run prints this once). */
  readonly tooShort: string[];
  /** False when every value is too short: nothing would be masked. Known without compiling. */
  readonly masksAnything: boolean;
  /** Number of distinct byte patterns searched for (forms of all values). */
  readonly patternCount: number;
  /** Length of the longest pattern; a stream holds back at most this many bytes of text (see RedactorStream.push). */
  readonly longestPattern: number;
  /** A new stream state (one per output stream: stdout and stderr each get their own). */
  stream(options?: StreamOptions): RedactorStream;
}

/** Options of `Redactor.stream`. */
export interface StreamOptions {
  /**
   * Join the held tail and the next chunk in one buffer kept by the stream instead of a new
   * one per chunk (the copy and the allocation cost about as much as masking a 64 KiB chunk
   * with few secrets). The price: what `push` and `flush` return is valid only until the next
   * call, so the caller must write it or copy it first. Default false.
   */
  reuseOutput?: boolean;
}

/** The masking state of one output stream. */
export interface RedactorStream {
  /**
   * Feeds a chunk; returns the bytes that are safe to emit now (possibly empty, possibly a view
   * of `chunk`). Holds back only a tail that may begin a match, however long it stays
   * undecided: fewer than `longestPattern` bytes, plus any control sequences inside it when a
   * value is broken up by them, plus one last character when a backspace in the next chunk
   * may erase it. Never throws.
   */
  push(chunk: Uint8Array): Uint8Array;
  /**
   * Emits everything held back (after masking complete matches); called at end of stream
   * (never on a timer: what is held may begin a value). The stream stays usable: if later
   * bytes complete a value begun before the flush, the rest of it is masked.
   */
  flush(): Uint8Array;
  /** Bytes held back now, not yet emitted. */
  readonly pendingLength: number;
}

const empty = new Uint8Array(0);
const encoder = new TextEncoder();

/** Matches of `raw` and of `stripped` (mapped back to original offsets), merged in start order. */
function mergeMatches(
  raw: MatchList,
  stripped: MatchList,
  controls: ControlStripping,
  into: MatchList,
): MatchList {
  into.clear();
  let left = 0;
  for (let right = 0; right < stripped.count; right++) {
    const start = controls.toOriginal(stripped.starts[right]!);
    while (left < raw.count && raw.starts[left]! <= start) {
      into.push(raw.starts[left]!, raw.ends[left]!, raw.ids[left]!);
      left++;
    }
    into.push(start, controls.toOriginal(stripped.ends[right]! - 1) + 1, stripped.ids[right]!);
  }
  for (; left < raw.count; left++) into.push(raw.starts[left]!, raw.ends[left]!, raw.ids[left]!);
  return into;
}

function plainView(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concatenate(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 0) return empty;
  if (pieces.length === 1) return pieces[0]!;
  let size = 0;
  for (const piece of pieces) size += piece.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * One stream's state: the held-back tail, how much of it was already emitted (by a flush) or
 * dropped (inside a masked value), and where the current masked region ends, all as offsets
 * into the tail, which the next chunk is appended to.
 */
class MaskingStream implements RedactorStream {
  private held: Uint8Array = empty;
  private handled = 0;
  private regionEnd = 0;
  private readonly found = new MatchList();
  private readonly foundStripped = new MatchList();
  private readonly merged = new MatchList();
  private readonly controls = new ControlStripping();
  // Backspaces dropped alone, as a reader of the bytes sees the text; made at the first one.
  private controlsDropped: ControlStripping | null = null;
  private readonly foundDropped = new MatchList();
  private readonly mergedDropped = new MatchList();
  private readonly foundTail = new MatchList();
  // With reuseOutput: where the held tail and the next chunk are joined, grown as needed.
  private joined: Uint8Array | null;

  private compiled: CompiledPatterns | null = null;

  /** `compile` runs on the first chunk: a program that prints nothing never pays for it. */
  constructor(
    private readonly compile: () => CompiledPatterns,
    reuseOutput: boolean,
  ) {
    this.joined = reuseOutput ? empty : null;
  }

  private get matcher(): PatternMatcher {
    this.compiled ??= this.compile();
    return this.compiled.matcher;
  }

  private get markers(): readonly Uint8Array[] {
    this.compiled ??= this.compile();
    return this.compiled.markers;
  }

  get pendingLength(): number {
    return this.held.length - this.handled;
  }

  push(chunk: Uint8Array): Uint8Array {
    if (chunk.length === 0) return empty;
    // A plain view: subarray and indexOf on a Node Buffer go through slower JavaScript wrappers.
    if (this.held.length === 0) return this.process(plainView(chunk), false);
    const size = this.held.length + chunk.length;
    let buffer: Uint8Array;
    if (this.joined === null) buffer = new Uint8Array(size);
    else {
      if (this.joined.length < size) this.joined = new Uint8Array(size);
      buffer = this.joined.subarray(0, size);
    }
    // `held` is always a copy of its own (see process), never a view of `joined`.
    buffer.set(this.held);
    buffer.set(chunk, this.held.length);
    return this.process(buffer, false);
  }

  flush(): Uint8Array {
    return this.pendingLength === 0 ? empty : this.process(this.held, true);
  }

  /**
   * Where a possible start of a value ends just before the last byte of `buffer`, when that
   * byte is a character a backspace in the next chunk may erase (`sk-live-Z` then
   * `\b4eC...`); else the buffer's length. Looks at the last `longestPattern` bytes only.
   */
  private overstrikeStart(buffer: Uint8Array): number {
    const last = buffer.length - 1;
    if (last < 1 || buffer[last]! < 0x20 || buffer[last]! > 0x7e) return buffer.length;
    const from = Math.max(0, last - this.matcher.longest);
    this.foundTail.clear();
    const start = from + this.matcher.scan(buffer.subarray(from, last), false, this.foundTail);
    return start < last ? start : buffer.length;
  }

  private process(buffer: Uint8Array, final: boolean): Uint8Array {
    this.found.clear();
    let safe = this.matcher.scan(buffer, final, this.found);
    let matches = this.found;
    const controls = this.controls;
    const hasControls = controls.strip(buffer, final);
    if (hasControls) {
      this.foundStripped.clear();
      const stripped = controls.stripped.subarray(0, controls.strippedLength);
      safe = Math.min(safe, controls.toOriginal(this.matcher.scan(stripped, final, this.foundStripped)));
      matches = mergeMatches(this.found, this.foundStripped, controls, this.merged);
      if (controls.sawBackspace) {
        this.controlsDropped ??= new ControlStripping(false);
        const dropped = this.controlsDropped;
        dropped.strip(buffer, final);
        this.foundDropped.clear();
        const text = dropped.stripped.subarray(0, dropped.strippedLength);
        safe = Math.min(safe, dropped.toOriginal(this.matcher.scan(text, final, this.foundDropped)));
        matches = mergeMatches(matches, this.foundDropped, dropped, this.mergedDropped);
      }
    }
    if (!final) {
      safe = Math.min(safe, this.overstrikeStart(buffer));
      // The same in the text without control sequences, when it ends with the same byte.
      const last = controls.strippedLength - 1;
      if (hasControls && last >= 0 && controls.toOriginal(last) === buffer.length - 1)
        safe = Math.min(
          safe,
          controls.toOriginal(this.overstrikeStart(controls.stripped.subarray(0, last + 1))),
        );
    }
    const end = final ? buffer.length : safe;
    let cursor = this.handled;
    let region = this.regionEnd;
    let output: Uint8Array;
    if (matches.count === 0) {
      output = end > cursor ? buffer.subarray(cursor, end) : empty;
      cursor = Math.max(cursor, end);
    } else {
      const pieces: Uint8Array[] = [];
      let nextControl = 0;
      for (let index = 0; index < matches.count; index++) {
        const start = matches.starts[index]!;
        if (start >= end) break;
        const matchEnd = matches.ends[index]!;
        if (start < region) {
          region = Math.max(region, matchEnd);
        } else {
          if (start > cursor) {
            pieces.push(buffer.subarray(cursor, start));
            cursor = start;
          }
          pieces.push(this.markers[matches.ids[index]!]!);
          region = matchEnd;
        }
        if (region <= cursor) continue;
        // Dropped bytes: keep the colour changes inside them, so the terminal's state after the
        // marker is what it would have been after the value.
        for (
          ;
          nextControl < controls.count && controls.originalStarts[nextControl]! < region;
          nextControl++
        ) {
          const controlStart = controls.originalStarts[nextControl]!;
          const controlEnd = controlStart + controls.lengths[nextControl]!;
          if (controls.kept[nextControl] === 1 && controlStart >= cursor && controlEnd <= region) {
            pieces.push(buffer.subarray(controlStart, controlEnd));
          }
        }
        cursor = region;
      }
      if (end > cursor) {
        pieces.push(buffer.subarray(cursor, end));
        cursor = end;
      }
      output = concatenate(pieces);
    }
    // Keep the undecided tail (for a flush, as context to mask the rest of a value it cut).
    this.held = safe < buffer.length ? new Uint8Array(buffer.subarray(safe)) : empty;
    this.handled = Math.max(0, cursor - safe);
    this.regionEnd = Math.max(0, region - safe);
    if (this.held.length === 0) this.handled = this.regionEnd = 0;
    return output;
  }
}

/** `form` without its control sequences, or null when it has none. */
function withoutControls(form: Uint8Array): Uint8Array | null {
  // Almost no form holds an ESC or a backspace: skip making a stripper (five tables) for each.
  if (!form.includes(0x1b) && !form.includes(0x08)) return null;
  const stripping = new ControlStripping();
  return stripping.strip(form, true) ? stripping.stripped.slice(0, stripping.strippedLength) : null;
}

/** The forms of every value long enough (see `maskForms`), compiled, and the marker of each. */
interface CompiledPatterns {
  matcher: PatternMatcher;
  markers: Uint8Array[];
}

function compilePatterns(secrets: readonly MaskSecret[], minLength: number): CompiledPatterns {
  const patterns: Uint8Array[] = [];
  const markers: Uint8Array[] = [];
  const seen = new Set<string>();
  const add = (form: Uint8Array, marker: Uint8Array) => {
    const key = latin1(form);
    if (form.length < minLength || seen.has(key)) return;
    seen.add(key);
    patterns.push(form);
    markers.push(marker);
  };
  for (const secret of secrets) {
    const forms = maskForms(secret.value, minLength);
    if (forms.length === 0) continue;
    const marker = encoder.encode(`<latch:${secret.name}>`);
    for (const form of [...forms, ...wrappedForms(secret.value, minLength)]) {
      add(form, marker);
      // A value that itself holds control sequences reaches the stripped pass without them.
      const plain = withoutControls(form);
      if (plain !== null) add(plain, marker);
    }
  }
  return { matcher: new PatternMatcher(patterns), markers };
}

/**
 * Compiles the forms of every value (see `maskForms`) into one matcher; each match is replaced
 * by `<latch:NAME>`. Where forms overlap, the whole overlap is masked under the name of the
 * longest match at its first position. A value shorter than `minLength` is not masked and its
 * name is listed in `tooShort`, unless it is empty (nothing to mask, nothing to warn about).
 * The forms are made and compiled when first needed: the first chunk a stream masks, or
 * `patternCount` or `longestPattern` (several milliseconds for 20 secrets in a fresh process), so that a program that prints nothing never pays for it. The
 * list is copied now, but the values are read then: they must not change in between. Throws RangeError when `minLength` is not an integer >= 4.
 */
export function createRedactor(secrets: readonly MaskSecret[], options: RedactorOptions = {}): Redactor {
  const minLength = options.minLength ?? 6;
  if (!Number.isInteger(minLength) || minLength < 4) {
    throw new RangeError('minLength must be an integer of at least 4');
  }
  // maskForms gives nothing exactly when the value itself is shorter than minLength.
  const tooShort = secrets
    .filter((secret) => secret.value.length > 0 && secret.value.length < minLength)
    .map((secret) => secret.name);
  const own = [...secrets];
  let compiled: CompiledPatterns | null = null;
  const compile = () => {
    compiled ??= compilePatterns(own, minLength);
    return compiled;
  };
  return {
    tooShort,
    masksAnything: own.some((secret) => secret.value.length >= minLength),
    get patternCount() {
      return compile().matcher.count;
    },
    get longestPattern() {
      return compile().matcher.longest;
    },
    stream: (streamOptions = {}) => new MaskingStream(compile, streamOptions.reuseOutput === true),
  };
}
