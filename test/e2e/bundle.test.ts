/**
 * The shape of the built executable (scripts/bundle-cli.mjs): what `latch run` loads before
 * it knows whether it needs the manifest parser or Argon2id must not contain them. A change
 * that imports yaml or hash-wasm statically on that path costs every command tens of
 * milliseconds without failing any other test.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binary } from './harness.js';

/** Every file `entry` loads before running: itself and its static imports, transitively. */
function staticGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const match of text.matchAll(
      /^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)";|^import\s*"(\.[^"]+)";/gms,
    )) {
      pending.push(join(dirname(file), (match[1] ?? match[2])!));
    }
  }
  return files;
}

/**
 * The bundled sources in `files`, from esbuild's `// path` markers, as `src/...` or
 * `node_modules/...` (a linked node_modules shows as a longer relative path).
 */
function bundledSources(files: Map<string, string>): string[] {
  return [...files.values()].flatMap((text) =>
    [...text.matchAll(/^\/\/ \S*?((?:src|node_modules)\/\S+)$/gm)].map((match) => match[1]!),
  );
}

describe('the bundled executable', () => {
  const entry = staticGraph(binary);
  const commandTable = [...entry].find(([, text]) => text.includes('import("./run-'));
  const runChunk = commandTable && /import\("\.\/(run-[A-Z0-9]+\.js)"\)/.exec(commandTable[1])![1]!;

  it('loads the command table and not the commands', () => {
    expect(commandTable, 'no chunk imports the run command lazily').toBeDefined();
    expect(bundledSources(entry).filter((source) => source.startsWith('src/cli/commands/'))).toEqual([]);
  });

  it('runs `run` without yaml, the manifest parser or hash-wasm (they load on demand)', () => {
    const sources = bundledSources(staticGraph(join(dirname(binary), 'chunks', runChunk!)));
    expect(sources).toContain('src/cli/commands/run.ts');
    expect(sources).toContain('src/platform/manifest-file.ts');
    expect(
      sources.filter(
        (source) =>
          source.startsWith('node_modules/yaml/') ||
          source.startsWith('node_modules/hash-wasm/') ||
          source === 'src/core/manifest.ts',
      ),
    ).toEqual([]);
  });
});
