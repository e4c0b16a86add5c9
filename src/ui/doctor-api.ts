/**
 * The route about `latch doctor`: the same checks for the directory `latch ui` was started in,
 * run without fixes (those stay a terminal action: the page shows `latch doctor --fix`). A
 * finding says where a problem is, never a value: each field is copied by name, so a field
 * added to doctor's problems later reaches the page only when added here.
 */
import { runDoctor } from '../doctor/doctor.js';
import { type CheckId, type Severity, severityOf } from '../doctor/rules.js';
import type { Routes } from './request.js';

export interface DoctorFinding {
  severity: Severity;
  check: CheckId;
  message: string;
  /** The one-line fix, as `latch doctor` prints it. */
  fix: string;
  /** True when `latch doctor --fix` applies the fix. */
  fixable: boolean;
  paths: string[];
  commits: string[];
}

/** What `GET /api/doctor` answers. */
export interface DoctorAnswer {
  ok: boolean;
  findings: DoctorFinding[];
  skipped: Array<{ check: CheckId; reason: string }>;
  history: { commits: number; elapsedMs: number; stoppedEarly: boolean } | null;
  /** The command that applies the fixable findings' fixes, or null when none is fixable. */
  fixCommand: string | null;
}

const severityOrder: Severity[] = ['exposed', 'risk', 'tidy'];

export const doctorRoutes: Routes = {
  'GET /api/doctor': async (state) => {
    state.vault.reload();
    const report = await runDoctor(
      state.io,
      { options: state.here ? { project: state.here.project } : {} },
      { fix: false, hookCommand: null, vault: state.vault },
    );
    const findings = report.problems
      .map(
        (problem): DoctorFinding => ({
          severity: severityOf[problem.check],
          check: problem.check,
          message: problem.message,
          fix: problem.fix,
          fixable: problem.fixable,
          paths: problem.paths ?? [],
          commits: problem.commits ?? [],
        }),
      )
      // Stable: within a severity, doctor's own order.
      .sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity));
    const answer: DoctorAnswer = {
      ok: report.ok,
      findings,
      skipped: report.skipped.map(({ check, reason }) => ({ check, reason })),
      history: report.history,
      fixCommand: findings.some((finding) => finding.fixable) ? 'latch doctor --fix' : null,
    };
    return { status: 200, json: answer };
  },
};
