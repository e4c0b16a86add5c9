/**
 * Installing and removing latch's git hooks in the directory git really runs hooks from
 * (`git rev-parse --git-path hooks`: honours core.hooksPath and linked worktrees), keeping a
 * hook that was there as `NAME.latch-chained` so it still runs, and restoring it on removal.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { writeFileAtomic } from '../shared/files.js';
import { git } from './git.js';
import {
  chainedSuffix,
  type HookName,
  hookNames,
  hookScript,
  hookTarget,
  isLatchHook,
} from './hook-script.js';

/** The hooks directory git uses for the repository at `cwd`. Throws E_USAGE outside a repository. */
export function hooksDirectory(cwd: string): string {
  const out = git(cwd, ['rev-parse', '--git-path', 'hooks'], { allowFailure: true });
  if (out === null)
    throw new LatchError('E_USAGE', 'not inside a git repository; run `latch hooks` in your repository');
  return resolve(cwd, out.trim());
}

export interface HookState {
  hook: HookName;
  path: string;
  /** `latch`: ours; `other`: a hook that is not latch's; `none`. */
  installed: 'latch' | 'other' | 'none';
  /** A displaced hook that ours runs first. */
  chained: boolean;
  /** For ours: whether the latch it calls still exists. */
  target?: { node: string; bin: string; exists: boolean };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The state of each hook in `directory`. */
export function hookStates(directory: string): HookState[] {
  return hookNames.map((hook) => {
    const path = join(directory, hook);
    const text = readText(path);
    const chained = existsSync(`${path}${chainedSuffix}`);
    if (text === null) return { hook, path, installed: 'none', chained };
    const target = hookTarget(text);
    if (!target) return { hook, path, installed: 'other', chained };
    return {
      hook,
      path,
      installed: 'latch',
      chained,
      target: { ...target, exists: existsSync(target.node) && existsSync(target.bin) },
    };
  });
}

/** Installs (or refreshes) both hooks; returns what was done per hook, for the report. */
export function installHooks(directory: string, node: string, bin: string): string[] {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new LatchError(
      'E_IO',
      `cannot make the hooks directory ${directory} (${code}); ${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way: check core.hooksPath' : 'check its permissions'}`,
    );
  }
  const done: string[] = [];
  for (const hook of hookNames) {
    const path = join(directory, hook);
    const text = readText(path);
    const chained = `${path}${chainedSuffix}`;
    if (text !== null && !isLatchHook(text)) {
      if (existsSync(chained)) {
        throw new LatchError(
          'E_EXISTS',
          `${chained} already exists next to a ${hook} hook that is not latch's; move one of them away and try again`,
        );
      }
      renameSync(path, chained);
      done.push(
        `${hook}: installed; your previous ${hook} hook runs first (kept as ${hook}${chainedSuffix})`,
      );
    } else {
      done.push(`${hook}: ${text === null ? 'installed' : 'updated'}`);
    }
    writeFileAtomic(path, new TextEncoder().encode(hookScript(hook, node, bin)), { mode: 0o755 });
  }
  return done;
}

/** Removes latch's hooks and puts displaced ones back; leaves other hooks alone. */
export function uninstallHooks(directory: string): string[] {
  const done: string[] = [];
  for (const hook of hookNames) {
    const path = join(directory, hook);
    const text = readText(path);
    const chained = `${path}${chainedSuffix}`;
    if (text === null || !isLatchHook(text)) {
      done.push(`${hook}: ${text === null ? 'not installed' : "not latch's; left as it is"}`);
      continue;
    }
    unlinkSync(path);
    if (existsSync(chained)) {
      renameSync(chained, path);
      done.push(`${hook}: removed; your previous hook is back`);
    } else done.push(`${hook}: removed`);
  }
  return done;
}
