/**
 * The checks of this machine's latch setup: LATCH_HOME and the vault readable by others,
 * inside the repository or a synced folder, a symlinked vault or manifest, and the
 * passphrase in shell history or in the current environment. Never prints a line of history.
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Problem, passphraseLines, syncedFolder } from './rules.js';

/** The most of a history file read (its end: recent lines matter most). */
const maxHistoryBytes = 32 * 1024 * 1024;

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return null;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Problems with LATCH_HOME (`home`) and the vault in it; `repository` is the repository's root, if any. */
export function homeProblems(
  home: string,
  repository: string | null,
  manifestPath: string | null,
): Problem[] {
  const problems: Problem[] = [];
  const homeMode = modeOf(home);
  if (homeMode !== null && process.platform !== 'win32' && (homeMode & 0o077) !== 0)
    problems.push({
      check: 'latch-home',
      message: `LATCH_HOME (${home}) is readable by group or others (mode ${homeMode.toString(8)})`,
      fix: `chmod 700 ${home} (latch doctor --fix)`,
      fixable: true,
      paths: [home],
    });
  const vault = join(home, 'vault');
  const vaultMode = modeOf(vault);
  if (vaultMode !== null && process.platform !== 'win32' && (vaultMode & 0o077) !== 0)
    problems.push({
      check: 'latch-home',
      message: `the vault (${vault}) is readable by group or others (mode ${vaultMode.toString(8)})`,
      fix: `chmod 600 ${vault} (latch doctor --fix)`,
      fixable: true,
      paths: [vault],
    });
  const realHome = realPath(home);
  if (repository && (realHome === realPath(repository) || realHome.startsWith(`${realPath(repository)}/`)))
    problems.push({
      check: 'latch-home',
      message: `LATCH_HOME (${home}) is inside this repository`,
      fix: 'move it out (for example to ~/.local/share/latch) and set LATCH_HOME there',
      fixable: false,
    });
  const service = syncedFolder(realHome);
  if (service)
    problems.push({
      check: 'latch-home',
      message: `LATCH_HOME (${home}) is inside a ${service} folder: the vault and audit log are copied to its servers`,
      fix: 'move it to a folder that is not synced and set LATCH_HOME there',
      fixable: false,
    });
  for (const [what, path] of [
    ['the vault', vault],
    ['latch.yaml', manifestPath],
  ] as const) {
    if (!path) continue;
    try {
      if (lstatSync(path).isSymbolicLink())
        problems.push({
          check: 'latch-home',
          message: `${what} (${path}) is a symbolic link to ${realPath(path)}`,
          fix: 'replace the link with the file itself (latch writes through rename, which replaces a link)',
          fixable: false,
          paths: [path],
        });
    } catch {}
  }
  return problems;
}

/** Shell history files that set LATCH_PASSPHRASE, and LATCH_PASSPHRASE in `env`. */
export function passphraseProblems(env: Readonly<Record<string, string | undefined>>): Problem[] {
  const problems: Problem[] = [];
  const home = env.HOME;
  const files = new Set<string>();
  if (env.HISTFILE) files.add(env.HISTFILE);
  if (home)
    for (const name of [
      '.bash_history',
      '.zsh_history',
      '.history',
      '.sh_history',
      '.local/share/fish/fish_history',
    ])
      files.add(join(home, name));
  for (const file of files) {
    let text: string;
    try {
      const bytes = readFileSync(file);
      text = bytes.subarray(Math.max(0, bytes.length - maxHistoryBytes)).toString('utf8');
    } catch {
      continue;
    }
    const lines = passphraseLines(text);
    if (lines > 0)
      problems.push({
        check: 'passphrase-exposed',
        message: `${file} has ${lines} line${lines === 1 ? '' : 's'} setting LATCH_PASSPHRASE=`,
        fix: `delete those lines from ${file}, change the passphrase (latch passwd), and use LATCH_PASSPHRASE_FILE or latch unlock`,
        fixable: false,
        paths: [file],
      });
  }
  if (env.LATCH_PASSPHRASE)
    problems.push({
      check: 'passphrase-exposed',
      message:
        'LATCH_PASSPHRASE is set in the environment of this shell (every program it starts can read it)',
      fix: 'unset LATCH_PASSPHRASE; use latch unlock, or LATCH_PASSPHRASE_FILE in scripts',
      fixable: false,
    });
  return problems;
}
