/**
 * `latch team offboard-report NAME [--json]`: for a member removed by someone else, every
 * secret they could decrypt at any time (from git history); the ones whose current value
 * they could read are marked for rotation in your vault, as `latch leaked` marks them.
 */
import { updateRecorded } from '../../../app/audit.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { type ExposedSecret, exposedSecrets } from '../../../team/history.js';
import type { Team } from '../../../team/recipients-file.js';
import { readTeam } from '../../../team/repo.js';
import { flagOption, type ParsedArgs } from '../../args.js';
import { type OpenTeam, openTeam } from './_scope.js';

/** Computes the report and marks the secrets to rotate; returns the report and what was marked. */
export async function offboard(
  open: OpenTeam,
  name: string,
  current: Team | null,
  io: Io,
): Promise<{ report: ExposedSecret[]; marked: string[] }> {
  const report = await exposedSecrets(open.repository, name, open.identity, current);
  const markedAt = io.now().toISOString();
  const marked = await updateRecorded(
    io,
    open.vault,
    (contents) => {
      const record = contents.getProject(open.context.project);
      const names: string[] = [];
      for (const entry of report) {
        const secret = entry.rotate
          ? record?.environments[entry.environment]?.secrets[entry.name]
          : undefined;
        if (!secret) continue;
        secret.rotationNeeded = markedAt;
        names.push(`${entry.environment}/${entry.name}`);
      }
      return names;
    },
    (names) =>
      names.length === 0
        ? []
        : [
            {
              kind: 'team',
              project: open.context.project,
              outcome: 'offboard-report',
              secrets: names,
              detail: { member: name },
            },
          ],
  );
  return { report, marked };
}

/** Prints the report (text or JSON). */
export function printReport(
  io: Io,
  args: ParsedArgs,
  name: string,
  report: ExposedSecret[],
  marked: string[],
): void {
  const rotate = report.filter((entry) => entry.rotate);
  if (flagOption(args, 'json')) {
    sayJson(io, {
      member: name,
      secrets: report,
      rotate: rotate.map((entry) => `${entry.environment}/${entry.name}`),
      marked,
    });
    return;
  }
  say(io, `${name} could decrypt ${report.length} secret${report.length === 1 ? '' : 's'} at some time:`);
  for (const entry of report) {
    const state = !entry.present
      ? 'removed since'
      : entry.rotate
        ? 'ROTATE: they could read the current value'
        : 'changed since they last could read it';
    say(io, `  ${`${entry.environment}/${entry.name}`.padEnd(40)} ${state}`);
  }
  say(
    io,
    `re-encryption does not take back what ${name} already read: rotate each secret marked ROTATE at its provider, then \`latch set\` and \`latch push\`.`,
  );
  if (marked.length > 0)
    say(
      io,
      `marked for rotation in your vault (shown by \`latch ls\` and \`latch check\`): ${marked.join(', ')}`,
    );
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch team offboard-report NAME [--json]');
  const open = await openTeam(args, io);
  const { report, marked } = await offboard(open, name, readTeam(open.repository), io);
  if (report.length === 0 && !flagOption(args, 'json')) {
    say(
      io,
      `git history shows no secret ${name} could decrypt (no member of that name in .latch/recipients)`,
    );
    return 0;
  }
  // offboard() recorded the report with the marks, before the vault was written.
  printReport(io, args, name, report, marked);
  return 0;
}
