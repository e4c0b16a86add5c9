/**
 * `latch run -- COMMAND`: app/run.ts plans (resolve secrets, check required ones, consent,
 * audit); this command prints a dry run, or executes the plan (spawn on a pty or masked
 * pipes, forward signals) and returns the child's exit code.
 */
import { resolve } from 'node:path';
import { authorizeRun, prepareRun } from '../../../app/run.js';
import type { BundleContents } from '../../../bundle/document.js';
import { createRedactor } from '../../../mask/redactor.js';
import { executePlan, type Masking } from '../../../run/child.js';
import { closeOsPipes, type OsPipe } from '../../../run/os-pipe.js';
import { describePlan, type RunPlan } from '../../../run/plan.js';
import { findScript, ptySpawn } from '../../../run/pty.js';
import { pipesForRun } from '../../../session/agent.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say, sayJson } from '../../../shared/io.js';
import { flagOption, listOption, type ParsedArgs, stringOption } from '../../args.js';

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
  const bundlePath = stringOption(args, 'bundle');
  // Loaded only with --bundle: age-encryption costs start-up time every other run would pay.
  const opened = bundlePath
    ? await import('../../../app/bundle.js').then(async (bundles) => ({
        bundle: await bundles.openBundle(io, resolve(io.cwd, bundlePath)),
        wipe: bundles.wipeBundle,
      }))
    : null;
  try {
    return await runPrepared(args, io, pipes, command, commandArgs, dryRun, opened?.bundle);
  } finally {
    if (opened) opened.wipe(opened.bundle);
  }
}

async function runPrepared(
  args: ParsedArgs,
  io: Io,
  pipes: PendingPipes,
  command: string,
  commandArgs: string[],
  dryRun: boolean,
  bundle: BundleContents | undefined,
): Promise<number> {
  const prepared = await prepareRun(io, args, {
    command,
    args: commandArgs,
    envFiles: listOption(args, 'env-file'),
    mask: !flagOption(args, 'no-mask'),
    dryRun,
    bundle,
  });
  prepared.plan.wordBytes = commandBytes(io, args.rest);
  if (dryRun) {
    const plan = describePlan(prepared.plan);
    if (flagOption(args, 'json')) sayJson(io, plan);
    else {
      say(io, `would run: ${[plan.command, ...plan.args].join(' ')}`);
      say(
        io,
        `in ${prepared.context.project}/${prepared.context.environment} with: ${plan.secrets.join(', ') || '(no secrets)'}`,
      );
      if (plan.references.length > 0) say(io, `references resolved for: ${plan.references.join(', ')}`);
      if (prepared.fromBundle.length > 0) say(io, `from the bundle: ${prepared.fromBundle.join(', ')}`);
      say(io, `output masked: ${plan.mask ? 'yes' : 'no'}`);
    }
    return 0;
  }
  await authorizeRun(io, prepared);
  const masking = maskingFor(io, prepared.plan);
  if (masking && pipes.made) {
    masking.osPipes = pipes.made;
    pipes.taken = true;
  }
  return executePlan(prepared.plan, masking);
}

/**
 * The bytes of the command's words that are not UTF-8 (from `io.argvBytes`, whose last words
 * are the command's), null for the others; undefined when every word is UTF-8. Node would
 * hand such a word on with U+FFFD in place of its bytes.
 */
function commandBytes(io: Io, words: readonly string[]): (Uint8Array | null)[] | undefined {
  const all = io.argvBytes;
  if (!all || all.length < words.length) return undefined;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const own = all.slice(all.length - words.length).map((bytes) => {
    try {
      utf8.decode(bytes);
      return null;
    } catch {
      return bytes;
    }
  });
  return own.some((bytes) => bytes !== null) ? own : undefined;
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
  masking.pty = ptySpawn(script, plan.command, plan.args, plan.env, process.platform, plan.wordBytes);
  return masking;
}
