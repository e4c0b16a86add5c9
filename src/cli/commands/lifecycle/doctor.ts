/** `latch doctor [--fix] [--json]`: the mistakes that leak secrets here, each with a one-line fix; exit 5 when any. */
import { realpathSync } from 'node:fs';
import { runDoctor } from '../../../doctor/doctor.js';
import { ExitCode } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

function hookCommand(): { node: string; bin: string } | null {
  try {
    return { node: process.execPath, bin: realpathSync(process.argv[1] ?? '') };
  } catch {
    return null;
  }
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fix = flagOption(args, 'fix');
  const report = await runDoctor(io, args, { fix, hookCommand: fix ? hookCommand() : null });
  const code = report.ok ? ExitCode.ok : ExitCode.leak;
  if (flagOption(args, 'json')) {
    sayJson(io, report);
    return code;
  }
  for (const line of report.fixed) say(io, `fixed: ${line}`);
  for (const problem of report.problems) {
    say(io, `problem: ${problem.message}`);
    say(io, `  fix: ${problem.fix}`);
  }
  for (const skipped of report.skipped) say(io, `skipped: ${skipped.check} (${skipped.reason})`);
  if (report.history?.stoppedEarly)
    say(
      io,
      `note: the history check stopped after ${report.history.commits} commits (time limit); run \`latch scan --history\` for all of it`,
    );
  const fixable = report.problems.filter((problem) => problem.fixable).length;
  say(
    io,
    report.ok
      ? 'no problems found'
      : `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}${fixable > 0 ? ` (${fixable} fixed by \`latch doctor --fix\`)` : ''}`,
  );
  return code;
}
