/**
 * `latch inject -i TEMPLATE [-o FILE] [--force]`: fills `{{ latch://... }}` references in a
 * template with the values they name; to stdout, or to a new file (0600). Every reference is
 * checked before anything is written: one unresolvable reference (exit 7) writes nothing.
 */
import { lstatSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { confirmReveal } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { openProjectVault, openVault, type ProjectContext, resolveProject } from '../../../app/context.js';
import { resolveReferences } from '../../../app/references-in-vault.js';
import { valueAsEnvironmentString } from '../../../run/plan.js';
import {
  completeReference,
  findTemplateReferences,
  formatReference,
  renderTemplate,
  type TemplateReference,
} from '../../../run/references.js';
import { LatchError } from '../../../shared/errors.js';
import {
  readFileWithin,
  removeOrphanedTempFiles,
  writeFileAtomic,
  writeNewFile,
} from '../../../shared/files.js';
import type { Io } from '../../../shared/io.js';
import { decodeUtf8 } from '../../../shared/utf8.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

const usage = 'usage: latch inject -i TEMPLATE [-o FILE] [--force]';
/** The largest template read: any configuration file, but not /dev/zero. */
const maxTemplateBytes = 16 * 1024 * 1024;

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const input = stringOption(args, 'in-file');
  if (!input || args.positionals.length > 0) throw new LatchError('E_USAGE', usage);
  const output = stringOption(args, 'out-file');
  const outputPath = output === undefined ? null : resolve(io.cwd, output);
  if (outputPath) refuseSymlink(outputPath, output!);
  const template = readTemplate(resolve(io.cwd, input), input);
  const found = findTemplateReferences(template);
  const uses = found.map((item) => ({
    reference: item.reference,
    where: `${input}:${lineOf(template, item)}`,
  }));
  let values: Uint8Array[] = [];
  // A template without references is copied as it is: nothing to unlock.
  if (found.length > 0) {
    const { context, anchored } = await contextFor(args, io, found);
    const vault = anchored ? await openProjectVault(io, context) : await openVault(io);
    const confirmed = new Set<string>();
    values = await resolveReferences(io, context, vault, uses, confirmed);
    const current = { project: context.project, environment: context.environment };
    const complete = found.map((item) => completeReference(item.reference, current));
    if (outputPath === null) {
      // On stdout (a terminal or a pipe) the values reach whoever runs latch: an agent needs consent.
      await confirmReveal(
        io,
        {
          names: [...new Set(complete.map((reference) => reference.name))],
          environments: [
            ...new Set(complete.map((reference) => `${reference.project}/${reference.environment}`)),
          ],
          through: 'inject to stdout',
        },
        confirmed,
      );
    }
    // Recorded before any value is written out, as `run` records before its child starts.
    await recordEvent(
      io,
      {
        kind: 'inject',
        project: context.project,
        environment: context.environment,
        detail: {
          references: [...new Set(complete.map(formatReference))],
          template: resolve(io.cwd, input),
          output: outputPath ?? 'stdout',
        },
      },
      vault,
      'required',
    );
  }
  const texts = values.map((value, index) => {
    const text = valueAsEnvironmentString(value);
    if (text === null) {
      throw new LatchError(
        'E_USAGE',
        `the value for ${uses[index]!.where} is binary and cannot go in a text template`,
      );
    }
    return text;
  });
  const rendered = renderTemplate(template, found, (_, index) => texts[index]!);
  const bytes = new TextEncoder().encode(rendered);
  if (outputPath === null) {
    io.stdout.write(bytes);
    return 0;
  }
  // An inject killed while writing leaves FILE.tmp-PID-* beside FILE, with the values in it
  // (in a repository, untracked and one `git add .` away from a commit): remove those first.
  removeOrphanedTempFiles(dirname(outputPath), basename(outputPath));
  if (flagOption(args, 'force')) writeFileAtomic(outputPath, bytes, { mode: 0o600 });
  else writeNewFile(outputPath, bytes);
  return 0;
}

/**
 * The project context for short references. Without a manifest (and no --project) a
 * template of full references (`latch://PROJECT/ENV/NAME`) still works.
 */
async function contextFor(args: ParsedArgs, io: Io, found: TemplateReference[]) {
  try {
    return { context: await resolveProject(args, io), anchored: true };
  } catch (error) {
    const full = found.every((item) => item.reference.project !== undefined);
    if (!(error instanceof LatchError) || error.code !== 'E_NO_MANIFEST' || !full) throw error;
    const context: ProjectContext = {
      project: '',
      environment: '',
      manifest: null,
      manifestPath: null,
      manifestText: null,
      directory: io.cwd,
    };
    return { context, anchored: false };
  }
}

function readTemplate(path: string, shown: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(path, maxTemplateBytes, shown);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new LatchError('E_NOT_FOUND', `cannot read template ${shown} (${code}); check the path`);
  }
  // Read leniently, every byte that is not UTF-8 would come out as U+FFFD.
  const decoded = decodeUtf8(bytes);
  if ('invalidLine' in decoded)
    throw new LatchError(
      'E_USAGE',
      `template ${shown}:${decoded.invalidLine}: not UTF-8; convert it to UTF-8 first`,
    );
  return decoded.text;
}

/** A symlink at -o could point anywhere (a shared or world-readable file): always refused. */
function refuseSymlink(path: string, shown: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) {
      throw new LatchError(
        'E_EXISTS',
        `${shown} is a symbolic link; latch writes secrets to plain files only`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function lineOf(template: string, item: TemplateReference): number {
  let line = 1;
  for (
    let index = template.indexOf('\n');
    index >= 0 && index < item.start;
    index = template.indexOf('\n', index + 1)
  ) {
    line++;
  }
  return line;
}
