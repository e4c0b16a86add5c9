/**
 * Where latch keeps its files: `LATCH_HOME`, else the platform's per-user data directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The latch home directory for this environment (not created here). */
export function resolveLatchHome(
  env: Readonly<Record<string, string | undefined>>,
  platform = process.platform,
): string {
  if (env.LATCH_HOME) return env.LATCH_HOME;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'latch');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'latch');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'latch');
}
