/** `latch example`: write .env.example from latch.yaml. It holds names and placeholders only. */
import { dirname, join, resolve } from 'node:path';
import { findManifestFile } from '../../../manifest/file.js';
import { parseManifest } from '../../../manifest/manifest.js';
import { renderEnvExample } from '../../../manifest/text.js';
import { LatchError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/files.js';
import { type Io, say } from '../../../shared/io.js';
import { type ParsedArgs, stringOption } from '../../args.js';

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
