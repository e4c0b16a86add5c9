/**
 * `latch run -- COMMAND`: plan (resolve secrets, check required ones), then execute (spawn,
 * forward signals, return the child's exit code).
 */
import { basename, dirname } from 'node:path';
import { recordEvent } from '../../../app/audit.js';
import {
  confirmOnTerminal,
  isProtected,
  openProjectVault,
  type ProjectContext,
  projectRecordFor,
  resolveProject,
} from '../../../app/context.js';
import { readRunVariables, resolveRunVariables } from '../../../app/run-environment.js';
import { secretsToInject } from '../../../app/secrets-for-run.js';
import { createRedactor } from '../../../mask/redactor.js';
import { executePlan, type Masking } from '../../../run/child.js';
import { closeOsPipes, type OsPipe } from '../../../run/os-pipe.js';
import {
  buildRunPlan,
  describePlan,
  environmentEntryLimit,
  type RunPlan,
  type SecretToInject,
  unusableValues,
} from '../../../run/plan.js';
import { findScript, ptySpawn } from '../../../run/pty.js';
import { completeReference, formatReference } from '../../../run/references.js';
import { pipesForRun } from '../../../session/agent.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say, sayJson } from '../../../shared/io.js';
import { sharedFilesAreNewer } from '../../../team/freshness.js';
import { ensureEnvironment, putSecret } from '../../../vault/secrets.js';
import type { UnlockedVault } from '../../../vault/store.js';
import { flagOption, listOption, type ParsedArgs } from '../../args.js';

/** On a terminal, offers to type the missing required secrets and stores what is typed. */
async function promptForMissing(io: Io, context: ProjectContext, vault: UnlockedVault, missing: string[]) {
  if (!io.terminal) return;
  note(io, `${context.project}/${context.environment} is missing required secrets: ${missing.join(', ')}`);
  const answer = await io.terminal.readLine('enter them now and store them in the vault? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) return;
  const values = new Map<string, Uint8Array>();
  for (const name of missing) {
    const typed = await io.terminal.readHidden(`value for ${name}: `);
    if (typed !== '') values.set(name, new TextEncoder().encode(typed));
  }
  await vault.update((contents) => {
    const record = projectRecordFor(context, contents.getProject(context.project));
    const env = ensureEnvironment(record, context.environment);
    for (const [name, value] of values) putSecret(env, name, value, {}, io.now().toISOString());
    contents.putProject(context.project, record);
  });
}

/** Why a value too long for one environment variable is not injected (Linux only has the limit). */
const tooLongReason = 'Linux takes at most 128 KiB per environment variable';

const missingNames = (secrets: SecretToInject[]) =>
  secrets.filter((secret) => secret.required && secret.value === undefined).map((secret) => secret.name);

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.rest.length === 0)
    throw new LatchError('E_USAGE', 'usage: latch run [--env E] -- COMMAND [ARG...]');
  if (args.rest[0] === '')
    throw new LatchError(
      'E_USAGE',
      'the command to run is empty; usage: latch run [--env E] -- COMMAND [ARG...]',
    );
  // The masked output's pipes: ready-made by the session agent, or made (a `mkfifo` process)
  // while the vault is unlocked, not after; on a terminal the program gets a pty instead.
  const wantsPipes = !flagOption(args, 'dry-run') && !flagOption(args, 'no-mask') && !onTerminal(io);
  const pipes: PendingPipes = { made: wantsPipes ? pipesForRun(io) : null, taken: false };
  try {
    return await runCommand(args, io, pipes);
  } finally {
    if (pipes.made && !pipes.taken) closeOsPipes(await pipes.made);
  }
}

/** Pipes started ahead of the spawn, and whether a child took them (else `run` closes them). */
interface PendingPipes {
  made: Promise<OsPipe[] | null> | null;
  taken: boolean;
}

