/**
 * `latch hooks install | uninstall | status`, and `latch hooks run pre-commit | pre-push`,
 * which the installed scripts call: the staged changes, or every commit being pushed (read
 * from the hook's standard input), scanned with the vault locked or not.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { recordScanBlock } from '../../../app/audit.js';
import { latchHome } from '../../../app/context.js';
import { hasCommitObject, isBareRepository, requireWorkTree } from '../../../git/git.js';
import { hookStates, hooksDirectory, installHooks, uninstallHooks } from '../../../git/hooks.js';
import { parseBaseline } from '../../../scan/baseline.js';
import { defaultMaxSize, filesWithFindings, runScan } from '../../../scan/engine.js';
import { renderText, type ScanOutcome } from '../../../scan/report.js';
import { usageError } from '../../../shared/errors.js';
import { counted, type Io, note, say } from '../../../shared/io.js';
import { printable } from '../../../shared/utf8.js';
import type { ParsedArgs } from '../../args.js';

/** A committed baseline the hooks use by themselves, when the repository has one. */
export const hookBaselineFile = '.latch-baseline.json';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action, hook, ...extra] = args.positionals;
  if (action === 'run' && (hook === 'pre-commit' || hook === 'pre-push')) return runHook(hook, io);
  if (
    !action ||
    !['install', 'uninstall', 'status'].includes(action) ||
    hook !== undefined ||
    extra.length > 0
  ) {
    throw usageError('usage: latch hooks install | uninstall | status');
  }
  const directory = hooksDirectory(io.cwd);
  if (action === 'install') {
    // The hooks scan a work tree's index and a clone's pushes; in a bare repository the
    // pre-push hook could only fail, and so block every push.
    if (isBareRepository(io.cwd))
      throw usageError('this is a bare repository, with no work tree to scan; install the hooks in a clone');
    // The hook calls this very latch, so it works without latch on PATH (npx, a dev dependency).
    const bin = realpathSync(process.argv[1] ?? '');
    for (const line of installHooks(directory, process.execPath, bin)) say(io, line);
    say(io, `hooks directory: ${directory}`);
    if (directory.includes('.husky')) {
      note(
        io,
        'latch: note: husky manages this directory; add `latch scan --staged` to .husky/pre-commit instead',
      );
    }
    return 0;
  }
  if (action === 'uninstall') {
    for (const line of uninstallHooks(directory)) say(io, line);
    return 0;
  }
  for (const state of hookStates(directory)) {
    const chained = state.chained ? ', runs your previous hook first' : '';
    if (state.installed === 'latch') {
      const target = state.target!;
      say(
        io,
        `${state.hook}: installed${chained}; calls ${target.bin}${target.exists ? '' : ' (missing: falls back to latch on PATH; run `latch hooks install` again)'}`,
      );
    } else if (state.installed === 'other') say(io, `${state.hook}: another hook, not latch's`);
    else say(io, `${state.hook}: not installed`);
  }
  say(io, `hooks directory: ${directory}`);
  return 0;
}

function hookBaseline(root: string): Set<string> | null {
  const path = join(root, hookBaselineFile);
  return existsSync(path) ? parseBaseline(readFileSync(path, 'utf8')) : null;
}

/** `path` as one shell word for a command to copy: quoted when needed, after `--` when it starts with a dash. */
function pathArgument(path: string): string {
  const word = /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
  return path.startsWith('-') ? `-- ${word}` : word;
}

const zeroSha = /^0+$/;

/** The `git log` revision arguments for the refs a pre-push hook is given on stdin. */
export function pushRevisions(input: string, commitExists: (sha: string) => boolean): string[][] {
  const revisions: string[][] = [];
  for (const line of input.split('\n')) {
    const [localRef, localSha, , remoteSha] = line.trim().split(/\s+/);
    if (!localRef || !localSha || !remoteSha || zeroSha.test(localSha)) continue;
    // A new branch, or a remote commit we do not have: everything not on any remote yet.
    if (zeroSha.test(remoteSha) || !commitExists(remoteSha)) revisions.push([localSha, '--not', '--remotes']);
    else revisions.push([`${remoteSha}..${localSha}`]);
  }
  return revisions;
}

async function readAll(io: Io): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}

async function runHook(hook: 'pre-commit' | 'pre-push', io: Io): Promise<number> {
  const root = requireWorkTree(io.cwd, `the ${hook} hook`);
  const baseline = hookBaseline(root);
  let outcome: ScanOutcome;
  if (hook === 'pre-commit') {
    outcome = await runScan(
      { mode: 'staged', paths: [], revisions: [], maxSize: defaultMaxSize, baseline, guard: true },
      io,
      latchHome(io),
    );
  } else {
    const revisions = pushRevisions(await readAll(io), (sha) => hasCommitObject(root, sha));
    if (revisions.length === 0) return 0;
    outcome = await runScan(
      { mode: 'history', paths: [], revisions, maxSize: defaultMaxSize, baseline, guard: true },
      io,
      latchHome(io),
    );
  }
  if (outcome.findings.length === 0) return 0;
  await recordScanBlock(io, outcome, hook);
  io.stderr.write(renderText(outcome));
  const files = filesWithFindings(outcome.findings).map(printable);
  const lines =
    hook === 'pre-commit'
      ? [
          `latch: commit blocked: ${counted(outcome.findings.length, 'secret')} in the staged changes of ${files.join(', ')}.`,
          '  take the value out of the file (keep it in latch and use `latch run`), then `git add` the file again;',
          `  or take the file out of this commit: \`git restore --staged ${pathArgument(files[0]!)}\` (keeps your copy), or \`git rm --cached ${pathArgument(files[0]!)}\` to stop tracking it.`,
        ]
      : [
          `latch: push blocked: ${counted(outcome.findings.length, 'secret')} in the commits being pushed (${files.join(', ')}).`,
          '  the secret is in your local history even if a later commit removed it: rewrite those commits',
          '  (`git commit --amend` for the last one, `git rebase -i` for older ones), and rotate the secret if it was shared.',
        ];
  lines.push(
    '  a false positive? add `latch:allow` in a comment on that line, list the path in .latchignore,',
    `  or accept these findings: \`latch scan ${hook === 'pre-commit' ? '--staged' : '--history'} --write-baseline ${hookBaselineFile}\` at the top of the work tree (the hooks read that file).`,
  );
  for (const line of lines) note(io, line);
  return 5;
}
