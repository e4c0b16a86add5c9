/**
 * The team as `latch team ls` and `latch ui` show it: each member of `.latch/recipients` with
 * the environments they read, their key's fingerprint, who committed the key and when (git),
 * whether it is yours, and whether you accepted it. I/O: reads `.latch/recipients` and runs
 * git; reads the vault's contents, never writes them.
 */
import type { VaultContents } from '../vault/vault.js';
import { keyAddedBy } from './history.js';
import { fingerprintOf, parseIdentity } from './keys.js';
import { readTeam, type TeamRepository } from './repo.js';
import { readTeamState } from './state.js';
import { unacceptedMembers } from './trust.js';

/** One member as listed. */
export interface ListedMember {
  name: string;
  /** The environments this member reads, in the order of `.latch/recipients`. */
  environments: string[];
  /** The recipient (a public key): what the member gave to be added. */
  recipient: string;
  fingerprint: string;
  /** Who committed the key first (`Name <email>`), and when (ISO); null before a commit. */
  addedBy: string | null;
  addedAt: string | null;
  /** The key is this vault's own identity. */
  you: boolean;
  /** False while the key waits for a person's `latch team ack`. */
  accepted: boolean;
}

export interface TeamListing {
  /** The environments shared through `.latch/`. */
  environments: string[];
  members: ListedMember[];
}

/**
 * The team of `repository` for the vault's project `project`, as `contents` knows it (your
 * identity, the keys you accepted). Without an identity yet, no key is yours. Throws
 * E_NOT_FOUND without `.latch/recipients` (no team yet), E_CONFLICT or E_USAGE for a file
 * that does not parse.
 */
export function listTeam(repository: TeamRepository, project: string, contents: VaultContents): TeamListing {
  const team = readTeam(repository);
  const state = readTeamState(contents);
  const identity = state.identity ? parseIdentity(state.identity) : null;
  const accepted = state.projects[project]?.accepted ?? [];
  const unaccepted = new Set(unacceptedMembers(team, accepted, identity).map((member) => member.name));
  const members = team.members.map((member) => {
    const added = keyAddedBy(repository, member.recipient.text);
    return {
      name: member.name,
      environments: member.environments,
      recipient: member.recipient.text,
      fingerprint: fingerprintOf(member.recipient.text),
      addedBy: added?.author ?? null,
      addedAt: added?.time ?? null,
      you: member.recipient.text === identity?.recipient.text,
      accepted: !unaccepted.has(member.name),
    };
  });
  return { environments: team.environments, members };
}
