/**
 * latch as a library: load a project's secrets into a program without the CLI.
 *
 *   import { loadSecrets } from 'latch';
 *   const secrets = await loadSecrets({ environment: 'dev' });
 *
 * The vault is unlocked with LATCH_PASSPHRASE_FILE or LATCH_PASSPHRASE from `env` (there is
 * no prompt), and a protected environment is refused (it needs a person on a terminal).
 * Throws LatchError (with `code` and `exitCode`) on failure.
 */
import { basename } from 'node:path';
import type { ParsedArgs } from './cli/args.js';
import { recordEvent } from './cli/audit.js';
import { isProtected, openProjectVault, resolveProject } from './cli/context.js';
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
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const args: ParsedArgs = {
    options: { project: options.project, env: options.environment },
    positionals: [],
    rest: [],
  };
  const context = await resolveProject(args, io);
  const vault = await openProjectVault(io, context);
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
