/**
 * What each MCP tool does, over the application layer (src/app/): the same project
 * resolution, unlock, trust, protection, plan, consent and audit as the CLI, with no
 * terminal (the server's stdio carries the protocol, so nothing is ever prompted there) and
 * every output masked. Each call returns the text the model reads and the names it involved,
 * for the audit record.
 */
import { basename } from 'node:path';
import { projectPolicy, readAgentPolicy } from '../app/agent-policy.js';
import {
  latchHome,
  openProjectVault,
  openVault,
  type ProjectChoice,
  resolveProject,
} from '../app/context.js';
import { activeGrants, grantCovers, isAuthenticGrant, readGrants } from '../app/grants.js';
import { authorizeRun, prepareRun } from '../app/run.js';
import { dropAnsweredRequests } from '../app/secret-requests.js';
import { checkEnvironment, secretStatuses } from '../app/secret-status.js';
import { createRedactor } from '../mask/redactor.js';
import { runCaptured } from '../run/captured-child.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { refusalFor } from './programs.js';
import { defaultRunTimeoutSeconds, type ToolArguments } from './tools.js';

/** The names a call involved, recorded in its `mcp-tool` audit record. */
export interface CallNames {
  project?: string;
  environment?: string;
  secrets?: string[];
  program?: string;
}

export interface CallResult {
  /** JSON text for the model. */
  text: string;
  names: CallNames;
}

/** What every call shares: the server's io (no terminal) and its project choice. */
export interface CallContext {
  io: Io;
  /** The server's --project and --env. */
  choice: ProjectChoice;
  /** Aborted when the client goes away or cancels the call. */
  signal: AbortSignal;
}

/** Masked bytes kept per output stream of latch_run (the rest is counted and dropped). */
export const runOutputCapBytes = 256 * 1024;

/** The server's choice, with the call's `environment` when it names one. */
export function choiceFor(call: CallContext, args: ToolArguments): ProjectChoice {
  const environment = typeof args.environment === 'string' ? args.environment : undefined;
  return { options: { ...call.choice.options, ...(environment ? { env: environment } : {}) } };
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

async function projectStatus(call: CallContext, args: ToolArguments, names: CallNames) {
  const context = await resolveProject(choiceFor(call, args), call.io);
  names.project = context.project;
  names.environment = context.environment;
  const vault = await openProjectVault(call.io, context);
  const record = vault.contents.getProject(context.project);
  const statuses = secretStatuses(context, record, call.io.now().getTime());
  names.secrets = statuses.map((status) => status.name);
  const set = new Set(statuses.filter((status) => status.set).map((status) => status.name));
  if (set.size > 0)
    dropAnsweredRequests(
      latchHome(call.io),
      context.project,
      context.environment,
      set,
      call.io.now().getTime(),
    );
  return { context, record, statuses };
}

export async function listSecrets(call: CallContext, args: ToolArguments, names: CallNames): Promise<string> {
  const { context, statuses } = await projectStatus(call, args, names);
  return json({ project: context.project, environment: context.environment, secrets: statuses });
}

export async function checkSecrets(
  call: CallContext,
  args: ToolArguments,
  names: CallNames,
): Promise<string> {
  const { context, record } = await projectStatus(call, args, names);
  const {
    problem: _problem,
    count: _count,
    ...check
  } = checkEnvironment(context, record, call.io.now().getTime());
  return json(check);
}

export async function runProgram(call: CallContext, args: ToolArguments, names: CallNames): Promise<string> {
  const [command, ...commandArgs] = args.argv as string[];
  if (command === undefined) throw new LatchError('E_USAGE', 'argv needs at least the program to run');
  names.program = basename(command);
  const choice = choiceFor(call, args);
  const context = await resolveProject(choice, call.io);
  names.project = context.project;
  names.environment = context.environment;
  // The person's policy and grants, from LATCH_HOME: nothing in the repository widens them.
  const home = latchHome(call.io);
  const rules = projectPolicy(readAgentPolicy(home), context.project);
  let granted = activeGrants(readGrants(home), call.io.now().getTime()).filter((grant) =>
    grantCovers(grant, context.project, context.environment, call.io.client),
  );
  // Only grants sealed with this vault's key count (one written by hand is ignored).
  if (granted.length > 0) {
    const key = (await openVault(call.io)).auditKey();
    granted = granted.filter((grant) => isAuthenticGrant(grant, key));
  }
  const where = `${context.project}/${context.environment}`;
  const allowed = rules.environments ?? [context.manifest?.defaultEnvironment ?? 'dev'];
  if (!allowed.includes(context.environment) && granted.length === 0)
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `the person's policy does not let agents run with ${where}; a person can allow it in ${home}/agent-policy.json, or for a while with \`latch grant --env ${context.environment} --for 15m\``,
    );
  if (rules.commands !== null && !rules.commands.includes(names.program))
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `the person's policy lets agents run only ${rules.commands.join(', ') || 'no program'} in ${context.project}; a person can add ${names.program} to its commands in ${home}/agent-policy.json`,
    );
  const refusal = refusalFor(args.argv as string[], {
    shells: rules.shells,
    environmentPrinters: rules.environmentPrinters,
  });
  if (refusal) throw new LatchError('E_USAGE', refusal);
  const prepared = await prepareRun(call.io, choice, {
    command,
    args: commandArgs,
    envFiles: [],
    mask: true,
    dryRun: false,
    granted: new Set(granted.length > 0 ? [where] : []),
  });
  names.project = prepared.context.project;
  names.environment = prepared.context.environment;
  names.secrets = [...prepared.plan.secretNames];
  await authorizeRun(call.io, prepared);
  const redactor = createRedactor(prepared.plan.mask ?? []);
  const timeoutSeconds =
    typeof args.timeout_seconds === 'number' ? args.timeout_seconds : defaultRunTimeoutSeconds;
  const result = await runCaptured(prepared.plan, {
    redactor,
    cwd: call.io.cwd,
    timeoutMs: timeoutSeconds * 1000,
    outputCapBytes: runOutputCapBytes,
    signal: call.signal,
  });
  const notes: string[] = [];
  if (redactor.tooShort.length > 0)
    notes.push(`not masked (shorter than 6 characters): ${redactor.tooShort.join(', ')}`);
  if (result.timedOut)
    notes.push(`stopped after the timeout of ${timeoutSeconds} s (with everything it started)`);
  for (const stream of ['stdout', 'stderr'] as const)
    if (result[stream].droppedBytes > 0)
      notes.push(
        `${stream} was cut at ${runOutputCapBytes} bytes (the cap); ${result[stream].droppedBytes} more bytes were dropped`,
      );
  return json({
    exit_code: result.exitCode,
    signal: result.signal,
    timed_out: result.timedOut,
    stdout: result.stdout.text,
    stderr: result.stderr.text,
    notes,
  });
}
