/** Types of scripts/check-imports.mjs, for its tests. */
export function importsOf(file: string, text: string): string[];
export function findCycles(graph: Map<string, string[]>): string[][];
export function checkTree(root: string): { problems: string[]; modules: number; folders: number };
