/**
 * The checks every front end makes before a project's values reach someone, or before they
 * are destroyed: whether a directory may use a project (trusted directories), a person's
 * confirmation for a protected environment, and a person's consent before values are shown
 * in clear to an AI agent. They ask through the io's terminal and never print or read argv,
 * so the CLI, the library and later front ends (an MCP server, a web app) share one rule.
 * Without a terminal each one throws E_CONFIRMATION_REQUIRED (exit 3).
 */
import { detectAgent } from '../audit/agent.js';
import { declaredEnvironment, type Manifest } from '../manifest/model.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { sameBytes } from '../vault/secrets.js';
import type { UnlockedVault } from '../vault/store.js';
import type { ProjectRecord } from '../vault/vault.js';
import { updateRecorded } from './audit.js';

/** Where a command acts: a project, one of its environments, and the manifest that applies. */
export interface EnvironmentScope {
  project: string;
  environment: string;
  manifest: Manifest | null;
}

/**
 * Asks a person to confirm by typing `expected`. Throws E_CONFIRMATION_REQUIRED without a
 * terminal or when the answer does not match.
 */
export async function confirmOnTerminal(io: Io, reason: string, expected: string): Promise<void> {
  if (!io.terminal) {
    throw new LatchError('E_CONFIRMATION_REQUIRED', `${reason}: confirm on a terminal (no terminal here)`);
  }
  const answer = await io.terminal.readLine(`${reason}; type "${expected}" to continue: `);
  if (answer.trim() !== expected)
    throw new LatchError('E_CONFIRMATION_REQUIRED', 'not confirmed; nothing was done');
}

/** True when the environment needs a person's confirmation (manifest or vault says protected). */
export function isProtected(scope: EnvironmentScope, record: ProjectRecord | undefined): boolean {
  return (
    (scope.manifest && declaredEnvironment(scope.manifest, scope.environment)?.protected === true) ||
    record?.environments[scope.environment]?.protected === true
  );
}

/**
 * In a protected environment, asks a person to type its name before `action` (every use of
 * its values, and every change that deletes or replaces one). Returns whether it asked. A
 * `--force` never skips this: it answers "are you sure about the data", not this.
 */
export async function confirmProtected(
  io: Io,
  scope: EnvironmentScope,
  record: ProjectRecord | undefined,
  action: string,
): Promise<boolean> {
  if (!isProtected(scope, record)) return false;
  await confirmOnTerminal(
    io,
    `${scope.project}/${scope.environment} is protected; ${action}`,
    scope.environment,
  );
  return true;
}

/**
 * Before `values` are stored in a protected environment, asks a person when any of them
 * replaces a different stored value (`set`, `import`); a new secret replaces nothing.
 */
export async function confirmReplacing(
  io: Io,
  scope: EnvironmentScope,
  record: ProjectRecord | undefined,
  values: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  const stored = record?.environments[scope.environment]?.secrets ?? {};
  const replaced = [...values]
    .filter(([name, value]) => stored[name] !== undefined && !sameBytes(stored[name].value, value))
    .map(([name]) => name);
  if (replaced.length === 0) return;
  await confirmProtected(io, scope, record, `replacing the value of ${replaced.join(', ')}`);
}

/** The protected environments of a project's record, sorted. */
export function protectedEnvironments(record: ProjectRecord): string[] {
  return Object.keys(record.environments)
    .filter((name) => record.environments[name]!.protected)
    .sort();
}

/** Whether the project lets `directory` (a latch.yaml's directory, else a working directory) use it. */
export function trustsDirectory(record: ProjectRecord, directory: string): boolean {
  return record.trustedPaths?.includes(directory) === true;
}

/**
 * Asks a person to trust `directory` with `project` (it does not yet): they type the
 * project's name. Writes nothing; throws E_CONFIRMATION_REQUIRED without a terminal or a
 * matching answer.
 */
export async function askToTrust(
  io: Io,
  record: ProjectRecord,
  project: string,
  directory: string,
  asking: string,
): Promise<void> {
  const trusted = record.trustedPaths ?? [];
  const used = trusted.length > 0 ? `which you use in ${trusted.join(', ')}` : 'which no directory uses yet';
  await confirmOnTerminal(
    io,
    `${asking} project ${project}, ${used}; trusting it gives ${directory} its secrets`,
    project,
  );
}

/**
 * Makes sure `project` trusts `directory` before any of its values reach it: the manifest,
 * a reference in an env file, the caller's environment or a template, the library. When it
 * does not, a person types the project's name, and the directory is trusted from then on.
 * `asking` says what in the directory asks (`PATH names`, `a reference (WHERE) uses`). A
 * project the vault does not hold has nothing to give: nothing is asked.
 */
export async function confirmDirectoryTrust(
  io: Io,
  vault: UnlockedVault,
  project: string,
  directory: string,
  asking: string,
): Promise<void> {
  const record = vault.contents.getProject(project);
  if (!record || trustsDirectory(record, directory)) return;
  await askToTrust(io, record, project, directory, asking);
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = contents.getProject(project);
      if (latest && !trustsDirectory(latest, directory)) {
        latest.trustedPaths = [...(latest.trustedPaths ?? []), directory];
      }
    },
    // Security-relevant: from now on this directory gets the project's secrets.
    () => [{ kind: 'project', project, detail: { action: 'trust', directory } }],
  );
}

/** Values about to be shown in clear: their names, the environments (`P/E`) they come from, and how. */
export interface Reveal {
  names: readonly string[];
  environments: readonly string[];
  /** The way out, when it is not `get --reveal` (`run --no-mask`, `inject to stdout`). */
  through?: string;
}

/**
 * With an AI agent detected, a person must consent before values reach the agent's screen
 * (`get --reveal`, `run --no-mask`, `inject` to stdout): they type the secret's name, or
 * `N secrets` for several. Values only from environments in `confirmed` (protected ones a
 * person has just confirmed) need no second question. Without an agent, nothing is asked.
 */
export async function confirmReveal(
  io: Io,
  reveal: Reveal,
  confirmed: ReadonlySet<string> = new Set(),
): Promise<void> {
  const agent = detectAgent(io.env);
  if (!agent || reveal.names.length === 0) return;
  if (reveal.environments.every((where) => confirmed.has(where))) return;
  const [only] = reveal.names;
  const expected = reveal.names.length === 1 ? only! : `${reveal.names.length} secrets`;
  const what = reveal.names.length === 1 ? only! : `${expected} (${reveal.names.join(', ')})`;
  const through = reveal.through ? ` through ${reveal.through}` : '';
  await confirmOnTerminal(
    io,
    `${agent} (an AI agent) asks to reveal ${what} from ${reveal.environments.join(', ')}${through}`,
    expected,
  );
}
