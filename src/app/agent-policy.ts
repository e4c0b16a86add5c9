/**
 * The person's policy for AI agents (`$LATCH_HOME/agent-policy.json`): which environments of
 * which projects an agent may run programs with, which programs, and which shells. It lives
 * in the user's latch directory, never in a repository, because an agent can edit the
 * repository: nothing there can widen it. The file must be the user's own regular file,
 * readable and writable by the user alone (0600), and not a symlink; anything else is refused.
 *
 * Without the file, an agent may run with the manifest's default environment only; a
 * protected environment always needs a person's time-boxed grant (app/grants.ts).
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { readFileWithin } from '../shared/files.js';

/** What the policy says for one project (or `*`, every other project). */
export interface ProjectPolicy {
  /** Environments agents may run with; null: the manifest's default environment only. */
  environments: string[] | null;
  /** Base names of the programs agents may run; null: any (but shells and environment printers). */
  commands: string[] | null;
  /** Shells agents may run (`bash`, `sh`): their argv carries a whole command line. */
  shells: string[];
  /** Whether `env`, `printenv` and their kind may run (their output is still masked). */
  environmentPrinters: boolean;
}

export interface AgentPolicy {
  projects: Record<string, ProjectPolicy>;
}

/** The policy file's name in LATCH_HOME. */
export const agentPolicyFile = 'agent-policy.json';
const maxPolicyBytes = 256 * 1024;

export const defaultProjectPolicy: ProjectPolicy = {
  environments: null,
  commands: null,
  shells: [],
  environmentPrinters: false,
};

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new LatchError('E_USAGE', `${agentPolicyFile}: ${where} must be a list of names; fix the file`);
  return value as string[];
}

/**
 * Parses the policy's JSON text: `{"projects": {"NAME" | "*": {"environments": [...],
 * "commands": [...], "shells": [...], "environment_printers": false}}}`. Throws E_USAGE
 * naming what is wrong; unknown keys are refused, so a typo never silently widens nothing.
 */
export function parseAgentPolicy(text: string): AgentPolicy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LatchError('E_USAGE', `${agentPolicyFile} is not valid JSON; fix the file`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new LatchError('E_USAGE', `${agentPolicyFile} must hold a JSON object; fix the file`);
  const top = data as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (key !== 'projects')
      throw new LatchError('E_USAGE', `${agentPolicyFile}: unknown key "${key}"; fix the file`);
  const projects: Record<string, ProjectPolicy> = {};
  const given = top.projects ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new LatchError('E_USAGE', `${agentPolicyFile}: projects must be an object; fix the file`);
  for (const [project, entry] of Object.entries(given)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new LatchError(
        'E_USAGE',
        `${agentPolicyFile}: projects.${project} must be an object; fix the file`,
      );
    const policy: ProjectPolicy = { ...defaultProjectPolicy };
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const where = `projects.${project}.${key}`;
      if (key === 'environments') policy.environments = stringList(value, where);
      else if (key === 'commands') policy.commands = stringList(value, where);
      else if (key === 'shells') policy.shells = stringList(value, where);
      else if (key === 'environment_printers') {
        if (typeof value !== 'boolean')
          throw new LatchError('E_USAGE', `${agentPolicyFile}: ${where} must be true or false; fix the file`);
        policy.environmentPrinters = value;
      } else throw new LatchError('E_USAGE', `${agentPolicyFile}: unknown key ${where}; fix the file`);
    }
    projects[project] = policy;
  }
  return { projects };
}

/** The policy for `project`: its own entry, else `*`, else the default. */
export function projectPolicy(policy: AgentPolicy, project: string): ProjectPolicy {
  if (Object.hasOwn(policy.projects, project)) return policy.projects[project]!;
  if (Object.hasOwn(policy.projects, '*')) return policy.projects['*']!;
  return defaultProjectPolicy;
}

/**
 * Reads the policy from `home`; no file is the default policy. Throws E_UNSAFE_PERMISSIONS
 * for a symlink, anything but a regular file, a file of another user, or one that group or
 * others may read or write; E_USAGE for a malformed one.
 */
export function readAgentPolicy(home: string): AgentPolicy {
  const path = join(home, agentPolicyFile);
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { projects: {} };
    throw error;
  }
  const own = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (!stat.isFile() || !own || (stat.mode & 0o077) !== 0)
    throw new LatchError(
      'E_UNSAFE_PERMISSIONS',
      `${path} must be your own regular file (not a symlink) with mode 0600; a person must fix it (chmod 600) before agents can run anything`,
    );
  return parseAgentPolicy(readFileWithin(path, maxPolicyBytes, path).toString('utf8'));
}
