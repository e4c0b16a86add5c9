/**
 * Parses the patches of `git diff -U0` and `git log -p -U0` into the added lines of each file,
 * line by line as git streams them. Hunk headers give the count of removed and added lines, so
 * an added line that itself starts with `+++ ` or `diff --git` is never taken for a header.
 */
import type { CommitInfo } from './content.js';

/** The added lines of one file in one patch. */
export interface FilePatch {
  path: string;
  /** The added lines joined by `\n`. */
  text: string;
  /** The new file's line number of each added line. */
  lineNumbers: number[];
  binary: boolean;
  /** The new blob's object id, from the patch's `index` line (with `--full-index`). */
  blob?: string;
  commit?: CommitInfo;
}

/** The line git prints before each commit's patch with `--format=` this value. */
export const commitFormat = '%x01%H%x01%an <%ae>%x01%aI';

const blobLine = /^index [0-9a-f,]+\.\.([0-9a-f]+)(?: \d+)?$/;
/** `@@@ -a,b -c,d +e,f @@@`: one `-` range per parent, one `@` more than parents. */
const combinedHunkHeader = /^(@@@+) (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@@+/;
const hunkHeader = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Undoes git's C-style quoting of a path (`"a\\tb"`, octal escapes for non-ASCII bytes). */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  const body = text.slice(1, -1);
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!;
    if (character !== '\\') {
      bytes.push(...Buffer.from(character, 'utf8'));
      continue;
    }
    const next = body[index + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A streaming parser: feed it lines (without their `\n`), get one callback per file patch. */
export class PatchParser {
  private commit: CommitInfo | undefined;
  private path: string | null = null;
  private binary = false;
  private blob: string | undefined;
  private lines: string[] = [];
  private lineNumbers: number[] = [];
  private removedLeft = 0;
  private addedLeft = 0;
  private nextLine = 0;
  /** In a merge's combined hunk: its number of parents (prefix columns); 0 otherwise. */
  private combinedWidth = 0;

  constructor(private readonly onPatch: (patch: FilePatch) => void) {}

  /** Takes one line of git's output. */
  line(text: string): void {
    if (this.combinedWidth > 0) {
      if (this.combinedLine(text)) return;
      this.combinedWidth = 0;
    }
    if (this.removedLeft > 0 || this.addedLeft > 0) {
      if (text.startsWith('+')) {
        this.lines.push(text.slice(1));
        this.lineNumbers.push(this.nextLine++);
        this.addedLeft--;
        return;
      }
      if (text.startsWith('-')) {
        this.removedLeft--;
        return;
      }
      if (text.startsWith('\\')) return;
      // Anything else ends the hunk early (should not happen); fall through as a header.
      this.removedLeft = 0;
      this.addedLeft = 0;
    }
    if (text.startsWith('\\')) return;
    if (text.startsWith('\x01')) {
      this.flush();
      const [, sha = '', author = '', date = ''] = text.split('\x01');
      this.commit = { sha, author, date };
      return;
    }
    if (text.startsWith('diff --cc ') || text.startsWith('diff --combined ')) {
      // A merge commit (`--cc`): the name comes from the `+++` line.
      this.flush();
      return;
    }
    if (text.startsWith('diff --git ')) {
      this.flush();
      const at = text.lastIndexOf(' b/');
      this.path = at >= 0 ? text.slice(at + 3) : null;
      if (this.path?.startsWith('"')) this.path = null;
      return;
    }
    if (text.startsWith('+++ ')) {
      // git ends the name with a tab when it holds a space (for GNU patch); a real tab is quoted.
      const target = text.slice(4).replace(/\t$/, '');
      this.path = target === '/dev/null' ? null : unquoteGitPath(target).replace(/^b\//, '');
      return;
    }
    if (text.startsWith('rename to ')) {
      this.path = unquoteGitPath(text.slice(10));
      return;
    }
    const index = blobLine.exec(text);
    if (index) {
      this.blob = index[1];
      return;
    }
    if (text.startsWith('Binary files ') && this.path !== null) {
      this.binary = !text.endsWith(' and /dev/null differ');
      return;
    }
    const combined = combinedHunkHeader.exec(text);
    if (combined) {
      this.combinedWidth = combined[1]!.length - 1;
      this.nextLine = Number(combined[2]);
      return;
    }
    const hunk = hunkHeader.exec(text);
    if (hunk) {
      this.removedLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      this.addedLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      this.nextLine = Number(hunk[2]);
    }
  }

  /**
   * One line of a merge's combined hunk, with one prefix column per parent; false when the
   * hunk is over. Only a line new to every parent (`++`) is the merge's own: a conflict
   * resolution or an "evil merge". A line with `-` somewhere is not in the merge's result.
   */
  private combinedLine(text: string): boolean {
    if (text.startsWith('\\')) return true;
    const prefix = text.slice(0, this.combinedWidth);
    if (prefix.length < this.combinedWidth || !/^[ +-]+$/.test(prefix)) return false;
    if (prefix.includes('-')) return true;
    if (!prefix.includes(' ')) {
      this.lines.push(text.slice(this.combinedWidth));
      this.lineNumbers.push(this.nextLine);
    }
    this.nextLine++;
    return true;
  }

  /** Emits the last file patch; call when the output ends. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.path !== null && (this.lines.length > 0 || this.binary)) {
      this.onPatch({
        path: this.path,
        text: this.lines.join('\n'),
        lineNumbers: this.lineNumbers,
        binary: this.binary,
        ...(this.blob ? { blob: this.blob } : {}),
        ...(this.commit ? { commit: this.commit } : {}),
      });
    }
    this.path = null;
    this.binary = false;
    this.blob = undefined;
    this.lines = [];
    this.lineNumbers = [];
    this.removedLeft = 0;
    this.addedLeft = 0;
    this.combinedWidth = 0;
  }
}
