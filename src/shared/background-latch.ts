/**
 * Starting latch itself as a background process (the session agent, the clipboard clearer):
 * the `latch` command found next to this code, run detached with only the environment given.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `latch` command: dist/cli/latch.cjs, found next to this code (the CommonJS bundle, the
 * ES module build's chunks, the library build), or null. Never process.argv[1]: a program
 * using latch as a library would start itself.
 */
function latchCommand(): string | null {
  for (const candidate of ['./latch.cjs', '../latch.cjs', '../cli/latch.cjs']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path) && existsSync(join(dirname(path), 'latch-main.cjs'))) return path;
  }
  return null;
}

/**
 * Runs `latch HIDDEN_COMMAND` detached from this process (its own session, no stdio, from
 * `/`) with exactly `env`, and returns its pid; null when it cannot start. It outlives the
 * caller by design, so `env` should hold only what it needs.
 */
export function startBackgroundLatch(hiddenCommand: string, env: Record<string, string>): number | null {
  const command = latchCommand();
  if (command === null) return null;
  try {
    const child = spawn(process.execPath, [command, hiddenCommand], {
      cwd: '/',
      env,
      detached: true,
      stdio: 'ignore',
    });
    child.on('error', () => {});
    child.unref();
    return child.pid ?? null;
  } catch {
    return null;
  }
}
