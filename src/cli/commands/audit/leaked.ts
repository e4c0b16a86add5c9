/**
 * `latch leaked NAME [--since T]`: the incident view. Every delivery or reveal of the secret
 * in the window (default: since its current value was set), grouped by command and agent;
 * the secret is marked as needing rotation (shown by `ls` and `check`, cleared by a new
 * `set`), and the next steps are printed.
 */
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { markLeaked } from '../../../app/leaked.js';
import { assertSecretName } from '../../../manifest/names.js';
import { parseMoment } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson, warn } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch leaked NAME [--env E] [--since T]');
  assertSecretName(name);
  const context = await resolveProject(args, io);
  const where = `${context.project}/${context.environment}`;
  // A bad --since fails before the passphrase is asked for.
  const sinceText = stringOption(args, 'since');
  const sinceGiven = sinceText === undefined ? null : parseMoment(sinceText, io.now());
  const vault = await openProjectVault(io, context);
  const report = await markLeaked(
    io,
    vault,
    { project: context.project, environment: context.environment, name },
    sinceGiven,
  );
  if (flagOption(args, 'json')) {
    sayJson(io, report);
    return 0;
  }
  say(
    io,
    `${name} in ${where}: ${report.deliveries} deliver${report.deliveries === 1 ? 'y' : 'ies'} since ${report.since}`,
  );
  for (const group of report.groups)
    say(
      io,
      `  ${String(group.count).padStart(4)} x ${group.command.padEnd(20)} by ${group.agent.padEnd(16)} ${group.first} .. ${group.last}`,
    );
  if (!report.logVerified)
    warn(io, 'the audit log does not verify; this list may be incomplete (see `latch audit verify`)');
  say(
    io,
    `marked ${name} as needing rotation (shown by \`latch ls\` and \`latch check\` until a new value is set)`,
  );
  say(io, 'next steps:');
  say(io, `  1. rotate ${name} at its provider (issue a new credential, revoke the old one)`);
  say(io, `  2. store the new value: latch set ${name} --env ${context.environment}`);
  say(io, `  3. search the provider's access logs for use of the old credential from ${report.since} to now`);
  return 0;
}
