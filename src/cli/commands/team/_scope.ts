/**
 * What every team command starts from: the project (latch.yaml's directory holds `.latch/`),
 * the unlocked vault, your identity (created on first need and kept in the vault) and your
 * team state for the project.
 */
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { openProjectVault, type ProjectContext, resolveProject } from '../../../app/context.js';
import { LatchError } from '../../../shared/errors.js';
import type { Io } from '../../../shared/io.js';
import { type Identity, parseIdentity } from '../../../team/keys.js';
import type { Team } from '../../../team/recipients-file.js';
import { configureDiffDriver, readTeam, type TeamRepository, teamRepository } from '../../../team/repo.js';
import {
  generateIdentityText,
  projectState,
  readTeamState,
  type TeamProjectState,
  writeTeamState,
} from '../../../team/state.js';
import type { TeamScope } from '../../../team/sync.js';
import type { UnlockedVault } from '../../../vault/store.js';
import type { ParsedArgs } from '../../args.js';

export interface OpenTeam {
  context: ProjectContext;
  vault: UnlockedVault;
  identity: Identity;
  repository: TeamRepository;
}

/** The project's `.latch/` location; throws E_NO_MANIFEST without a latch.yaml. */
export function repositoryOf(context: ProjectContext): TeamRepository {
  if (!context.manifestPath) {
    throw new LatchError(
      'E_NO_MANIFEST',
      'team sharing needs the latch.yaml of a repository: run it inside the project (`latch init` first)',
    );
  }
  return teamRepository(dirname(context.manifestPath));
}

/** Your identity from the vault, generating and storing one the first time. */
export async function ensureIdentity(vault: UnlockedVault): Promise<Identity> {
  const stored = readTeamState(vault.contents).identity;
  if (stored) return parseIdentity(stored);
  const text = await vault.update((contents) => {
    const state = readTeamState(contents);
    state.identity ??= generateIdentityText();
    writeTeamState(contents, state);
    return state.identity;
  });
  return parseIdentity(text);
}

/** Resolves the project, unlocks the vault and loads your identity. */
export async function openTeam(args: ParsedArgs, io: Io): Promise<OpenTeam> {
  const context = await resolveProject(args, io, { anyEnvironment: true });
  const repository = repositoryOf(context);
  const vault = await openProjectVault(io, context);
  const identity = await ensureIdentity(vault);
  return { context, vault, identity, repository };
}

/** The scope of a command on an existing team: `.latch/recipients` parsed, your state read. */
export function scopeOf(open: OpenTeam, team: Team = readTeam(open.repository)): TeamScope {
  const state = readTeamState(open.vault.contents).projects[open.context.project];
  return {
    repository: open.repository,
    team,
    identity: open.identity,
    state: state ?? { accepted: [], synced: Object.create(null), pulled: Object.create(null) },
  };
}

/** Saves changes to the project's team state (`change` gets the newest state inside the lock). */
export async function saveProjectState<T>(
  open: OpenTeam,
  change: (state: TeamProjectState) => T,
): Promise<T> {
  return open.vault.update((contents) => {
    const state = readTeamState(contents);
    const result = change(projectState(state, open.context.project));
    writeTeamState(contents, state);
    return result;
  });
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Sets this clone's git diff driver for secret files to this very latch (the absolute node
 * and bin paths, as the hooks do), unless the clone has one.
 */
export function setUpDiffDriver(repository: TeamRepository): void {
  let bin: string;
  try {
    bin = realpathSync(process.argv[1] ?? '');
  } catch {
    return;
  }
  configureDiffDriver(repository, `${shellQuote(process.execPath)} ${shellQuote(bin)} team diff-driver`);
}
