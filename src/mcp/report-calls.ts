/**
 * latch_scan and latch_audit: reports over the project that name rules, files, lines and
 * secrets, never a matched text or a value.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { recordScanBlock } from '../app/audit.js';
import { latchHome, resolveProject } from '../app/context.js';
import { recentDeliveries } from '../app/deliveries.js';
import { defaultMaxSize, runScan } from '../scan/engine.js';
import { LatchError } from '../shared/errors.js';
import type { CallContext, CallNames } from './calls.js';
import { choiceFor } from './calls.js';
import { maxListedItems, type ToolArguments } from './tools.js';

/** A path the agent gave, inside the server's directory, or E_USAGE. */
function insideProject(root: string, path: string): string {
  const full = resolve(root, path);
  const inside = relative(root, full);
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new LatchError(
      'E_USAGE',
      `latch_scan scans inside the project only; ${path.slice(0, 200)} is outside it`,
    );
  return full;
}

export async function scanProject(call: CallContext, args: ToolArguments, names: CallNames): Promise<string> {
  const staged = args.staged === true;
  const given = Array.isArray(args.paths) ? args.paths : [];
  if (staged && given.length > 0) throw new LatchError('E_USAGE', 'give paths or staged, not both');
  const paths = given.map((path) => insideProject(call.io.cwd, path));
  const outcome = await runScan(
    { mode: staged ? 'staged' : 'files', paths, revisions: [], maxSize: defaultMaxSize, baseline: null },
    call.io,
    latchHome(call.io),
  );
  if (outcome.findings.length > 0) await recordScanBlock(call.io, outcome, 'mcp');
  const findings = outcome.findings.slice(0, maxListedItems).map((finding) => ({
    rule: finding.ruleId,
    description: finding.description,
    file: finding.path,
    line: finding.line,
    column: finding.column,
    ...(finding.secretNames ? { secrets: finding.secretNames } : {}),
  }));
  names.secrets = [...new Set(outcome.findings.flatMap((finding) => finding.secretNames ?? []))];
  return JSON.stringify(
    {
      mode: outcome.mode,
      clean: outcome.findings.length === 0,
      findings,
      ...(outcome.findings.length > findings.length
        ? { more: outcome.findings.length - findings.length }
        : {}),
      scanned_files: outcome.scannedFiles,
      managed_values_checked: outcome.managedChecked,
    },
    null,
    2,
  );
}

export async function auditProject(
  call: CallContext,
  args: ToolArguments,
  names: CallNames,
): Promise<string> {
  const context = await resolveProject(choiceFor(call, args), call.io, { anyEnvironment: true });
  names.project = context.project;
  const limit = typeof args.limit === 'number' ? args.limit : 50;
  return JSON.stringify(
    { project: context.project, deliveries: recentDeliveries(latchHome(call.io), context.project, limit) },
    null,
    2,
  );
}
