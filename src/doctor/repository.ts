/**
 * The checks of a git repository: `.env` files with values in the history or not ignored
 * now, AI agent state not ignored, and latch's hooks. The history is read by one `git log`
 * stream over every ref, so its cost grows with the number of commits and the files each
 * touches; it stops at a time limit and says so.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { git, listWorkTreeFiles, streamGitLines } from '../git/git.js';
import { hookStates, hooksDirectory } from '../git/hooks.js';
import {
  agentStatePaths,
  envTextHasValues,
  isEnvFileName,
  matchesAgentState,
  type Problem,
} from './rules.js';

/** How long the history walk may take before it stops and says so. */
export const historyBudgetMs = 2_000;
/** At most this many (commit, file) pairs are read back to look for values. */
const maxHistoryHits = 200;
/** The largest `.env` file read (a bigger one is not a `.env` file). */
const maxEnvFileBytes = 1024 * 1024;

/** The repository's top directory at `cwd`, or null outside a work tree. */
export function repositoryRoot(cwd: string): string | null {
  const out = git(cwd, ['rev-parse', '--show-toplevel'], { allowFailure: true });
  return out ? out.trim() : null;
}

/** What the history walk found, and whether it stopped early. */
export interface HistoryScan {
  problems: Problem[];
  commitsRead: number;
  stoppedEarly: boolean;
  elapsedMs: number;
}

