/**
 * `latch run` up to the moment the child starts, for every front end (the CLI's `run`, an MCP
 * server's run tool): which project and environment, the unlocked vault, a protected
 * environment's confirmation, the `--env-file` files and `latch://` references, the declared
 * secrets (and, on a terminal, the missing ones typed now), and the plan as data. Then the
 * consent an unmasked run needs and the audit record, both before the child exists. The
 * front end executes the plan (run/child.ts) and shows the output its own way.
 */
import { basename, dirname } from 'node:path';
import type { BundleContents } from '../bundle/document.js';
import {
  buildRunPlan,
  environmentEntryLimit,
  type RunPlan,
  type SecretToInject,
  unusableValues,
} from '../run/plan.js';
import { completeReference, formatReference, type ResolvedReference } from '../run/references.js';
import { LatchError } from '../shared/errors.js';
import { type Io, note } from '../shared/io.js';
import { sharedFilesAreNewer } from '../team/freshness.js';
import { ensureEnvironment, putSecret } from '../vault/secrets.js';
import { type UnlockedVault, vaultExists } from '../vault/store.js';
import { confirmProtected, confirmReveal } from './access.js';
import { recordEvent, updateRecorded } from './audit.js';
import { checkBundleTarget, withBundleValues } from './bundle-for-run.js';
import {
  latchHome,
  openProjectVault,
  type ProjectChoice,
  type ProjectContext,
  projectRecordFor,
  resolveProject,
} from './context.js';
import { readRunVariables, resolveRunVariables } from './run-environment.js';
import { secretsToInject, tooLongReason, unusableRequired } from './secrets-for-run.js';

/** What a front end asks to run. */
export interface RunRequest {
  command: string;
  args: readonly string[];
  /** `--env-file` files, later ones winning. */
  envFiles: readonly string[];
  mask: boolean;
  /** Plan only: nothing is confirmed, prompted, recorded or started. */
  dryRun: boolean;
  /**
   * Protected environments (`project/environment`) a person allowed ahead of time, for a
   * front end with no terminal to ask on (the MCP server, with an active `latch grant`).
   */
  granted?: ReadonlySet<string>;
  /**
   * A decrypted bundle (`--bundle`, app/bundle.ts) for this project and environment. Its
   * values fill declared secrets the vault has no value for: the vault wins. The caller
   * opens it and wipes it after the run.
   */
  bundle?: BundleContents | undefined;
}

/** A run ready to start: its plan and what the consent check and the audit record need. */
export interface PreparedRun {
  context: ProjectContext;
  /** Null only for `--bundle` on a machine with no vault. */
  vault: UnlockedVault | null;
  plan: RunPlan;
  /** Names whose values came through `latch://` references. */
  referenced: string[];
  /** Those references in their long form (project and environment filled in). */
  references: ResolvedReference[];
  /** `project/environment` pairs a person confirmed (protected) during this run. */
  confirmed: Set<string>;
  /** Names whose values came from the bundle (`--bundle`). */
  fromBundle: string[];
}

const missingNames = (secrets: SecretToInject[]) =>
  secrets.filter((secret) => secret.required && secret.value === undefined).map((secret) => secret.name);

/** On a terminal, offers to type the missing required secrets and stores what is typed. */
async function promptForMissing(io: Io, context: ProjectContext, vault: UnlockedVault, missing: string[]) {
  if (!io.terminal) return;
  note(io, `${context.project}/${context.environment} is missing required secrets: ${missing.join(', ')}`);
  const answer = await io.terminal.readLine('enter them now and store them in the vault? [y/N] ');
  if (!/^y(es)?$/i.test(answer.trim())) return;
  const values = new Map<string, Uint8Array>();
  for (const name of missing) {
    const typed = await io.terminal.readHidden(`value for ${name} (hidden): `);
    if (typed !== '') values.set(name, new TextEncoder().encode(typed));
  }
  // Stored like `set`, with a `set` record for each value.
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      const stored = [...values].map(([name, value]) => ({
        name,
        outcome: putSecret(env, name, value, {}, io.now().toISOString()),
      }));
      contents.putProject(context.project, record);
      return stored;
    },
    (stored) =>
      stored.map(({ name, outcome }) => ({
        kind: 'set' as const,
        project: context.project,
        environment: context.environment,
        secret: name,
        outcome,
      })),
  );
}

/**
 * Resolves everything a run needs and returns its plan. Throws E_MISSING_REQUIRED (exit 7)
 * naming every required secret that is missing, binary or too long for the environment, the
 * usual unlock errors, and E_CONFIRMATION_REQUIRED when a protected environment or an
 * untrusted reference has no person to confirm it.
 */
