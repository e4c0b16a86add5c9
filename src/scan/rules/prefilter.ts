import { prefilterModuleBytes } from './prefilter-wasm.js';

/**
 * The keyword prefilter: one pass over a text finds which rule keywords occur, so that only the
 * few rules whose keywords are present run their (slower) patterns. It is an Aho-Corasick
 * automaton compiled to a dense table over ASCII, case-folded, so the pass costs one table
 * read per character whatever the number of keywords (a regular-expression alternation of
 * 400 keywords tries them one by one at every offset, and was several times slower). The loop
 * runs in WebAssembly where available (`scan-prefilter-wasm.ts`), else in JavaScript.
 */

/** Where the keywords of a prefilter occur in one text. */
export interface KeywordHits {
  /** Every keyword that occurs at least once. */
  readonly present: ReadonlySet<string>;
  /**
   * Ascending offsets of the last character of each occurrence of a keyword asked for with
   * `trackPositions` (each on the line of its keyword, which never spans lines).
   */
  readonly trackedPositions: readonly number[];
}

/** A compiled set of keywords. */
export interface Prefilter {
  /** Finds the keywords that occur in `text`, case-blind for ASCII letters. Never throws. */
  find(text: string): KeywordHits;
}

const alphabetSize = 128;

/**
 * Compiles `keywords` (ASCII literals; matched case-blind). `trackPositions` names the keywords
 * whose every occurrence is kept (the generic rule reads only the lines around them); for the
 * others, knowing that they occur is enough. `webAssembly: false` forces the JavaScript loop
 * (tests compare the two).
 */
export function createPrefilter(
  keywords: Iterable<string>,
  trackPositions: Iterable<string> = [],
  options: { webAssembly?: boolean } = {},
): Prefilter {
  const words = [...new Set([...keywords].map((keyword) => keyword.toLowerCase()))].filter(Boolean);
  const tracked = new Set([...trackPositions].map((keyword) => keyword.toLowerCase()));

  // The trie of keywords (goto function), then failure links breadth-first, folded into a
  // dense transition table so that scanning never follows a failure link.
  const children: Array<Map<number, number>> = [new Map()];
  const outputs: number[][] = [[]];
  for (const [index, word] of words.entries()) {
    let state = 0;
    for (let offset = 0; offset < word.length; offset++) {
      const code = word.charCodeAt(offset) & (alphabetSize - 1);
      let next = children[state]!.get(code);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        outputs.push([]);
        children[state]!.set(code, next);
      }
      state = next;
    }
    outputs[state]!.push(index);
  }
  const stateCount = children.length;
  const transitions = new Int32Array(stateCount * alphabetSize);
  const failure = new Int32Array(stateCount);
  const queue: number[] = [];
  for (let code = 0; code < alphabetSize; code++) {
    const next = children[0]!.get(code);
    if (next !== undefined) {
      transitions[code] = next;
      queue.push(next);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    outputs[state] = [...outputs[state]!, ...outputs[failure[state]!]!];
    for (let code = 0; code < alphabetSize; code++) {
      const next = children[state]!.get(code);
      const fallback = transitions[failure[state]! * alphabetSize + code]!;
      if (next === undefined) {
        transitions[state * alphabetSize + code] = fallback;
      } else {
        failure[next] = fallback;
        transitions[state * alphabetSize + code] = next;
        queue.push(next);
      }
    }
  }
  // Case folding: an upper-case letter moves like its lower-case twin.
  for (let state = 0; state < stateCount; state++) {
    for (let code = 65; code <= 90; code++) {
      transitions[state * alphabetSize + code] = transitions[state * alphabetSize + code + 32]!;
    }
  }
  // One read per character: each entry is the next state's row offset (state × 128),
  // bit-inverted (negative) when that state ends a keyword.
  const table = new Int32Array(stateCount * alphabetSize);
  for (let entry = 0; entry < table.length; entry++) {
    const next = transitions[entry]!;
    table[entry] = outputs[next]!.length > 0 ? ~(next * alphabetSize) : next * alphabetSize;
  }
  const tracksState = new Uint8Array(stateCount);
  for (let state = 0; state < stateCount; state++) {
    if (outputs[state]!.some((word) => tracked.has(words[word]!))) tracksState[state] = 1;
  }

  const longest = words.reduce((most, word) => Math.max(most, word.length), 1);
  const wasm = options.webAssembly === false ? null : createWasmScanner(table, longest - 1);

  return {
    find(text: string): KeywordHits {
      const seenRows = new Uint8Array(stateCount);
      const trackedPositions: number[] = [];
      const visit = (index: number, row: number): void => {
        const state = row >>> 7;
        seenRows[state] = 1;
        if (tracksState[state] === 1) trackedPositions.push(index);
      };
      if (wasm === null || text.length > wasmMaxText || !wasm(text, visit))
        scanWithJavaScript(table, text, visit);
      const present = new Set<string>();
      for (let state = 0; state < stateCount; state++) {
        if (seenRows[state] === 1) for (const word of outputs[state]!) present.add(words[word]!);
      }
      return { present, trackedPositions };
    },
  };
}

