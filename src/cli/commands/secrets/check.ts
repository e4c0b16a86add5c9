/** `latch check`: exit 7 when `run` would refuse to start; warn about expiry and rotation. */
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { checkEnvironment } from '../../../app/secret-status.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson, warn } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const context = await resolveProject(args, io);
  const vault = await openProjectVault(io, context);
  const check = checkEnvironment(context, vault.contents.getProject(context.project), io.now().getTime());
  const where = `${context.project}/${context.environment}`;
  if (flagOption(args, 'json')) {
    const { problem: _problem, count: _count, ...report } = check;
    sayJson(io, report);
  } else {
    for (const name of check.expired)
      warn(io, `${name} in ${where} has expired; rotate it and \`latch set ${name}\``);
    for (const name of check.rotationDue) warn(io, `${name} in ${where} is due for rotation`);
    for (const name of check.rotationNeeded)
      warn(
        io,
        `${name} in ${where} was marked leaked; rotate it at the provider, then \`latch set ${name}\``,
      );
    if (check.ok)
      say(
        io,
        `ok: ${where} has every required secret (${check.count} ${context.manifest ? 'declared' : 'stored'})`,
      );
  }
  if (check.problem) throw new LatchError('E_MISSING_REQUIRED', check.problem);
  return 0;
}
