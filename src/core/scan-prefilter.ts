/**
 * The keyword prefilter: one pass over a text finds which rule keywords occur, so that only the
 * few rules whose keywords are present run their (slower) patterns. Most source files contain
 * none of the known prefixes, and the pass costs about as much as one `indexOf` per character.
 */
import { escapeRegExp } from './scan-rules-model.js';

/** Where the keywords of a prefilter occur in one text. */
export interface KeywordHits {
  /** Every keyword that occurs at least once. */
  readonly present: ReadonlySet<string>;
  /** Offsets of each occurrence of a keyword (only for keywords asked for with `trackPositions`). */
  readonly positions: ReadonlyMap<string, readonly number[]>;
}

/** A compiled set of keywords. */
export interface Prefilter {
  /** Finds the keywords that occur in `text`, case-blind. Never throws. */
  find(text: string): KeywordHits;
}

/**
 * Compiles `keywords` (lowercase literals) into one case-blind alternation. `trackPositions`
 * names the keywords whose every offset is kept (the generic rule reads only the lines around
 * them); for the others, the first occurrence is enough.
 */
export function createPrefilter(
  keywords: Iterable<string>,
  trackPositions: Iterable<string> = [],
): Prefilter {
  // Longest first, so that a keyword that is a prefix of another (`sk-`, `sk-ant-`) does not
  // hide it; the shorter ones are then credited through `alsoPresent`.
  const unique = [...new Set([...keywords].map((keyword) => keyword.toLowerCase()))].filter(Boolean);
  unique.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const tracked = new Set([...trackPositions].map((keyword) => keyword.toLowerCase()));
  const alsoPresent = new Map<string, string[]>();
  for (const keyword of unique) {
    alsoPresent.set(
      keyword,
      unique.filter((other) => other !== keyword && keyword.startsWith(other)),
    );
  }
  // Without the `u` flag, case folding never changes a string's length, so offsets in the
  // original text stay valid (unlike searching `text.toLowerCase()`).
  const pattern = unique.length > 0 ? new RegExp(unique.map(escapeRegExp).join('|'), 'gi') : null;

  return {
    find(text: string): KeywordHits {
      const present = new Set<string>();
      const positions = new Map<string, number[]>();
      if (pattern === null) return { present, positions };
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const found = match[0].toLowerCase();
        for (const keyword of [found, ...(alsoPresent.get(found) ?? [])]) {
          present.add(keyword);
          if (tracked.has(keyword)) {
            const list = positions.get(keyword);
            if (list) list.push(match.index);
            else positions.set(keyword, [match.index]);
          }
        }
        // Step one character, not past the match, so overlapping keywords are found too.
        pattern.lastIndex = match.index + 1;
      }
      return { present, positions };
    },
  };
}