async function runCommand(args: ParsedArgs, io: Io, pipes: PendingPipes): Promise<number> {
  const [command, ...commandArgs] = args.rest as [string, ...string[]];
  const dryRun = flagOption(args, 'dry-run');
  const context = await resolveProject(args, io);
  const where = `${context.project}/${context.environment}`;
  const variables = readRunVariables(io, listOption(args, 'env-file'));
  const vault = await openProjectVault(io, context);
  if (
    context.manifestPath &&
    sharedFilesAreNewer(dirname(context.manifestPath), context.project, context.environment, vault.contents)
  ) {
    note(
      io,
      `latch: .latch/envs/${context.environment}/ changed since your last \`latch pull\`; run it to get the team's values`,
    );
  }
  // Confirm a protected environment before anything else, typed values included.
  const confirmed = new Set<string>();
  if (!dryRun && isProtected(context, vault.contents.getProject(context.project))) {
    await confirmOnTerminal(io, `${where} is protected; running ${command}`, context.environment);
    confirmed.add(where);
  }
  const referenced = await resolveRunVariables(io, context, vault, variables, dryRun ? 'skip' : confirmed);
  let secrets = secretsToInject(context, vault.contents.getProject(context.project));
  const missing = missingNames(secrets);
  if (missing.length > 0 && !dryRun) {
    await promptForMissing(io, context, vault, missing);
    secrets = secretsToInject(context, vault.contents.getProject(context.project));
  }
  const entryLimit = environmentEntryLimit(process.platform);
  const skipped = unusableValues(
    secrets.filter((secret) => !secret.required),
    entryLimit,
  );
  if (skipped.binary.length > 0)
    note(io, `not injected (binary values cannot be environment variables): ${skipped.binary.join(', ')}`);
  if (skipped.tooLong.length > 0) note(io, `not injected (${tooLongReason}): ${skipped.tooLong.join(', ')}`);
  const result = buildRunPlan({
    command,
    args: commandArgs,
    callerEnv: variables.callerEnv,
    fileEnv: variables.fileEnv,
    referenced,
    mask: !flagOption(args, 'no-mask'),
    secrets,
    project: context.project,
    environment: context.environment,
    entryLimit,
  });
  if (!result.ok) {
    const reasons = [
      result.missing.length > 0 ? `missing required secrets in ${where}: ${result.missing.join(', ')}` : '',
      result.binary.length > 0
        ? `required secrets with binary values, which cannot be environment variables: ${result.binary.join(', ')}`
        : '',
      result.tooLong.length > 0
        ? `required secrets too long for an environment variable (${tooLongReason}): ${result.tooLong.join(', ')}; give them to the program as a file with \`latch inject\` instead`
        : '',
    ].filter(Boolean);
    throw new LatchError(
      'E_MISSING_REQUIRED',
      `${reasons.join('; ')}; set them with \`latch set NAME --env ${context.environment}\``,
    );
  }
  if (dryRun) {
    const plan = describePlan(result.plan);
    if (flagOption(args, 'json')) sayJson(io, plan);
    else {
      say(io, `would run: ${[plan.command, ...plan.args].join(' ')}`);
      say(io, `in ${where} with: ${plan.secrets.join(', ') || '(no secrets)'}`);
      if (plan.references.length > 0) say(io, `references resolved for: ${plan.references.join(', ')}`);
      say(io, `output masked: ${plan.mask ? 'yes' : 'no'}`);
    }
    return 0;
  }
  // Recorded before the child starts: a delivery is logged even if latch is killed mid-run.
  await recordEvent(
    io,
    {
      kind: 'run',
      project: context.project,
      environment: context.environment,
      secrets: result.plan.secretNames,
      program: basename(command),
      // Values that reached the child through references, in their long form: `leaked`
      // finds deliveries of a secret by reference from other projects and environments too.
      detail: {
        references: variables.uses.map((use) =>
          formatReference(
            completeReference(use.reference, { project: context.project, environment: context.environment }),
          ),
        ),
      },
    },
    vault,
  );
  const masking = maskingFor(io, result.plan);
  if (masking && pipes.made) {
    masking.osPipes = pipes.made;
    pipes.taken = true;
  }
  return executePlan(result.plan, masking);
}

/** Whether the child runs on a pty (when `script` exists): a person at a terminal, not Windows. */
const onTerminal = (io: Io) =>
  io.stdout.isTTY === true && io.terminal !== null && process.platform !== 'win32';

/**
 * How to mask this run: null when nothing is masked (inherited stdio, as without masking);
 * on a pty when latch's stdin and stdout are both terminals and `script` exists.
 */
function maskingFor(io: Io, plan: RunPlan): Masking | null {
  if (plan.mask === null) return null;
  const redactor = createRedactor(plan.mask);
  if (redactor.tooShort.length > 0) {
    note(io, `latch: not masked (shorter than 6 characters): ${redactor.tooShort.join(', ')}`);
  }
  if (!redactor.masksAnything) return null;
  const masking: Masking = { redactor, stdout: io.stdout, stderr: io.stderr, pty: null };
  if (!onTerminal(io)) return masking;
  const script = findScript(plan.env);
  if (script === null) {
    note(io, 'latch: no `script` command found, so the program runs on pipes, not a terminal');
    return masking;
  }
  masking.pty = ptySpawn(script, plan.command, plan.args, plan.env);
  return masking;
}