type Visit = (index: number, row: number) => void;

function scanWithJavaScript(table: Int32Array, text: string, visit: Visit): void {
  let row = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    // Characters outside ASCII fold into it; that can only add a candidate, which the
    // rule's own pattern then rejects, never hide a keyword (keywords are ASCII).
    const next = table[row + (text.charCodeAt(index) & 127)]!;
    if (next >= 0) {
      row = next;
    } else {
      row = ~next;
      visit(index, row);
    }
  }
}

// Larger texts take the JavaScript path rather than keeping that much WebAssembly memory.
const wasmMaxText = 32 * 1024 * 1024;
const pageSize = 65536;

// The few WebAssembly members used here (this project's TypeScript libs declare no DOM).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiledModule: object | null | undefined;

/** The WebAssembly loop over `table`, or null where WebAssembly is unavailable. */
function createWasmScanner(
  table: Int32Array,
  overlap: number,
): ((text: string, visit: Visit) => boolean) | null {
  if (compiledModule === undefined) {
    try {
      compiledModule = wasmApi ? new wasmApi.Module(prefilterModuleBytes) : null;
    } catch {
      compiledModule = null;
    }
  }
  if (compiledModule === null || wasmApi === undefined) return null;
  const instance = new wasmApi.Instance(compiledModule, {});
  const memory = instance.exports.memory as WasmMemory;
  type Scan = (text: number, length: number, table: number, out: number, capacity: number) => number;
  type Scan2 = (...args: [number, number, number, number, number, number, number, number]) => number;
  const scan = instance.exports.scan as Scan;
  const scan2 = instance.exports.scan2 as Scan2;
  // Layout: [0, 16) stream B's hit count; the table; hits of stream A, of stream B; the text.
  const slot = 0;
  const tableStart = 16;
  const tableBytes = table.length * 4;
  const ensure = (bytes: number): void => {
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / pageSize));
  };
  ensure(tableStart + tableBytes);
  new Int32Array(memory.buffer, tableStart, table.length).set(table);

  // False when memory cannot grow (then nothing was visited, and the caller uses JavaScript).
  return (text, visit) => {
    const length = text.length;
    // Two streams on long texts: A reads [0, mid + overlap), B reads [mid, length) and may
    // read a byte or two of zero padding past the end. A keyword ending before mid + overlap
    // is A's (A has read everything before it); one ending later starts at mid or after, so B,
    // which starts fresh at mid, sees all of it. B's hits before mid + overlap are A's again.
    const twoStreams = length >= 2048;
    const mid = twoStreams ? Math.ceil((length - overlap) / 2) : 0;
    const count = twoStreams ? mid + overlap : length;
    // Hits are keyword ends; start with room for one per 16 characters, rescan if short.
    let capacity = (count >>> 4) + 256;
    for (;;) {
      const outA = tableStart + tableBytes;
      const outB = outA + capacity * 8;
      const textStart = outB + (twoStreams ? capacity * 8 : 0);
      try {
        ensure(textStart + length + 16);
      } catch {
        return false;
      }
      const bytes = new Uint8Array(memory.buffer, textStart, length + 16);
      // latin1 writes one byte per UTF-16 unit (its low byte), so offsets stay string offsets.
      Buffer.from(bytes.buffer, bytes.byteOffset, length).write(text, 'latin1');
      bytes.fill(0, length);
      const hitsA = twoStreams
        ? scan2(textStart, mid, count, tableStart, outA, outB, capacity, slot)
        : scan(textStart, length, tableStart, outA, capacity);
      const hitsB = twoStreams ? new Int32Array(memory.buffer, slot, 1)[0]! : 0;
      if (hitsA > capacity || hitsB > capacity) {
        capacity = Math.max(hitsA, hitsB);
        continue;
      }
      const streamA = new Int32Array(memory.buffer, outA, hitsA * 2);
      for (let hit = 0; hit < streamA.length; hit += 2) visit(streamA[hit]!, streamA[hit + 1]!);
      const streamB = new Int32Array(memory.buffer, outB, hitsB * 2);
      for (let hit = 0; hit < streamB.length; hit += 2) {
        const index = streamB[hit]!;
        if (index >= count && index < length) visit(index, streamB[hit + 1]!);
      }
      return true;
    }
  };
}
