#!/usr/bin/env node
/**
 * The import rules of docs/architecture.md, checked on every `npm test`:
 * - no import cycle anywhere under src/ (static, dynamic and type-only imports all count:
 *   a cycle through types still ties two modules' designs together);
 * - nothing outside src/cli/ imports src/cli/ (the CLI is one front end among several);
 * - each folder imports only the folders its README says it may use (the table below,
 *   drawn in docs/architecture.md); a new folder needs its line here;
 * - no folder holds more than 20 source files directly.
 * Prints each broken rule on one line and exits 1; prints a summary and exits 0 otherwise.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repository = fileURLToPath(new URL('..', import.meta.url));
const maxFilesPerFolder = 20;

/**
 * Which folders each folder under src/ may import (besides itself). The order is the
 * layering: shared at the bottom, capabilities on it, app over them, cli on top.
 */
const mayUse = {
  'src/shared': [],
  'src/audit': ['src/shared'],
  'src/git': ['src/shared'],
  'src/manifest': ['src/shared'],
  'src/mask': ['src/shared'],
  'src/scan/rules': [],
  'src/run': ['src/shared', 'src/mask'],
  // The audit key is derived from the data key; a vault write refreshes the scan index
  // (scan/value-index-file.ts, imported on demand); messages name secrets as
  // manifest/names.ts shows them (never a name that looks like a value).
  'src/vault': ['src/shared', 'src/audit', 'src/scan', 'src/manifest'],
  'src/scan': ['src/shared', 'src/scan/rules', 'src/git', 'src/mask', 'src/vault'],
  'src/session': ['src/shared', 'src/vault', 'src/run'],
  // Team sharing over git: age files of the vault's secrets, recipients, history.
  'src/team': ['src/shared', 'src/git', 'src/vault'],
  // The bundle and backup formats; the lockout policy is the vault's (vault/lockout.ts).
  'src/bundle': ['src/shared', 'src/vault', 'src/manifest'],
  'src/app': [
    'src/team',
    'src/shared',
    'src/audit',
    'src/bundle',
    'src/git',
    'src/manifest',
    'src/mask',
    'src/run',
    'src/scan',
    'src/scan/rules',
    'src/session',
    'src/vault',
  ],
  // The MCP server: a front end like the CLI, so it calls app/ and never cli/.
  'src/mcp': [
    'src/shared',
    'src/app',
    'src/audit',
    'src/manifest',
    'src/mask',
    'src/run',
    'src/scan',
    'src/vault',
  ],
  'src/lifecycle': ['src/shared', 'src/app', 'src/vault', 'src/manifest'],
  'src/clipboard': ['src/shared', 'src/app', 'src/vault', 'src/manifest'],
  'src/doctor': ['src/shared', 'src/app', 'src/git', 'src/manifest', 'src/vault', 'src/lifecycle'],
  // latch ui: a front end like the CLI and the MCP server (app/ and the capabilities).
  'src/ui': [
    'src/shared',
    'src/app',
    'src/lifecycle',
    'src/vault',
    'src/manifest',
    'src/audit',
    'src/team',
    'src/doctor',
    'src/session',
    'src/clipboard',
    // The page's types only (page/types.ts, no code): the answers' shapes, written once.
    'src/ui/page',
  ],
  // The page, run in the browser: it talks to src/ui/api.ts over HTTP only.
  'src/ui/page': [],
  'src/cli': ['*'],
  src: ['src/app', 'src/shared', 'src/run', 'src/vault', 'src/manifest', 'src/audit'],
};

/** The folder a module belongs to for the table: its directory, with cli/commands/* as cli. */
function folderOf(file) {
  const directory = dirname(file);
  return directory === 'src/cli' || directory.startsWith('src/cli/') ? 'src/cli' : directory;
}

function sourceFiles(root, directory, found = []) {
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) sourceFiles(root, path, found);
    else if (/\.(ts|cjs|mjs)$/.test(name) && !name.endsWith('.d.ts')) found.push(relative(root, path));
  }
  return found;
}

// Every quoted specifier after `from`, `import` or `import(`; comments are stripped first so
// an example in a doc comment is not an import.
const importPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\1/g;

/** The repository paths a file imports (relative specifiers only; packages are leaves). */
export function importsOf(file, text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const targets = [];
  for (const match of code.matchAll(importPattern)) {
    const specifier = match[2];
    if (!specifier.startsWith('.')) continue;
    const resolved = posix.normalize(posix.join(posix.dirname(file), specifier));
    targets.push(resolved.replace(/\.js$/, '.ts'));
  }
  return targets;
}

/** Strongly connected components of more than one module, or a module importing itself. */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** Every broken rule in the tree at `root` (a repository with a src/ folder), one line each. */
export function checkTree(root) {
  const files = sourceFiles(root, join(root, 'src'));
  const graph = new Map(files.map((file) => [file, importsOf(file, readFileSync(join(root, file), 'utf8'))]));
  const problems = [];
  for (const cycle of findCycles(graph)) problems.push(`import cycle: ${cycle.join(' -> ')}`);
  for (const [file, targets] of graph) {
    if (file.startsWith('src/cli/')) continue;
    for (const target of targets) {
      if (target.startsWith('src/cli/'))
        problems.push(`${file} imports ${target}: only src/cli/ may use the CLI`);
    }
  }
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const allowed = mayUse[from];
    if (!allowed) {
      problems.push(
        `${from} is not in the folder table of scripts/check-imports.mjs: add what it may use there and in docs/architecture.md`,
      );
      continue;
    }
    for (const target of targets) {
      const to = folderOf(target);
      if (to === from || allowed.includes('*') || allowed.includes(to)) continue;
      problems.push(`${file} imports ${target}: ${from} may not use ${to} (see docs/architecture.md)`);
    }
  }
  const perFolder = new Map();
  for (const file of files) perFolder.set(dirname(file), (perFolder.get(dirname(file)) ?? 0) + 1);
  for (const [folder, count] of perFolder) {
    if (count > maxFilesPerFolder)
      problems.push(`${folder} holds ${count} source files (at most ${maxFilesPerFolder}): split it`);
  }
  return { problems, modules: files.length, folders: perFolder.size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { problems, modules, folders } = checkTree(repository);
  for (const problem of problems) console.error(`check-imports: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(
    `check-imports: ${modules} modules in ${folders} folders, no cycle, no import of src/cli/ from outside it`,
  );
}