export async function prepareRun(io: Io, choice: ProjectChoice, request: RunRequest): Promise<PreparedRun> {
  const context = await resolveProject(choice, io);
  const where = `${context.project}/${context.environment}`;
  const variables = readRunVariables(io, request.envFiles);
  if (request.bundle) checkBundleTarget(request.bundle, context.project, context.environment);
  // A bundle shipped with a project runs where latch has no vault yet: the bundle alone.
  const vault = request.bundle && !vaultExists(latchHome(io)) ? null : await openProjectVault(io, context);
  if (
    vault &&
    context.manifestPath &&
    sharedFilesAreNewer(dirname(context.manifestPath), context.project, context.environment, vault.contents)
  ) {
    note(
      io,
      `latch: .latch/envs/${context.environment}/ changed since your last \`latch pull\`; run it to get the team's values`,
    );
  }
  // Confirm a protected environment before anything else, typed values included.
  const confirmed = new Set<string>();
  const record = vault?.contents.getProject(context.project);
  if (request.granted?.has(where)) confirmed.add(where);
  else if (!request.dryRun && (await confirmProtected(io, context, record, `running ${request.command}`)))
    confirmed.add(where);
  if (!vault && variables.uses.length > 0)
    throw new LatchError(
      'E_NO_VAULT',
      'latch:// references need a vault, and there is none here; create one with `latch init`',
    );
  const referenced = vault
    ? await resolveRunVariables(io, context, vault, variables, request.dryRun ? 'skip' : confirmed)
    : [];
  const bundled = (secrets: SecretToInject[]) =>
    request.bundle
      ? withBundleValues(context, secrets, request.bundle)
      : { secrets, fromBundle: [], undeclared: [] };
  let injected = bundled(secretsToInject(context, vault?.contents.getProject(context.project)));
  const missing = missingNames(injected.secrets);
  if (vault && missing.length > 0 && !request.dryRun) {
    await promptForMissing(io, context, vault, missing);
    injected = bundled(secretsToInject(context, vault.contents.getProject(context.project)));
  }
  const { secrets, fromBundle } = injected;
  if (injected.undeclared.length > 0)
    note(
      io,
      `in the bundle but not declared in latch.yaml for ${context.environment} (not injected): ${injected.undeclared.join(', ')}`,
    );
  const entryLimit = environmentEntryLimit(process.platform);
  const skipped = unusableValues(
    secrets.filter((secret) => !secret.required),
    entryLimit,
  );
  if (skipped.binary.length > 0)
    note(io, `not injected (binary values cannot be environment variables): ${skipped.binary.join(', ')}`);
  if (skipped.tooLong.length > 0) note(io, `not injected (${tooLongReason}): ${skipped.tooLong.join(', ')}`);
  const result = buildRunPlan({
    command: request.command,
    args: [...request.args],
    callerEnv: variables.callerEnv,
    fileEnv: variables.fileEnv,
    referenced,
    mask: request.mask,
    secrets,
    project: context.project,
    environment: context.environment,
    entryLimit,
  });
  if (!result.ok) {
    // The same words as `check`: both read them from unusableRequired.
    const why = unusableRequired(secrets, where, context.environment);
    throw new LatchError('E_MISSING_REQUIRED', why?.message ?? `cannot run in ${where}`);
  }
  const references = variables.uses.map((use) =>
    completeReference(use.reference, { project: context.project, environment: context.environment }),
  );
  return { context, vault, plan: result.plan, referenced, references, confirmed, fromBundle };
}

/**
 * What must happen before the child starts: an unmasked run shows values to whoever reads
 * its output, so a detected agent needs a person's consent; then the delivery is recorded
 * (a delivery is logged even if latch is killed mid-run). Throws E_CONFIRMATION_REQUIRED
 * without consent, and the audit log's errors.
 */
export async function authorizeRun(io: Io, run: PreparedRun): Promise<void> {
  const { context, plan } = run;
  const where = `${context.project}/${context.environment}`;
  if (plan.mask === null) {
    await confirmReveal(
      io,
      {
        names: [...new Set([...plan.secretNames, ...run.referenced])],
        environments: [
          ...new Set([
            ...(plan.secretNames.length > 0 ? [where] : []),
            ...run.references.map((reference) => `${reference.project}/${reference.environment}`),
          ]),
        ],
        through: 'run --no-mask',
      },
      run.confirmed,
    );
  }
  await recordEvent(
    io,
    {
      kind: 'run',
      project: context.project,
      environment: context.environment,
      secrets: plan.secretNames,
      program: basename(plan.command),
      // Values that reached the child through references, in their long form: `leaked`
      // finds deliveries of a secret by reference from other projects and environments too.
      detail: {
        references: run.references.map(formatReference),
        ...(run.fromBundle.length > 0 ? { bundle: run.fromBundle } : {}),
      },
    },
    run.vault,
    'required',
  );
}
