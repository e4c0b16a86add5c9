/**
 * Finding and rewriting latch.yaml on disk. The manifest is found by walking up from the
 * working directory, as git finds .git.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeOrphanedTempFiles, writeFileAtomic } from './files.js';

export const manifestFileName = 'latch.yaml';

export interface ManifestFile {
  path: string;
  text: string;
}

/** The nearest latch.yaml at or above `cwd`, or null. */
export function findManifestFile(cwd: string): ManifestFile | null {
  let directory = cwd;
  for (;;) {
    const path = join(directory, manifestFileName);
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

/**
 * Rewrites the manifest crash-safely (0644: it is committed and holds no values), first
 * removing `latch.yaml.tmp-*` files that a killed latch left in the repository.
 */
export function writeManifestFile(path: string, text: string): void {
  removeOrphanedTempFiles(dirname(path), basename(path));
  writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o644 });
}
