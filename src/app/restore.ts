/**
 * `restore` for every front end: the plan by name (add, replace, skip, same), then all of
 * it or nothing. Onto a vault, one vault write applies the plan; onto a machine with no
 * vault, the backed-up vault is recreated under a new passphrase with its audit log, the
 * vault file appearing last. A crash at any point leaves the old state or the new one.
 */
import { renameSync } from 'node:fs';
import { relative } from 'node:path';
import { auditPaths } from '../audit/log.js';
import { LatchError } from '../shared/errors.js';
import { writeFileAtomic } from '../shared/files.js';
import { type Io, note } from '../shared/io.js';
import { sameBytes } from '../vault/secrets.js';
import { createVaultFromBackup, openVaultFile, vaultExists } from '../vault/store.js';
import type { ProjectRecord, SecretRecord, VaultContents } from '../vault/vault.js';
import { confirmProtected } from './access.js';
import { recordEvent, updateRecorded } from './audit.js';
import { openBackup } from './backup.js';
import { kdfParams, latchHome, openVault, readPassphrase } from './context.js';

export type Conflict = 'skip' | 'overwrite' | 'error';

export interface RestoreStep {
  action: 'add' | 'replace' | 'skip' | 'same';
  project: string;
  environment: string;
  name: string;
}

function sameRecord(left: SecretRecord, right: SecretRecord): boolean {
  return sameBytes(left.value, right.value);
}

/** What restoring `backup` onto `current` (null: no vault) would do, name by name. */
export function planRestore(
  backup: VaultContents,
  current: VaultContents | null,
  options: { project?: string | undefined; onConflict: Conflict },
): RestoreStep[] {
  const steps: RestoreStep[] = [];
  for (const project of backup.projectNames()) {
    if (options.project !== undefined && project !== options.project) continue;
    const record = backup.getProject(project)!;
    const existing = current?.getProject(project);
    for (const [environment, env] of Object.entries(record.environments)) {
      for (const [name, secret] of Object.entries(env.secrets)) {
        const there = existing?.environments[environment]?.secrets[name];
        const action = !there
          ? 'add'
          : sameRecord(there, secret)
            ? 'same'
            : options.onConflict === 'overwrite'
              ? 'replace'
              : 'skip';
        steps.push({ action, project, environment, name });
      }
    }
  }
  if (options.project !== undefined && !backup.getProject(options.project))
    throw new LatchError('E_NOT_FOUND', `the backup holds no project ${options.project}`);
  return steps;
}

/** Applies a plan's add and replace steps to `contents` (inside one vault update). */
function applyRestore(
  contents: VaultContents,
  backup: VaultContents,
  steps: RestoreStep[],
  now: string,
): void {
  const touched = new Map<string, ProjectRecord>();
  for (const step of steps) {
    if (step.action !== 'add' && step.action !== 'replace') continue;
    const source = backup.getProject(step.project)!;
    const target = touched.get(step.project) ??
      contents.getProject(step.project) ?? {
        environments: {},
        ...(source.trustedPaths ? { trustedPaths: [] } : {}),
      };
    touched.set(step.project, target);
    const sourceEnv = source.environments[step.environment]!;
    target.environments[step.environment] ??= { protected: sourceEnv.protected, secrets: {} };
    const env = target.environments[step.environment]!;
    env.protected ||= sourceEnv.protected;
    const restored = structuredClone(sourceEnv.secrets[step.name]!);
    const replaced = env.secrets[step.name];
    // The value replaced stays as the newest earlier version: a restore loses nothing.
    if (replaced) restored.versions.push({ value: replaced.value, created: replaced.updated, replaced: now });
    env.secrets[step.name] = restored;
  }
  for (const [name, record] of touched) contents.putProject(name, record);
}

export interface RestoreOptions {
  identityFile?: string | undefined;
  dryRun: boolean;
  onConflict: Conflict;
  project?: string | undefined;
}

/**
 * Restores a backup: the plan by name, then (unless `dryRun`) all of it or nothing. With no
 * vault in LATCH_HOME, the backed-up vault is recreated under a new passphrase with its audit
 * log, so `audit verify` goes on verifying its history. Throws E_EXISTS (exit 1) for
 * `--on-conflict error` when a value would be replaced, listing the names.
 */
export async function restoreBackup(io: Io, path: string, options: RestoreOptions) {
  const home = latchHome(io);
  const backup = await openBackup(io, path, options.identityFile);
  const backupContents = openVaultFile(backup.vaultFile, backup.dataKey);
  const fresh = !vaultExists(home);
  if (fresh && options.project !== undefined)
    throw new LatchError(
      'E_USAGE',
      'there is no vault here: restore the whole backup (without --project), or run `latch init` first',
    );
  if (fresh) {
    const steps = planRestore(backupContents, null, options);
    if (options.dryRun) return { steps, fresh };
    const passphrase = await readPassphrase(io, { confirm: true });
    const audit = auditPaths(home);
    const vault = await createVaultFromBackup(home, backup, passphrase, kdfParams(io), () => {
      // A log left without a vault cannot be verified; it is kept aside, not overwritten.
      for (const file of [audit.log, audit.key, audit.head]) {
        try {
          renameSync(file, `${file}.before-restore`);
        } catch {}
      }
      if (backup.audit.key) writeFileAtomic(audit.key, backup.audit.key);
      if (backup.audit.head) writeFileAtomic(audit.head, backup.audit.head);
      writeFileAtomic(audit.log, backup.audit.log);
    });
    passphrase.fill(0);
    await recordEvent(
      io,
      { kind: 'restore', detail: { file: relative(io.cwd, path) || path, onto: 'empty' } },
      vault,
    );
    return { steps, fresh };
  }
  const vault = await openVault(io);
  const steps = planRestore(backupContents, vault.contents, options);
  const conflicts = steps.filter((step) => step.action === 'skip');
  if (options.onConflict === 'error' && conflicts.length > 0)
    throw new LatchError(
      'E_EXISTS',
      `${conflicts.length} stored secrets differ from the backup (${conflicts
        .slice(0, 5)
        .map((step) => `${step.project}/${step.environment}/${step.name}`)
        .join(', ')}${conflicts.length > 5 ? ', ...' : ''}); pass --on-conflict skip or overwrite`,
    );
  if (options.dryRun) return { steps, fresh };
  // Replacing a value in a protected environment needs a person, as `set` there does.
  const replacedIn = new Set(
    steps.filter((step) => step.action === 'replace').map((step) => `${step.project}/${step.environment}`),
  );
  for (const where of replacedIn) {
    const [project, environment] = where.split('/') as [string, string];
    await confirmProtected(
      io,
      { project, environment, manifest: null },
      vault.contents.getProject(project),
      'restoring replaces values there',
    );
  }
  const now = io.now().toISOString();
  // The record is written before the vault (docs/audit.md, "Every change has its record").
  await updateRecorded(
    io,
    vault,
    (contents) => {
      // Planned again under the lock, against the newest contents.
      const planned = planRestore(backupContents, contents, options);
      applyRestore(contents, backupContents, planned, now);
      return planned;
    },
    (planned) => {
      const changed = planned.filter((step) => step.action === 'add' || step.action === 'replace');
      return [
        {
          kind: 'restore',
          secrets: [...new Set(changed.map((step) => `${step.project}/${step.environment}/${step.name}`))],
          detail: { file: relative(io.cwd, path) || path, onConflict: options.onConflict },
        },
      ];
    },
  );
  if (conflicts.length > 0)
    note(io, `kept the stored value of ${conflicts.length} secrets that differ from the backup`);
  return { steps, fresh };
}
