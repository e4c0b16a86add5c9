/**
 * `latch rotate NAME`: a new value for a stored secret (prompted, piped, from a file or
 * generated); the old one is kept as a version and a leaked mark is cleared. `latch rotate
 * --due` lists what is due in every project and environment; on a terminal it then walks
 * through them one by one.
 */
import type { DueReason, DueSecret } from '../../../lifecycle/due.js';
import { listDue, rotateSecret, type ValueOrigin } from '../../../lifecycle/secret-lifecycle.js';
import { LatchError } from '../../../shared/errors.js';
import { counted, type Io, note, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';
import { readValue, refuseValueOnArgv } from '../secrets/set.js';

function originOf(args: ParsedArgs, io: Io): ValueOrigin {
  if (flagOption(args, 'generate')) return 'generate';
  if (stringOption(args, 'from-file') !== undefined) return 'file';
  return io.stdin.isTTY ? 'prompt' : 'stdin';
}

const reasonText: Record<DueReason, string> = {
  leaked: 'marked leaked',
  expired: 'expired',
  'rotation-due': 'rotation period passed',
};

function describeDue(entry: DueSecret): string {
  const overdue = entry.overdueDays > 0 ? `, ${counted(entry.overdueDays, 'day')} ago` : '';
  return `${`${entry.project}/${entry.environment}`.padEnd(24)} ${entry.name.padEnd(28)} ${reasonText[entry.reason]} (since ${entry.since}${overdue})`;
}

async function runDue(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0)
    throw new LatchError('E_USAGE', '--due lists every secret due; give no NAME with it');
  const { due, vault } = await listDue(io, args);
  if (flagOption(args, 'json')) {
    sayJson(io, due);
    return 0;
  }
  if (due.length === 0) {
    say(io, 'nothing is due for rotation');
    return 0;
  }
  for (const entry of due) say(io, describeDue(entry));
  // A person at a terminal is walked through them; a script gets the list only.
  if (!io.terminal || !io.stdin.isTTY) return 0;
  for (const entry of due) {
    const answer = await io.terminal.readLine(
      `rotate ${entry.name} in ${entry.project}/${entry.environment} now? [y]es, [s]kip, [q]uit: `,
    );
    const choice = answer.trim().toLowerCase();
    if (choice === 'q' || choice === 'quit') break;
    if (choice !== 'y' && choice !== 'yes') continue;
    const terminal = io.terminal;
    const done = await rotateSecret(
      io,
      { options: { project: entry.project, env: entry.environment } },
      entry.name,
      async () => {
        const typed = await terminal.readHidden(`new value for ${entry.name} (hidden): `);
        if (typed === '')
          throw new LatchError('E_USAGE', `empty value for ${entry.name}; nothing was rotated`);
        return { value: new TextEncoder().encode(typed), origin: 'prompt' };
      },
      { vault },
    );
    say(io, `rotated ${done.name} in ${done.project}/${done.environment}`);
  }
  return 0;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (flagOption(args, 'due')) return runDue(args, io);
  refuseValueOnArgv(args.positionals);
  const name = args.positionals[0];
  if (!name)
    throw new LatchError(
      'E_USAGE',
      'usage: latch rotate NAME [--env E]; the new value comes from a prompt, stdin, --from-file or --generate',
    );
  const done = await rotateSecret(io, args, name, async () => ({
    value: await readValue(args, io, name),
    origin: originOf(args, io),
  }));
  if (flagOption(args, 'json')) {
    sayJson(io, done);
    return 0;
  }
  say(
    io,
    `rotated ${name} in ${done.project}/${done.environment} (${counted(done.versions, 'earlier value')} kept; \`latch rollback ${name}\` restores the previous one)`,
  );
  if (done.clearedLeak)
    note(io, `latch: cleared the leaked mark of ${name}; revoke the old credential at its provider`);
  return 0;
}
