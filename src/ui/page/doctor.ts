/**
 * The doctor view: `latch doctor`'s findings for this directory, grouped by severity, each
 * with where the problem is and its one-line fix. The checks read git history (up to 2 s), so
 * the view says it is checking meanwhile. Fixes stay a terminal action: the view shows
 * `latch doctor --fix`, and has no button for it.
 */
import { element, main } from './dom.js';
import { api } from './http.js';

/** src/ui/doctor-api.ts's answer. */
type Severity = 'exposed' | 'risk' | 'tidy';
interface DoctorFinding {
  severity: Severity;
  check: string;
  message: string;
  fix: string;
  fixable: boolean;
  paths: string[];
  commits: string[];
}
interface DoctorAnswer {
  ok: boolean;
  findings: DoctorFinding[];
  skipped: Array<{ check: string; reason: string }>;
  history: { commits: number; elapsedMs: number; stoppedEarly: boolean } | null;
  fixCommand: string | null;
}

const severities: Array<[Severity, string]> = [
  ['exposed', 'values exposed'],
  ['risk', 'risks'],
  ['tidy', 'housekeeping'],
];

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function findingItem(finding: DoctorFinding): HTMLLIElement {
  const item = element('li', null, `finding severity-${finding.severity}`);
  item.dataset.check = finding.check;
  const head = element('div');
  head.append(element('strong', finding.message), element('span', finding.check, 'check-id'));
  const fix = element('div', `fix: ${finding.fix}`);
  if (finding.fixable) fix.append(' ', element('span', 'fixed by latch doctor --fix', 'state state-set'));
  item.append(head, fix);
  if (finding.paths.length > 0) item.append(element('div', `files: ${finding.paths.join(', ')}`, 'note'));
  if (finding.commits.length > 0)
    item.append(element('div', `commits: ${finding.commits.join(', ')}`, 'note'));
  return item;
}

function severitySection(severity: Severity, title: string, findings: DoctorFinding[]): HTMLElement {
  const section = element('section');
  section.dataset.severity = severity;
  const heading = element('h3', `${title} (${findings.length})`);
  heading.id = `severity-${severity}`;
  const list = element('ul', null, 'findings');
  list.setAttribute('aria-labelledby', heading.id);
  list.append(...findings.map(findingItem));
  section.append(heading, list);
  return section;
}

export async function showDoctor(): Promise<void> {
  const asked = location.hash;
  const heading = element('h2', 'Doctor');
  const status = element('p', 'checking…', 'note');
  status.id = 'doctor-summary';
  status.setAttribute('role', 'status');
  main.replaceChildren(heading, status);
  const report = await api<DoctorAnswer>('/api/doctor');
  // The person may have moved on while the history was read: leave their view alone.
  if (location.hash !== asked) return;

  const fixable = report.findings.filter((finding) => finding.fixable).length;
  status.textContent = report.ok
    ? 'no problems found'
    : `${plural(report.findings.length, 'problem')}${fixable > 0 ? ` (${fixable} fixed by latch doctor --fix)` : ''}`;
  const parts: HTMLElement[] = [heading, status];
  if (report.fixCommand) {
    const line = element(
      'p',
      'The safe, local fixes (permissions, .gitignore lines, hooks) are applied in a terminal: ',
    );
    line.append(element('code', report.fixCommand, 'command'));
    parts.push(line);
  }
  for (const [severity, title] of severities) {
    const found = report.findings.filter((finding) => finding.severity === severity);
    if (found.length > 0) parts.push(severitySection(severity, title, found));
  }
  if (report.skipped.length > 0) {
    const skippedHeading = element('h3', 'not checked here');
    skippedHeading.id = 'skipped-heading';
    const list = element('ul', null, 'note');
    list.setAttribute('aria-labelledby', skippedHeading.id);
    for (const skipped of report.skipped) {
      const item = element('li', `${skipped.check}: ${skipped.reason}`);
      item.dataset.check = skipped.check;
      list.append(item);
    }
    parts.push(skippedHeading, list);
  }
  if (report.history) {
    const { commits, elapsedMs, stoppedEarly } = report.history;
    const line = element('p', `git history: ${plural(commits, 'commit')} read in ${elapsedMs} ms`, 'note');
    if (stoppedEarly) {
      line.append('; stopped at the time limit, for all of it run ');
      line.append(element('code', 'latch scan --history', 'command'));
    }
    parts.push(line);
  }
  main.replaceChildren(...parts);
}
