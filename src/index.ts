/**
 * latch as a library: load a project's secrets into a program without the CLI.
 *
 *   import { loadSecrets } from 'latch';
 *   const secrets = await loadSecrets({ environment: 'dev' });
 *
 * The vault is unlocked with LATCH_PASSPHRASE_FILE or LATCH_PASSPHRASE from `env` (there is
 * no prompt). Throws LatchError (with `code` and `exitCode`) on failure.
 */
import type { ParsedArgs } from './cli/args.js';
import { openVault, resolveProject } from './cli/context.js';
import type { Io } from './cli/io.js';
import { secretsToInject } from './cli/secrets-for-run.js';
import { LatchError } from './core/errors.js';
import { buildRunPlan } from './core/run-plan.js';

export type { ErrorCode } from './core/errors.js';
export { ExitCode, LatchError } from './core/errors.js';

export interface LoadOptions {
  /** Project name; default: the latch.yaml found from `cwd`. */
  project?: string;
  /** Environment; default: LATCH_ENV, then the manifest's default. */
  environment?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/**
 * Returns the secrets the environment declares, as name -> value. Throws E_MISSING_REQUIRED
 * when a required one has no value, and the usual unlock errors.
 */
export async function loadSecrets(options: LoadOptions = {}): Promise<Record<string, string>> {
  const silent = { write: () => true };
  const io: Io = {
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    stdin: { isTTY: false, async *[Symbol.asyncIterator]() {} },
    stdout: silent,
    stderr: silent,
    terminal: null,
    now: () => new Date(),
  };
  const args: ParsedArgs = {
    options: { project: options.project, env: options.environment },
    positionals: [],
    rest: [],
  };
  const context = resolveProject(args, io);
  const vault = await openVault(io);
  const secrets = secretsToInject(context, vault.contents.getProject(context.project));
  const result = buildRunPlan({
    command: '',
    args: [],
    callerEnv: {},
    secrets,
    project: context.project,
    environment: context.environment,
  });
  if (!result.ok)
    throw new LatchError('E_MISSING_REQUIRED', `missing required secrets: ${result.missing.join(', ')}`);
  return result.plan.env;
}
