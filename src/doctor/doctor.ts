/**
 * `doctor` for every front end: runs each check that applies here, says which it skipped and
 * why, and with `fix` applies the fixes that are safe and local (permissions, .gitignore
 * lines, .env.example, the hooks), then checks again. It never rewrites git history and never
 * deletes or edits a file that holds values.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { latchHome, openProjectVault, type ProjectChoice, resolveProject } from '../app/context.js';
import { hooksDirectory, installHooks } from '../git/hooks.js';
import { findManifestFile } from '../manifest/file.js';
import { parseManifest } from '../manifest/manifest.js';
import type { Manifest } from '../manifest/model.js';
import { renderEnvExample } from '../manifest/text.js';
import { LatchError } from '../shared/errors.js';
import { writeFileAtomic } from '../shared/files.js';
import type { Io } from '../shared/io.js';
import type { UnlockedVault } from '../vault/store.js';
import { homeProblems, passphraseProblems } from './machine.js';
import { manifestProblems, storedProblems } from './project.js';
import { hookProblems, repositoryRoot, scanHistory, workTreeProblems } from './repository.js';
import type { Problem, Skipped } from './rules.js';

export interface DoctorOptions {
  fix: boolean;
  /** The node and latch a hook installed by `--fix` calls; null: hooks are not installed. */
  hookCommand: { node: string; bin: string } | null;
  /** Overrides the time the history walk may take (tests). */
  historyBudgetMs?: number;
  /** The vault a long-running front end (`latch ui`) holds unlocked: read instead of unlocking again. */
  vault?: UnlockedVault;
}

export interface DoctorReport {
  ok: boolean;
  problems: Problem[];
  skipped: Skipped[];
  /** What `--fix` changed, one line each. */
  fixed: string[];
  /** The history walk: commits read, how long it took, and whether it stopped at the time limit. */
  history: { commits: number; elapsedMs: number; stoppedEarly: boolean } | null;
}

interface Findings {
  problems: Problem[];
  skipped: Skipped[];
  history: DoctorReport['history'];
  root: string | null;
  manifest: { value: Manifest; path: string } | null;
}

function findRepository(cwd: string): string | null {
  try {
    return repositoryRoot(cwd);
  } catch {
    return null;
  }
}

async function runChecks(io: Io, choice: ProjectChoice, options: DoctorOptions): Promise<Findings> {
  const problems: Problem[] = [];
  const skipped: Skipped[] = [];
  const root = findRepository(io.cwd);
  let history: DoctorReport['history'] = null;
  if (root) {
    const scan = await scanHistory(root, () => Date.now(), options.historyBudgetMs);
    history = { commits: scan.commitsRead, elapsedMs: scan.elapsedMs, stoppedEarly: scan.stoppedEarly };
    problems.push(...scan.problems, ...workTreeProblems(root));
  } else {
    const reason = 'not inside a git repository';
    for (const check of [
      'env-file-in-history',
      'env-file-not-ignored',
      'agent-state-not-ignored',
      'git-hooks',
    ] as const)
      skipped.push({ check, reason });
  }
  const found = findManifestFile(io.cwd);
  const manifest = found ? { value: parseManifest(found.text, found.path), path: found.path } : null;
  if (manifest) problems.push(...manifestProblems(manifest.value, manifest.path));
  else
    for (const check of ['frontend-exposed-secret', 'env-example'] as const)
      skipped.push({ check, reason: 'no latch.yaml here or above' });
  const home = latchHome(io);
  problems.push(...homeProblems(home, root, manifest?.path ?? null));
  if (root) problems.push(...hookProblems(root));
  problems.push(...passphraseProblems(io.env));
  const vaultChecks = ['live-credential-in-development', 'secret-due', 'secret-never-set'] as const;
  if (!manifest || !existsSync(join(home, 'vault'))) {
    const reason = manifest ? 'no vault yet (latch init)' : 'no latch.yaml here or above';
    for (const check of vaultChecks) skipped.push({ check, reason });
  } else {
    try {
      const context = await resolveProject(choice, io, { anyEnvironment: true });
      const vault = options.vault ?? (await openProjectVault(io, context));
      problems.push(
        ...storedProblems(
          context.project,
          context.manifest,
          vault.contents.getProject(context.project),
          io.now().getTime(),
        ),
      );
    } catch (error) {
      if (!(error instanceof LatchError) || !['E_LOCKED', 'E_CONFIRMATION_REQUIRED'].includes(error.code))
        throw error;
      for (const check of vaultChecks)
        skipped.push({ check, reason: 'the vault is locked (run `latch unlock`, then `latch doctor`)' });
    }
  }
  return { problems, skipped, history, root, manifest };
}

/** Applies the safe, local fixes among `findings`; returns what it changed. */
function applyFixes(findings: Findings, options: DoctorOptions): string[] {
  const fixed: string[] = [];
  const ignoreLines: string[] = [];
  for (const problem of findings.problems) {
    if (!problem.fixable) continue;
    if (problem.check === 'latch-home') {
      const path = problem.paths![0]!;
      const mode = path.endsWith('/vault') ? 0o600 : 0o700;
      chmodSync(path, mode);
      fixed.push(`chmod ${mode.toString(8)} ${path}`);
    } else if (problem.ignoreLine !== undefined) {
      ignoreLines.push(problem.ignoreLine);
    } else if (problem.check === 'env-example' && findings.manifest) {
      const path = join(dirname(findings.manifest.path), '.env.example');
      writeFileAtomic(path, new TextEncoder().encode(renderEnvExample(findings.manifest.value)), {
        mode: 0o644,
      });
      fixed.push(`wrote ${path} from latch.yaml`);
    } else if (problem.check === 'git-hooks' && findings.root && options.hookCommand) {
      for (const line of installHooks(
        hooksDirectory(findings.root),
        options.hookCommand.node,
        options.hookCommand.bin,
      ))
        fixed.push(line);
    }
  }
  if (ignoreLines.length > 0 && findings.root) {
    const path = join(findings.root, '.gitignore');
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const lead = before === '' || before.endsWith('\n') ? '' : '\n';
    appendFileSync(
      path,
      `${lead}# added by latch doctor: secrets and AI agent state stay out of git\n${ignoreLines.join('\n')}\n`,
    );
    fixed.push(`added ${ignoreLines.join(', ')} to ${path}`);
  }
  return fixed;
}

/** Runs the checks (and with `fix`, the fixes and the checks again). */
export async function runDoctor(
  io: Io,
  choice: ProjectChoice,
  options: DoctorOptions,
): Promise<DoctorReport> {
  let findings = await runChecks(io, choice, options);
  let fixed: string[] = [];
  if (options.fix && findings.problems.some((problem) => problem.fixable)) {
    fixed = applyFixes(findings, options);
    findings = await runChecks(io, choice, options);
  }
  return {
    ok: findings.problems.length === 0,
    problems: findings.problems,
    skipped: findings.skipped,
    fixed,
    history: findings.history,
  };
}
