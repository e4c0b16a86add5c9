/**
 * What git's history says about the team: who added a key, and, for offboarding, every
 * secret file a member could decrypt at any commit (the recipients file of that commit lists
 * them for the file's environment) and whether the current value is one they could read.
 * I/O: runs git in the repository.
 */
import { git } from '../git/git.js';
import { decryptArmored } from './age.js';
import type { Identity } from './keys.js';
import { parseRecipientsFile, type Team } from './recipients-file.js';
import { listSecretFiles, readSecretFile, secretFilePath, type TeamRepository } from './repo.js';
import { decodeSharedSecret } from './secret-file.js';

/** Who committed a key into `.latch/recipients` first, and when; null when git does not know. */
export function keyAddedBy(
  repository: TeamRepository,
  recipientText: string,
): { author: string; time: string } | null {
  const out = git(
    repository.root,
    ['log', '--reverse', '--format=%an <%ae>%x09%aI', `-S${recipientText}`, '--', '.latch/recipients'],
    { allowFailure: true },
  );
  const first = out?.split('\n')[0];
  if (!first) return null;
  const [author, time] = first.split('\t');
  return author && time ? { author, time } : null;
}

/** One secret in an offboarding report. */
export interface ExposedSecret {
  environment: string;
  name: string;
  /** The file still exists and its current value is one the member could read: rotate it. */
  rotate: boolean;
  /** False when the secret has been removed from `.latch/` since. */
  present: boolean;
}

function teamAt(repository: TeamRepository, commit: string): Team | null {
  const text = git(repository.root, ['show', `${commit}:./.latch/recipients`], { allowFailure: true });
  if (text === null) return null;
  try {
    return parseRecipientsFile(text, '.latch/recipients');
  } catch {
    return null;
  }
}

/** The secret files of one environment at a commit: name -> blob id. */
function filesAt(repository: TeamRepository, commit: string, environment: string): Map<string, string> {
  const out =
    git(repository.root, ['ls-tree', commit, `./.latch/envs/${environment}/`], { allowFailure: true }) ?? '';
  const files = new Map<string, string>();
  for (const line of out.split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(?:.*\/)?([A-Za-z_][A-Za-z0-9_]*)\.age$/.exec(line);
    if (match) files.set(match[2]!, match[1]!);
  }
  return files;
}

/**
 * Every secret `member` could decrypt at any commit touching `.latch/` (and in the working
 * tree as it is now), per environment. A secret is to rotate when its file still exists and
 * its current value (the plaintext's `updated`) appears in a version the member could read;
 * a version you cannot decrypt yourself counts as readable (the safe side).
 */
export async function exposedSecrets(
  repository: TeamRepository,
  member: string,
  identity: Identity,
  current: Team | null,
): Promise<ExposedSecret[]> {
  const commits = (
    git(repository.root, ['log', '--reverse', '--format=%H', '--', '.latch'], { allowFailure: true }) ?? ''
  )
    .split('\n')
    .filter(Boolean);
  // environment -> name -> readable versions (blob ids; `worktree` for the file on disk now)
  const readable = new Map<string, Map<string, Set<string>>>();
  const note = (environment: string, name: string, version: string) => {
    const names = readable.get(environment) ?? new Map<string, Set<string>>();
    readable.set(environment, names);
    const versions = names.get(name) ?? new Set<string>();
    names.set(name, versions);
    versions.add(version);
  };
  for (const commit of commits) {
    const team = teamAt(repository, commit);
    const environments = team?.members.find((entry) => entry.name === member)?.environments ?? [];
    for (const environment of environments)
      for (const [name, blob] of filesAt(repository, commit, environment)) note(environment, name, blob);
  }
  for (const environment of current?.members.find((entry) => entry.name === member)?.environments ?? []) {
    for (const name of listSecretFiles(repository, environment)) note(environment, name, 'worktree');
  }
  const updatedOf = async (
    environment: string,
    name: string,
    armored: string | null,
  ): Promise<string | null> => {
    if (armored === null) return null;
    const plaintext = await decryptArmored(armored, identity);
    if (typeof plaintext === 'string') return null;
    try {
      return decodeSharedSecret(plaintext, environment, name, secretFilePath(environment, name)).updated;
    } catch {
      return null;
    }
  };
  const report: ExposedSecret[] = [];
  for (const [environment, names] of [...readable].sort(([left], [right]) => left.localeCompare(right))) {
    for (const [name, versions] of [...names].sort(([left], [right]) => left.localeCompare(right))) {
      const armored = readSecretFile(repository, environment, name);
      if (armored === null) {
        report.push({ environment, name, rotate: false, present: false });
        continue;
      }
      const now = await updatedOf(environment, name, armored);
      let rotate = versions.has('worktree') || now === null;
      for (const version of versions) {
        if (rotate) break;
        const old = git(repository.root, ['cat-file', 'blob', version], {
          allowFailure: true,
          encoding: 'latin1',
        });
        const then = await updatedOf(environment, name, old);
        rotate = then === null || then === now;
      }
      report.push({ environment, name, rotate, present: true });
    }
  }
  return report;
}
