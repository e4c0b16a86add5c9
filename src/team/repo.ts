/**
 * The team files in a repository (docs/format.md, "Team files"): finding `.latch/`, reading
 * the recipients file and the secret files, and writing them crash-safely (a temp file
 * renamed into place, so a push killed at any moment leaves whole files). I/O.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { git } from '../git/git.js';
import { LatchError } from '../shared/errors.js';
import { removeOrphanedTempFiles, writeFileAtomic } from '../shared/files.js';
import { hasConflictMarkers, parseRecipientsFile, type Team } from './recipients-file.js';

/** The largest team file read (a secret file holds at most a 4 MiB value, armored). */
const maxFileBytes = 8 * 1024 * 1024;

export interface TeamRepository {
  /** The directory that holds latch.yaml and `.latch/`. */
  root: string;
  directory: string;
  recipients: string;
}

/** The team paths of the project whose latch.yaml is in `root`. */
export function teamRepository(root: string): TeamRepository {
  const directory = join(root, '.latch');
  return { root, directory, recipients: join(directory, 'recipients') };
}

/** The path of a secret file relative to the root, as messages and git name it. */
export function secretFilePath(environment: string, name: string): string {
  return `.latch/envs/${environment}/${name}.age`;
}

/** Whether `.latch/recipients` exists. */
export function teamExists(repository: TeamRepository): boolean {
  return existsSync(repository.recipients);
}

/**
 * Reads and parses `.latch/recipients`. Throws E_NOT_FOUND without one (the repository has no
 * team yet), E_CONFLICT or E_USAGE for a file that does not parse.
 */
export function readTeam(repository: TeamRepository): Team {
  let text: string;
  try {
    text = readFileSync(repository.recipients, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new LatchError(
        'E_NOT_FOUND',
        `no .latch/recipients in ${repository.root}; start sharing with \`latch team init\`, or pull the branch that has it`,
      );
    throw new LatchError('E_IO', `cannot read .latch/recipients (${(error as NodeJS.ErrnoException).code})`);
  }
  return parseRecipientsFile(text, '.latch/recipients');
}

/** The secret names with a file in `.latch/envs/<environment>/`, sorted. */
export function listSecretFiles(repository: TeamRepository, environment: string): string[] {
  const directory = join(repository.directory, 'envs', environment);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.age'))
    .map((name) => name.slice(0, -4))
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .sort();
}

/**
 * The armored text of a secret file, or null when there is none. Throws E_CONFLICT for a file
 * left with git's merge-conflict markers.
 */
export function readSecretFile(repository: TeamRepository, environment: string, name: string): string | null {
  const path = join(repository.root, secretFilePath(environment, name));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new LatchError(
      'E_IO',
      `cannot read ${secretFilePath(environment, name)} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (bytes.length > maxFileBytes)
    throw new LatchError(
      'E_TOO_LARGE',
      `${secretFilePath(environment, name)} is larger than ${maxFileBytes} bytes`,
    );
  const text = bytes.toString('latin1');
  if (hasConflictMarkers(text)) {
    throw new LatchError(
      'E_CONFLICT',
      `${secretFilePath(environment, name)} has git merge-conflict markers; take one side (git checkout --theirs or --ours -- ${secretFilePath(environment, name)}), then \`latch pull\``,
    );
  }
  return text;
}

/** Writes a team file (0644: it is committed) crash-safely, creating its directory. */
export function writeTeamFile(repository: TeamRepository, relativePath: string, text: string): void {
  const path = join(repository.root, relativePath);
  const directory = join(path, '..');
  mkdirSync(directory, { recursive: true });
  // A push killed mid-write leaves NAME.age.tmp-PID-...: never a .age file, and ignored by
  // .latch/.gitignore; the next write in the directory removes it.
  removeOrphanedTempFiles(directory);
  writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o644 });
}

/** Removes a secret file; a file already gone is fine. */
export function removeSecretFile(repository: TeamRepository, environment: string, name: string): void {
  try {
    unlinkSync(join(repository.root, secretFilePath(environment, name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The path of `file` relative to the repository root (for messages). */
export function shownPath(repository: TeamRepository, file: string): string {
  return relative(repository.root, file);
}

/** `.latch/.gitattributes`: secret files diff through the `latch` driver, never as text. */
export const latchGitattributes = 'envs/** diff=latch\n';

/**
 * Points this clone's `diff.latch.command` at `command` (git config is not committed, so each
 * clone sets it: `team init` and `pull` do) unless it is set already. Outside a git work tree
 * it does nothing.
 */
export function configureDiffDriver(repository: TeamRepository, command: string): void {
  const current = git(repository.root, ['config', '--local', '--get', 'diff.latch.command'], {
    allowFailure: true,
  });
  if (current?.trim()) return;
  git(repository.root, ['config', '--local', 'diff.latch.command', command], { allowFailure: true });
}

/** One file of a batch: its path relative to the root, and its text. */
export interface TeamFile {
  path: string;
  text: string;
}

function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes many team files crash-safely, as `writeTeamFile` does one, but with their fsyncs in
 * flight together (the file system commits them as one group) and one fsync per directory
 * at the end: 50 files cost about what two cost one at a time. Every temp file is whole before
 * the first rename, so a kill at any moment leaves each file old or new. Throws E_IO.
 */
export async function writeTeamFiles(repository: TeamRepository, files: TeamFile[]): Promise<void> {
  const staged: { temp: string; path: string }[] = [];
  const directories = new Set<string>();
  try {
    await Promise.all(
      files.map(async (file) => {
        const path = join(repository.root, file.path);
        const directory = dirname(path);
        if (!directories.has(directory)) {
          mkdirSync(directory, { recursive: true });
          removeOrphanedTempFiles(directory);
          directories.add(directory);
        }
        const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
        const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
        staged.push({ temp, path });
        try {
          await handle.writeFile(file.text);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
    for (const { temp, path } of staged) renameSync(temp, path);
    for (const directory of directories) fsyncDirectory(directory);
  } catch (error) {
    for (const { temp } of staged) {
      try {
        unlinkSync(temp);
      } catch {}
    }
    throw new LatchError(
      'E_IO',
      `cannot write .latch/ files (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the directory's permissions and free space`,
    );
  }
}
