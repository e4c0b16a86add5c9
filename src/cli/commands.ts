/**
 * Each command's code, imported only when that command runs, so start-up pays for one
 * command, not all of them. Names, options and help are data in command-table.ts.
 */

import type { Io } from '../shared/io.js';
import type { CommandSpec, ParsedArgs } from './args.js';
import { commands } from './command-table.js';

export type CommandRunner = (args: ParsedArgs, io: Io) => Promise<number>;

export interface CommandEntry extends CommandSpec {
  load: () => Promise<{ run: CommandRunner }>;
}

const loaders: Record<string, CommandEntry['load']> = {
  init: () => import('./commands/project/init.js'),
  set: () => import('./commands/secrets/set.js'),
  get: () => import('./commands/secrets/get.js'),
  ls: () => import('./commands/secrets/ls.js'),
  rm: () => import('./commands/secrets/rm.js'),
  import: () => import('./commands/secrets/import.js'),
  example: () => import('./commands/secrets/example.js'),
  check: () => import('./commands/secrets/check.js'),
  run: () => import('./commands/run/run.js'),
  inject: () => import('./commands/run/inject.js'),
  bundle: () => import('./commands/bundle/bundle.js'),
  backup: () => import('./commands/bundle/backup.js'),
  restore: () => import('./commands/bundle/restore.js'),
  passwd: () => import('./commands/session/passwd.js'),
  unlock: () => import('./commands/session/unlock.js'),
  lock: () => import('./commands/session/lock.js'),
  status: () => import('./commands/session/status.js'),
  env: () => import('./commands/project/env.js'),
  project: () => import('./commands/project/project.js'),
  audit: () => import('./commands/audit/audit.js'),
  leaked: () => import('./commands/audit/leaked.js'),
  scan: () => import('./commands/scan/scan.js'),
  hooks: () => import('./commands/scan/hooks.js'),
  completion: () => import('./commands/completion.js'),
  team: () => import('./commands/team/team.js'),
  push: () => import('./commands/team/push.js'),
  pull: () => import('./commands/team/pull.js'),
  mcp: () => import('./commands/mcp/mcp.js'),
  grant: () => import('./commands/mcp/grant.js'),
  history: () => import('./commands/lifecycle/history.js'),
  rollback: () => import('./commands/lifecycle/rollback.js'),
  rotate: () => import('./commands/lifecycle/rotate.js'),
  copy: () => import('./commands/lifecycle/copy.js'),
  doctor: () => import('./commands/lifecycle/doctor.js'),
  ui: () => import('./commands/ui/ui.js'),
};

/** The command named `name` with its loader, or undefined. */
export function findCommand(name: string): CommandEntry | undefined {
  const spec = commands.find((command) => command.name === name);
  const load = loaders[name];
  return spec && load ? { ...spec, load } : undefined;
}