/** Reads the contents of `commit:path` objects in one `git cat-file --batch`. */
function readCommitted(root: string, objects: string[]): (Buffer | null)[] {
  if (objects.length === 0) return [];
  const result = spawnSync('git', ['cat-file', '--batch'], {
    cwd: root,
    input: `${objects.join('\n')}\n`,
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = result.stdout ?? Buffer.alloc(0);
  const contents: (Buffer | null)[] = [];
  let offset = 0;
  for (let index = 0; index < objects.length; index++) {
    const end = out.indexOf(0x0a, offset);
    if (end < 0) break;
    const header = out.subarray(offset, end).toString('utf8');
    offset = end + 1;
    const match = /^\S+ blob (\d+)$/.exec(header);
    if (!match) {
      contents.push(null);
      continue;
    }
    const size = Number(match[1]);
    contents.push(size <= maxEnvFileBytes ? out.subarray(offset, offset + size) : null);
    offset += size + 1;
  }
  return contents;
}

/**
 * `.env`-style files with values added or changed in any commit of any ref. Stops after
 * `budgetMs` (a note in `stoppedEarly`).
 */
export async function scanHistory(
  root: string,
  now: () => number,
  budgetMs = historyBudgetMs,
): Promise<HistoryScan> {
  const started = now();
  const hits: { commit: string; path: string }[] = [];
  let commit = '';
  let commitsRead = 0;
  let stoppedEarly = false;
  let stdout: Readable | undefined;
  const stop = () => {
    stoppedEarly = true;
    stdout?.destroy();
  };
  try {
    await streamGitLines(
      root,
      ['log', '--all', '--no-renames', '--diff-filter=AM', '--name-only', '--format=%x01%H', '-z'],
      (line) => {
        if (stoppedEarly) return;
        // With -z, names end in NUL and each commit's header starts with \x01.
        for (const part of line.split('\0')) {
          if (part.startsWith('\u0001')) {
            commit = part.slice(1);
            commitsRead++;
            if (commitsRead % 256 === 0 && now() - started > budgetMs) return stop();
          } else if (part && isEnvFileName(part) && hits.length < maxHistoryHits) {
            hits.push({ commit, path: part });
          }
        }
      },
      undefined,
      (stream) => {
        stdout = stream;
      },
    );
  } catch (error) {
    // A repository with no commit yet has no history; a stream cut short fails by design.
    if (
      !stoppedEarly &&
      !/does not have any commits|bad default revision|unknown revision/.test(String(error))
    )
      if (commitsRead > 0) throw error;
  }
  const contents = readCommitted(
    root,
    hits.map((hit) => `${hit.commit}:${hit.path}`),
  );
  const byPath = new Map<string, string[]>();
  hits.forEach((hit, index) => {
    const text = contents[index];
    if (!text || !envTextHasValues(text.toString('utf8'))) return;
    byPath.set(hit.path, [...(byPath.get(hit.path) ?? []), hit.commit.slice(0, 12)]);
  });
  const problems: Problem[] = [...byPath].map(([path, commits]) => ({
    check: 'env-file-in-history',
    message: `${path} with values is in the git history (${commits.length} commit${commits.length === 1 ? '' : 's'}: ${commits.slice(0, 5).join(', ')}${commits.length > 5 ? ', ...' : ''})`,
    fix: `rotate every value it held, then remove it from history (git filter-repo --invert-paths --path ${path}); latch never rewrites history`,
    fixable: false,
    paths: [path],
    commits,
  }));
  return { problems, commitsRead, stoppedEarly, elapsedMs: now() - started };
}

/** `.env` files with values in the work tree that are committed or not ignored, and agent state not ignored. */
export function workTreeProblems(root: string): Problem[] {
  const listed = listWorkTreeFiles(root, []).map((name) => name.toString('utf8'));
  const tracked = new Set(
    (git(root, ['ls-files', '-z'], { allowFailure: true }) ?? '').split('\0').filter(Boolean),
  );
  const problems: Problem[] = [];
  for (const path of listed) {
    if (!isEnvFileName(path)) continue;
    let text: string;
    try {
      if (!lstatSync(join(root, path)).isFile()) continue;
      text = readFileSync(join(root, path)).subarray(0, maxEnvFileBytes).toString('utf8');
    } catch {
      continue;
    }
    if (!envTextHasValues(text)) continue;
    problems.push(
      tracked.has(path)
        ? {
            check: 'env-file-not-ignored',
            message: `${path} holds values and is committed`,
            fix: `move its values into latch (latch import ${path}), then git rm --cached ${path} and add it to .gitignore`,
            fixable: false,
            paths: [path],
          }
        : {
            check: 'env-file-not-ignored',
            message: `${path} holds values and is not ignored by git`,
            fix: `add ${path} to .gitignore (latch doctor --fix), and move its values into latch (latch import ${path})`,
            fixable: true,
            paths: [path],
            ignoreLine: `/${path}`,
          },
    );
  }
  for (const pattern of agentStatePaths) {
    const files = listed.filter((file) => matchesAgentState(pattern, file));
    if (files.length === 0) continue;
    const committed = files.some((file) => tracked.has(file));
    problems.push({
      check: 'agent-state-not-ignored',
      message: `${pattern} (AI agent state that can capture environment data) is ${committed ? 'committed' : 'not ignored by git'}`,
      fix: committed
        ? `git rm -r --cached ${pattern.replace(/\*$/, '')}* and add ${pattern} to .gitignore`
        : `add ${pattern} to .gitignore (latch doctor --fix)`,
      fixable: !committed,
      paths: files.slice(0, 20),
      ignoreLine: `/${pattern}`,
    });
  }
  return problems;
}

/** Hooks not installed, or installed where git no longer looks (core.hooksPath elsewhere). */
export function hookProblems(root: string): Problem[] {
  const directory = hooksDirectory(root);
  const missing = hookStates(directory).filter(
    (state) => state.installed !== 'latch' || !state.target?.exists,
  );
  if (missing.length === 0) return [];
  const names = missing.map((state) => state.hook).join(' and ');
  const commonDir = git(root, ['rev-parse', '--git-common-dir'], { allowFailure: true })?.trim();
  const defaultDirectory = commonDir ? join(resolve(root, commonDir), 'hooks') : null;
  const bypassed =
    defaultDirectory !== null &&
    defaultDirectory !== directory &&
    hookStates(defaultDirectory).some((state) => state.installed === 'latch');
  return [
    {
      check: 'git-hooks',
      message: bypassed
        ? `latch's ${names} hook is installed in ${defaultDirectory}, but core.hooksPath makes git run ${directory}`
        : `latch's ${names} hook is not installed (${directory})`,
      fix: 'latch hooks install (latch doctor --fix)',
      fixable: true,
    },
  ];
}
