/**
 * The hint `latch run` gives when `.latch/envs/<env>/` changed after your last pull (a
 * `git pull` brought new secret files): one stat, and the team entry read only when the
 * directory exists, so a project without team sharing pays one failed stat. I/O.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultContents } from '../vault/vault.js';

/**
 * True when the environment's directory under `.latch/envs/` was modified after the last
 * pull or push recorded in the vault (or was never pulled).
 */
export function sharedFilesAreNewer(
  root: string,
  project: string,
  environment: string,
  contents: VaultContents,
): boolean {
  const directory = statSync(join(root, '.latch', 'envs', environment), { throwIfNoEntry: false });
  if (!directory?.isDirectory()) return false;
  const team = contents.getSideDocument('#team')?.team as
    | { projects?: Record<string, { pulled?: Record<string, string> }> }
    | undefined;
  const pulled = team?.projects?.[project]?.pulled?.[environment];
  return pulled === undefined || directory.mtimeMs > Date.parse(pulled);
}
