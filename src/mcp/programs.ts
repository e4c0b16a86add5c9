/**
 * Which programs latch_run refuses unless the person's policy allows them: programs whose
 * purpose is to print the environment (their output would be nothing but secrets, masked or
 * not), and shells (a shell runs whatever its script says, which latch cannot check). Pure.
 *
 * This is a guard against the obvious, not a sandbox: any program can print its environment,
 * which is why latch_run masks every output whatever ran.
 */
import { basename } from 'node:path';

/** Programs that print the environment when asked to run (`env`, `printenv`) or are shell builtins for it. */
const environmentPrinters = new Set(['env', 'printenv', 'export', 'set', 'declare', 'typeset', 'compgen']);

/** Shells: a shell's argv carries a script, not a program. */
export const shells = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'fish',
  'csh',
  'tcsh',
  'ash',
  'busybox',
]);

/** A /proc/<pid>/environ path, in any form a program may be given it. */
const procEnviron = /(^|\/)proc\/[^/]+\/(task\/[^/]+\/)?environ\b/;

/** What the person allowed (the policy file), beyond the defaults. */
export interface ProgramAllowance {
  /** Base names of shells latch_run may run. */
  shells: readonly string[];
  /** Whether env, printenv and their kind may run (their output is masked). */
  environmentPrinters: boolean;
}

export const defaultAllowance: ProgramAllowance = { shells: [], environmentPrinters: false };

/**
 * Why latch_run refuses `argv`, as a message for the model, or null when it may run. The
 * program is named by its base name (`/usr/bin/env` is `env`).
 */
export function refusalFor(argv: readonly string[], allowed: ProgramAllowance): string | null {
  const program = basename(argv[0] ?? '');
  if (program === '') return 'argv[0] is empty; give the program to run';
  const printsEnvironment =
    environmentPrinters.has(program) || argv.some((argument) => procEnviron.test(argument));
  if (printsEnvironment && !allowed.environmentPrinters)
    return `${program} prints the environment, which holds the secrets; latch_run refuses it unless the person's policy allows it (see docs/agents.md)`;
  if (shells.has(program) && !allowed.shells.includes(program))
    return `${program} is a shell; latch_run runs programs, not shell command lines; give argv directly (for example ["npm", "test"]), or the person may allow ${program} in the policy (see docs/agents.md)`;
  return null;
}
