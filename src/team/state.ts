/**
 * What the vault keeps for team sharing (docs/format.md, "Team entry"): your identity, and per
 * project the recipients you accepted and, per shared secret, what was in `.latch/` and in
 * your vault at the last push or pull (hashes), so that a change on either side since then is
 * told apart from a conflict. Pure: data in and out of `VaultContents`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LatchError } from '../shared/errors.js';
import { nameMap, type VaultContents } from '../vault/vault.js';
import { bech32Encode } from './keys.js';

/** One shared secret at the last sync: SHA-256 (hex) of its value and of its `.latch/` file. */
export interface SyncedSecret {
  value: string;
  file: string;
  /** The fingerprints the file was encrypted to, comma-separated and sorted. */
  to: string;
}

export interface TeamProjectState {
  /** Recipient texts a person accepted (`team init`, `team add`, `team ack`). */
  accepted: string[];
  /** environment -> secret name -> its state at the last sync. */
  synced: Record<string, Record<string, SyncedSecret>>;
  /** environment -> when it was last pulled or pushed (ISO): `latch run`'s hint compares it. */
  pulled: Record<string, string>;
}

export interface TeamState {
  /** Your identity file (AGE-SECRET-KEY-1... or an OpenSSH key), or null before first need. */
  identity: string | null;
  projects: Record<string, TeamProjectState>;
}

const entryName = '#team';

/** The team state stored in the vault (an empty one when there is none). */
export function readTeamState(contents: VaultContents): TeamState {
  const document = contents.getSideDocument(entryName);
  const team = document?.team as Partial<TeamState> | undefined;
  if (document && (typeof team !== 'object' || team === null)) {
    throw new LatchError(
      'E_TAMPERED',
      'the team entry of the vault is malformed; restore the vault from vault.prev',
    );
  }
  const projects = nameMap<TeamProjectState>();
  for (const [name, project] of Object.entries(team?.projects ?? {})) {
    const synced = nameMap<Record<string, SyncedSecret>>();
    for (const [env, secrets] of Object.entries(project.synced ?? {}))
      synced[env] = Object.assign(nameMap<SyncedSecret>(), secrets);
    projects[name] = {
      accepted: [...(project.accepted ?? [])],
      synced,
      pulled: Object.assign(nameMap<string>(), project.pulled),
    };
  }
  return { identity: typeof team?.identity === 'string' ? team.identity : null, projects };
}

/** Stores the team state (written with the vault's next seal). */
export function writeTeamState(contents: VaultContents, state: TeamState): void {
  contents.putSideDocument(entryName, { team: state });
}

/** The project's part of the state, created empty when missing. */
export function projectState(state: TeamState, project: string): TeamProjectState {
  state.projects[project] ??= { accepted: [], synced: nameMap(), pulled: nameMap() };
  return state.projects[project];
}

/** A new X25519 identity, as `age-keygen` writes its key line. */
export function generateIdentityText(): string {
  return `${bech32Encode('age-secret-key-', new Uint8Array(randomBytes(32))).toUpperCase()}\n`;
}

/** SHA-256 of bytes or text, in hex: how the state remembers values and files without keeping them twice. */
export function digest(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
