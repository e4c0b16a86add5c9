/**
 * `latch scan [PATH...] [--staged | --history [--range A..B]]`: finds managed values (through
 * the scan index, vault locked or not), known credential formats, generic secrets and
 * committed .env files. Exit 5 when anything is found, 0 when clean.
 */
import { resolve } from 'node:path';
import { recordScanBlock } from '../../../app/audit.js';
import { latchHome, openVault } from '../../../app/context.js';
import { git, requireWorkTree } from '../../../git/git.js';
import { parseBaseline, renderBaseline } from '../../../scan/baseline.js';
import { defaultMaxSize, runScan, type ScanPlan } from '../../../scan/engine.js';
import { renderJson, renderSarif, renderText, type ScanOutcome } from '../../../scan/report.js';
import { listRules, type RuleInfo } from '../../../scan/rules/rules.js';
import { LatchError, usageError } from '../../../shared/errors.js';
import { readFileWithin, writeFileAtomic } from '../../../shared/files.js';
import { counted, type Io, note, say } from '../../../shared/io.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';
import { version } from '../../version.js';

const formats = ['text', 'json', 'sarif'] as const;
/** The largest baseline read: millions of fingerprints, but not /dev/zero. */
const maxBaselineBytes = 64 * 1024 * 1024;
type Format = (typeof formats)[number];

/** Parses `--max-size`: bytes, or a number with k, M or G (binary units). */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([kmg]i?b?)?$/i.exec(text.trim());
  if (!match) throw usageError(`--max-size takes a size like 5M or 512k, not "${text}"`);
  const unit = (match[2] ?? '').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(match[1]) * scale;
}

/** Turns the parsed options into a plan (no I/O but reading the baseline file). */
export function planScan(args: ParsedArgs, io: Io): ScanPlan & { format: Format; writeBaseline?: string } {
  const staged = flagOption(args, 'staged');
  const history = flagOption(args, 'history');
  const range = stringOption(args, 'range');
  // `latch scan -- -odd-name` is how a path that starts with a dash is named.
  const paths = [...args.positionals, ...args.rest];
  if (staged && history) throw usageError('--staged and --history cannot be combined; pick one');
  if (range && !history) throw usageError('--range goes with --history (e.g. --history --range main..HEAD)');
  if ((staged || history) && paths.length > 0) {
    throw usageError('paths are for a files scan; --staged and --history scan the whole repository');
  }
  if (range !== undefined && (range === '' || range.startsWith('-'))) {
    throw usageError('--range takes a revision range such as A..B');
  }
  const format = (stringOption(args, 'format') ?? 'text') as Format;
  if (!formats.includes(format)) throw usageError(`--format must be text, json or sarif, not "${format}"`);
  const baselinePath = stringOption(args, 'baseline');
  let baseline: Set<string> | null = null;
  if (baselinePath) {
    let text: string;
    try {
      text = readFileWithin(resolve(io.cwd, baselinePath), maxBaselineBytes, baselinePath).toString('utf8');
    } catch (error) {
      if (error instanceof LatchError) throw error;
      throw new LatchError('E_NOT_FOUND', `cannot read the baseline ${baselinePath}; check the path`);
    }
    baseline = parseBaseline(text);
  }
  const writeBaseline = stringOption(args, 'write-baseline');
  const maxSize = stringOption(args, 'max-size');
  return {
    mode: staged ? 'staged' : history ? 'history' : 'files',
    paths,
    revisions: [range ? [range] : ['--all']],
    maxSize: maxSize ? parseSize(maxSize) : defaultMaxSize,
    baseline,
    // `latch scan --staged` is what hook managers (husky) run before a commit.
    guard: staged,
    format,
    ...(writeBaseline ? { writeBaseline } : {}),
  };
}

/** The built-in rules and the custom rules (`.latch/scan-rules.yaml`) that found something. */
function withCustomRules(rules: RuleInfo[], outcome: ScanOutcome): RuleInfo[] {
  const known = new Set(rules.map((rule) => rule.id));
  const custom = new Map<string, RuleInfo>();
  for (const finding of outcome.findings) {
    if (finding.secretNames || known.has(finding.ruleId) || custom.has(finding.ruleId)) continue;
    custom.set(finding.ruleId, { id: finding.ruleId, provider: 'Custom', description: finding.description });
  }
  return [...rules, ...custom.values()];
}

/** Prints the outcome in `format`. */
export function printOutcome(io: Io, outcome: ScanOutcome, format: Format): void {
  if (format === 'json') io.stdout.write(renderJson(outcome));
  else if (format === 'sarif')
    io.stdout.write(renderSarif(outcome, withCustomRules(listRules(), outcome), version));
  else io.stdout.write(renderText(outcome));
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (flagOption(args, 'reindex')) {
    const vault = await openVault(io);
    await vault.repairScanIndex({ force: true });
    say(io, 'scan index rebuilt');
    return 0;
  }
  const plan = planScan(args, io);
  const range = stringOption(args, 'range');
  // A range naming no commits here is the user's typo (exit 2), not git failing (exit 1).
  if (
    range !== undefined &&
    git(requireWorkTree(io.cwd, '--history'), ['rev-parse', range, '--'], { allowFailure: true }) === null
  )
    throw usageError(
      `--range ${JSON.stringify(range)} names a revision this repository does not have; use one like main..HEAD`,
    );
  const outcome = await runScan(plan, io, latchHome(io));
  if (plan.writeBaseline) {
    writeFileAtomic(
      resolve(io.cwd, plan.writeBaseline),
      new TextEncoder().encode(renderBaseline(outcome.findings, plan.baseline ?? [])),
      {
        mode: 0o644,
      },
    );
    note(
      io,
      `wrote ${counted(outcome.findings.length, 'fingerprint')} to ${plan.writeBaseline}; later scans with --baseline ignore them`,
    );
    return 0;
  }
  printOutcome(io, outcome, plan.format);
  if (outcome.findings.length === 0) return 0;
  await recordScanBlock(io, outcome, 'scan');
  return 5;
}
