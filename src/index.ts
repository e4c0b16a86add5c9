/**
 * latch as a library: load a project's secrets into a program without the CLI.
 *
 *   import { loadSecrets } from 'latch';
 *   const secrets = await loadSecrets({ environment: 'dev' });
 *
 * The vault is unlocked with LATCH_PASSPHRASE_FILE or LATCH_PASSPHRASE from `env` (there is
 * no prompt), and a protected environment is refused (it needs a person on a terminal), as
 * is a project that does not trust the directory (`cwd`'s latch.yaml names another project,
 * or there is none): there is no terminal to confirm on.
 * Throws LatchError (with `code` and `exitCode`) on failure.
 */
import { basename } from 'node:path';
import { confirmDirectoryTrust, isProtected } from './app/access.js';
import { recordEvent } from './app/audit.js';
import { openProjectVault, type ProjectChoice, resolveProject } from './app/context.js';
import { secretsToInject } from './app/secrets-for-run.js';
import { buildRunPlan } from './run/plan.js';
import { LatchError } from './shared/errors.js';
import type { Io } from './shared/io.js';

export type { ErrorCode } from './shared/errors.js';
export { ExitCode, LatchError } from './shared/errors.js';

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
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const args: ProjectChoice = { options: { project: options.project, env: options.environment } };
  const context = await resolveProject(args, io);
  const vault = await openProjectVault(io, context);
  // A project named in code, not by this directory's latch.yaml, must trust the directory too.
  if (!context.manifestPath) {
    await confirmDirectoryTrust(io, vault, context.project, context.directory, 'loadSecrets() uses');
  }
  const record = vault.contents.getProject(context.project);
  if (isProtected(context, record)) {
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `${context.project}/${context.environment} is protected; use \`latch run\` on a terminal`,
    );
  }
  const secrets = secretsToInject(context, record);
  const result = buildRunPlan({
    command: '',
    args: [],
    callerEnv: {},
    secrets,
    project: context.project,
    environment: context.environment,
  });
  if (!result.ok) {
    const names = [...result.missing, ...result.binary, ...result.tooLong];
    throw new LatchError(
      'E_MISSING_REQUIRED',
      `required secrets missing or not usable as text: ${names.join(', ')}`,
    );
  }
  // The library hands values to this very process: a delivery, recorded like `run`.
  await recordEvent(
    io,
    {
      kind: 'load',
      project: context.project,
      environment: context.environment,
      secrets: result.plan.secretNames,
      program: basename(process.argv[1] ?? process.argv0),
    },
    vault,
    'required',
  );
  return result.plan.env;
}
