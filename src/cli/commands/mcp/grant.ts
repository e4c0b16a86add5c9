/**
 * `latch grant`: a person at a terminal lets AI agents run programs over MCP with a protected
 * environment for a while; `grant ls` shows the active grants, `grant revoke` ends them.
 */
import { confirmOnTerminal } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { latchHome, openVault, resolveProject } from '../../../app/context.js';
import { activeGrants, readGrants, sealGrant, writeGrants } from '../../../app/grants.js';
import { parseDuration } from '../../../shared/duration.js';
import { usageError } from '../../../shared/errors.js';
import { ensurePrivateDirectory } from '../../../shared/files.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

/** The longest grant: a grant is for a task, not a standing permission. */
const maxGrantMs = 24 * 60 * 60 * 1000;
const usage =
  'usage: latch grant --env E --for DURATION [--agent NAME] | grant ls | grant revoke [--env E] [--agent NAME]';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action, ...extra] = args.positionals;
  if (extra.length > 0 || (action !== undefined && action !== 'ls' && action !== 'revoke'))
    throw usageError(usage);
  if (action === 'ls') return list(args, io);
  if (action === 'revoke') return revoke(args, io);
  return grant(args, io);
}

async function grant(args: ParsedArgs, io: Io): Promise<number> {
  const length = stringOption(args, 'for');
  if (length === undefined) throw usageError(`say how long with --for (for example 15m); ${usage}`);
  const ms = parseDuration(length);
  if (ms > maxGrantMs) throw usageError('a grant lasts at most 24h; grant again when it ends');
  const context = await resolveProject(args, io);
  const agent = stringOption(args, 'agent') ?? null;
  const where = `${context.project}/${context.environment}`;
  await confirmOnTerminal(
    io,
    `let ${agent ?? 'any AI agent'} run programs with the secrets of ${where} through latch mcp for ${length}`,
    context.environment,
  );
  const home = latchHome(io);
  ensurePrivateDirectory(home);
  // The grant is sealed with the vault's key: only someone who can unlock it grants.
  const vault = await openVault(io);
  const now = io.now();
  const until = new Date(now.getTime() + ms).toISOString();
  const entry = sealGrant(
    { project: context.project, environment: context.environment, agent, granted: now.toISOString(), until },
    vault.auditKey(),
  );
  writeGrants(home, [...readGrants(home), entry], now.getTime());
  await recordEvent(
    io,
    {
      kind: 'grant',
      project: context.project,
      environment: context.environment,
      outcome: 'granted',
      detail: { until, for: agent ?? 'any' },
    },
    vault,
  );
  say(
    io,
    `granted ${where} to ${agent ?? 'any agent'} until ${until}; end it with \`latch grant revoke --env ${context.environment}\``,
  );
  return 0;
}

function list(args: ParsedArgs, io: Io): number {
  const grants = activeGrants(readGrants(latchHome(io)), io.now().getTime());
  if (flagOption(args, 'json')) sayJson(io, grants);
  else if (grants.length === 0) say(io, 'no active grants');
  else
    for (const entry of grants)
      say(io, `${entry.project}/${entry.environment}  ${entry.agent ?? 'any agent'}  until ${entry.until}`);
  return 0;
}

async function revoke(args: ParsedArgs, io: Io): Promise<number> {
  const context = await resolveProject(args, io, { anyEnvironment: true });
  const environment = stringOption(args, 'env');
  const agent = stringOption(args, 'agent');
  const home = latchHome(io);
  const now = io.now().getTime();
  const grants = activeGrants(readGrants(home), now);
  const ended = grants.filter(
    (entry) =>
      entry.project === context.project &&
      (environment === undefined || entry.environment === environment) &&
      (agent === undefined || entry.agent === agent),
  );
  writeGrants(
    home,
    grants.filter((entry) => !ended.includes(entry)),
    now,
  );
  for (const entry of ended)
    await recordEvent(io, {
      kind: 'grant',
      project: entry.project,
      environment: entry.environment,
      outcome: 'revoked',
      detail: { until: entry.until, for: entry.agent ?? 'any' },
    });
  say(
    io,
    ended.length === 0 ? 'no active grant matched; nothing to revoke' : `revoked ${ended.length} grant(s)`,
  );
  return 0;
}
