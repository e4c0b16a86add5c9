/**
 * The route about team sharing in the repository `latch ui` was started in: its members, the
 * environments each reads, and the keys waiting for a person's `latch team ack` (which stays a
 * terminal action: the page shows the command). Public keys and fingerprints only.
 */
import { dirname } from 'node:path';
import { listTeam, type TeamListing } from '../team/members.js';
import { teamExists, teamRepository } from '../team/repo.js';
import type { Routes } from './request.js';

/** What `GET /api/team` answers; `team` is null without `.latch/recipients`. */
export interface TeamAnswer {
  /** The project of this directory's latch.yaml, or null outside one. */
  project: string | null;
  team: TeamListing | null;
}

export const teamRoutes: Routes = {
  'GET /api/team': async (state) => {
    const here = state.here;
    let answer: TeamAnswer = { project: null, team: null };
    if (here?.manifestPath) {
      const repository = teamRepository(dirname(here.manifestPath));
      const team = teamExists(repository) ? listTeam(repository, here.project, state.vault.reload()) : null;
      answer = { project: here.project, team };
    }
    return { status: 200, json: answer };
  },
};
