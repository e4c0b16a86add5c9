/**
 * `latch run -- COMMAND`: plan (resolve secrets, check required ones), then execute (spawn,
 * forward signals, return the child's exit code).
 */
import { LatchError } from '../../core/errors.js';
import { buildRunPlan, describePlan, unusableValues } from '../../core/run-plan.js';
import { ensureEnvironment, putSecret } from '../../core/secrets.js';
import { flagOption, type ParsedArgs } from '../args.js';
import { confirmOnTerminal, isProtected, openVault, projectRecordFor, resolveProject } from '../context.js';
import { type Io, note, say, sayJson } from '../io.js';
import { secretsToInject } from '../secrets-for-run.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [command, ...commandArgs] = args.rest;
  if (!command) throw new LatchError('E_USAGE', 'usage: latch run [--env E] -- COMMAND [ARG...]');
  const context = resolveProject(args, io);
  const vault = await openVault(io);
  let record = vault.contents.getProject(context.project);
  let secrets = secretsToInject(context, record);
  const where = `${context.project}/${context.environment}`;

  const missing = secrets
    .filter((secret) => secret.required && secret.value === undefined)
    .map((secret) => secret.name);
  if (missing.length > 0 && io.terminal && !flagOption(args, 'dry-run')) {
    note(io, `${where} is missing required secrets: ${missing.join(', ')}`);
    const answer = await io.terminal.readLine('enter them now and store them in the vault? [y/N] ');
    if (/^y(es)?$/i.test(answer.trim())) {
      const values = new Map<string, Uint8Array>();
      for (const name of missing) {
        const typed = await io.terminal.readHidden(`value for ${name}: `);
        if (typed !== '') values.set(name, new TextEncoder().encode(typed));
      }
      await vault.update((contents) => {
        const latest = projectRecordFor(context, contents.getProject(context.project));
        const env = ensureEnvironment(latest, context.environment);
        for (const [name, value] of values) putSecret(env, name, value, {}, io.now().toISOString());
        contents.putProject(context.project, latest);
      });
      record = vault.contents.getProject(context.project);
      secrets = secretsToInject(context, record);
    }
  }
  const binary = unusableValues(secrets);
  if (binary.length > 0) {
    note(io, `not injected (binary values cannot be environment variables): ${binary.join(', ')}`);
  }
  const result = buildRunPlan({
    command,
    args: commandArgs,
    callerEnv: io.env,
    secrets,
    project: context.project,
    environment: context.environment,
  });
  if (!result.ok) {
    throw new LatchError(
      'E_MISSING_REQUIRED',
      `missing required secrets in ${where}: ${result.missing.join(', ')}; set them with \`latch set NAME --env ${context.environment}\``,
    );
  }
  if (flagOption(args, 'dry-run')) {
    const plan = describePlan(result.plan);
    if (flagOption(args, 'json')) sayJson(io, plan);
    else {
      say(io, `would run: ${[plan.command, ...plan.args].join(' ')}`);
      say(io, `in ${where} with: ${plan.secrets.join(', ') || '(no secrets)'}`);
    }
    return 0;
  }
  if (isProtected(context, record))
    await confirmOnTerminal(io, `${where} is protected; running ${command}`, context.environment);
  const { executePlan } = await import('../../platform/child.js');
  return executePlan(result.plan);
}
