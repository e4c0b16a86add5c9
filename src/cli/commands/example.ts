/** `latch example`: write .env.example from latch.yaml. It holds names and placeholders only. */
import { dirname, join, resolve } from 'node:path';
import { LatchError } from '../../core/errors.js';
import { parseManifest } from '../../core/manifest.js';
import { renderEnvExample } from '../../core/manifest-text.js';
import { writeFileAtomic } from '../../platform/files.js';
import { findManifestFile } from '../../platform/manifest-file.js';
import { type ParsedArgs, stringOption } from '../args.js';
import { type Io, say } from '../io.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const found = findManifestFile(io.cwd);
  if (!found) throw new LatchError('E_NO_MANIFEST', 'no latch.yaml here or above; run `latch init` first');
  const text = renderEnvExample(parseManifest(found.text, found.path));
  const output = stringOption(args, 'output');
  if (output === '-') {
    io.stdout.write(text);
    return 0;
  }
  const path = output ? resolve(io.cwd, output) : join(dirname(found.path), '.env.example');
  writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o644 });
  say(io, `wrote ${path}`);
  return 0;
}
