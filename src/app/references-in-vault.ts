/**
 * Resolving `latch://` references against the unlocked vault, for `run` (env files, the
 * caller's environment) and `inject` (templates). Every reference is checked before any value
 * is used: the unresolvable ones are named together (exit 7), each project a reference
 * reaches must trust the directory asking (a cloned repository's `.env` must not read your
 * other projects), and each protected environment is confirmed on a terminal once, as `run`
 * does for its own.
 */

import {
  completeReference,
  formatReference,
  type Reference,
  type ResolvedReference,
} from '../run/references.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import type { UnlockedVault } from '../vault/store.js';
import { confirmDirectoryTrust, confirmProtected } from './access.js';
import type { ProjectContext } from './context.js';

/** A reference and where it was found (for messages: a variable name, a template line). */
export interface ReferenceUse {
  reference: Reference;
  where: string;
}

/**
 * The values of `uses`, in order. Throws E_MISSING_REQUIRED naming each reference that has
 * no value (never a value), and E_CONFIRMATION_REQUIRED when a project that does not trust
 * `context.directory`, or a protected environment, is not confirmed. `confirmed` lists
 * environments (`project/env`) the caller already confirmed, and gets those confirmed here;
 * it is 'skip' when no value will be used (`run --dry-run`).
 */
export async function resolveReferences(
  io: Io,
  context: ProjectContext,
  vault: UnlockedVault,
  uses: readonly ReferenceUse[],
  confirmed: Set<string> | 'skip' = new Set(),
): Promise<Uint8Array[]> {
  const current = { project: context.project, environment: context.environment };
  const complete = uses.map((use) => completeReference(use.reference, current));
  const unresolved: string[] = [];
  const values: Uint8Array[] = [];
  complete.forEach((reference, index) => {
    const value = lookUp(vault, reference);
    if (value === undefined) unresolved.push(`${formatReference(reference)} (${uses[index]!.where})`);
    else values.push(value);
  });
  if (unresolved.length > 0) {
    throw new LatchError(
      'E_MISSING_REQUIRED',
      `unresolvable references: ${unresolved.join(', ')}; set them with \`latch set NAME --project P --env E\``,
    );
  }
  if (confirmed === 'skip') return values;
  const projects = new Map<string, string>();
  complete.forEach((reference, index) => {
    if (!projects.has(reference.project)) projects.set(reference.project, uses[index]!.where);
  });
  for (const [project, where] of projects) {
    await confirmDirectoryTrust(io, vault, project, context.directory, `a reference (${where}) uses`);
  }
  for (const reference of complete) {
    const where = `${reference.project}/${reference.environment}`;
    if (confirmed.has(where)) continue;
    // The manifest that applies speaks for its own project only.
    const manifest = reference.project === context.project ? context.manifest : null;
    const scope = { project: reference.project, environment: reference.environment, manifest };
    const record = vault.contents.getProject(reference.project);
    if (await confirmProtected(io, scope, record, 'a reference uses it')) confirmed.add(where);
  }
  return values;
}

function lookUp(vault: UnlockedVault, reference: ResolvedReference): Uint8Array | undefined {
  const record = vault.contents.getProject(reference.project);
  return record?.environments[reference.environment]?.secrets[reference.name]?.value;
}
