/**
 * `latch team diff-driver PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE`: git's
 * external diff command for `.latch/envs/**` (set up by `team init` and `pull`); prints
 * "NAME changed in ENV" instead of ciphertext.
 */
import { readFileSync } from 'node:fs';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { describeFileChange } from '../../../team/diff.js';
import type { ParsedArgs } from '../../args.js';

/** One side of the diff; git names a missing side /dev/null (a work-tree file has a zero hex). */
function readSide(file: string | undefined): string | null {
  if (!file || file === '/dev/null') return null;
  return readFileSync(file, 'latin1');
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [path, oldFile, , , newFile] = args.positionals;
  if (!path)
    throw new LatchError(
      'E_USAGE',
      'usage: latch team diff-driver PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE (run by git)',
    );
  const line = describeFileChange(path, readSide(oldFile), readSide(newFile));
  if (line) say(io, `latch: ${path}\n  ${line}`);
  return 0;
}
