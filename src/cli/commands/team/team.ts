/**
 * `latch team SUBCOMMAND`: sharing a project's secrets through git, encrypted to each
 * member's age key (docs/commands.md, "latch team"). Each subcommand's code is loaded when
 * it runs.
 */
import { LatchError } from '../../../shared/errors.js';
import type { Io } from '../../../shared/io.js';
import type { ParsedArgs } from '../../args.js';

const subcommands: Record<string, () => Promise<{ run: (args: ParsedArgs, io: Io) => Promise<number> }>> = {
  init: () => import('./init.js'),
  key: () => import('./key.js'),
  add: () => import('./add.js'),
  rm: () => import('./remove.js'),
  'offboard-report': () => import('./offboard.js'),
  ls: () => import('./ls.js'),
  ack: () => import('./ack.js'),
  share: () => import('./share.js'),
  verify: () => import('./verify.js'),
  // git's external diff command for .latch/envs/** (not in the usage: git runs it).
  'diff-driver': () => import('./diff-driver.js'),
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  const load = name === undefined ? undefined : subcommands[name];
  if (!load) {
    throw new LatchError(
      'E_USAGE',
      'usage: latch team init | key | add NAME RECIPIENT | rm NAME | ls | ack | verify | share --env E | offboard-report NAME',
    );
  }
  const { run: runSubcommand } = await load();
  return runSubcommand({ ...args, positionals: args.positionals.slice(1) }, io);
}
