/**
 * The chain of ancestor processes, for recognising an agent that started latch (through a
 * shell or two). Linux reads /proc; elsewhere `ps`. Failures give a shorter chain, never an
 * error: this labels audit records, it guards nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ProcessInfo } from './agent.js';

/** How far up to look: agent -> shell -> latch is typical, wrappers add a level or two. */
const maxDepth = 8;

function fromProc(pid: number): (ProcessInfo & { parent: number }) | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name sits in parentheses and may itself contain spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const parent = Number(stat.slice(close + 2).split(' ')[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, name, argv, parent };
  } catch {
    return null;
  }
}

function fromPs(pid: number): (ProcessInfo & { parent: number }) | null {
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], {
      encoding: 'utf8',
      timeout: 1000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const match = /^(\d+)\s+(.*)$/.exec(out);
    if (!match) return null;
    return { pid, name: match[2]!.split('/').pop()!, argv: [match[2]!], parent: Number(match[1]) };
  } catch {
    return null;
  }
}

/** The ancestors of `pid`, nearest first (the process itself included), up to 8. */
export function readAncestors(pid: number, platform = process.platform): ProcessInfo[] {
  if (platform === 'win32') return [];
  const read = platform === 'linux' ? fromProc : fromPs;
  const chain: ProcessInfo[] = [];
  let current = pid;
  while (current > 1 && chain.length < maxDepth) {
    const info = read(current);
    if (!info) break;
    chain.push({ pid: info.pid, name: info.name, argv: info.argv });
    current = info.parent;
  }
  return chain;
}
