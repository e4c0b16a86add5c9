/** `latch ls`: names and metadata of secrets, never values. */

import { openProjectVault, openVault, type ProjectContext, resolveProject } from '../../../app/context.js';
import { declaredSecrets } from '../../../manifest/model.js';
import { expiryTime } from '../../../shared/duration.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import type { ProjectRecord } from '../../../vault/vault.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export interface ListedSecret {
  project: string;
  environment: string;
  name: string;
  stored: boolean;
  /** Stored with an empty value: set, and empty (a program sees NAME=""). */
  empty: boolean;
  /** null with --all: listing the whole vault reads no manifest. */
  declared: boolean | null;
  required: boolean | null;
  updated: string | null;
  expires: string | null;
  expired: boolean;
  description: string | null;
  /** When `latch leaked` marked it; null when it need not be rotated. */
  rotationNeeded: string | null;
}

function listEnvironment(
  project: string,
  environment: string,
  record: ProjectRecord | undefined,
  context: ProjectContext | null,
  now: number,
): ListedSecret[] {
  const stored = record?.environments[environment]?.secrets ?? {};
  const declared = context?.manifest ? declaredSecrets(context.manifest, environment) : [];
  const names = [...new Set([...declared.map((secret) => secret.name), ...Object.keys(stored).sort()])];
  return names.map((name) => {
    const secret = stored[name];
    const declaration = declared.find((entry) => entry.name === name);
    return {
      project,
      environment,
      name,
      stored: secret !== undefined,
      empty: secret !== undefined && secret.value.length === 0,
      declared: context?.manifest ? declaration !== undefined : null,
      required: context?.manifest ? (declaration?.required ?? false) : null,
      updated: secret?.updated ?? null,
      expires: secret?.expires ?? null,
      expired: secret?.expires !== undefined && expiryTime(secret.expires) <= now,
      description: secret?.description ?? declaration?.description ?? null,
      rotationNeeded: secret?.rotationNeeded ?? null,
    };
  });
}

function status(secret: ListedSecret): string {
  if (!secret.stored) return secret.required ? 'MISSING' : 'not set';
  if (secret.rotationNeeded) return 'LEAKED: rotate';
  if (secret.expired) return 'expired';
  const notes = [secret.declared === false ? 'undeclared' : '', secret.empty ? 'empty' : ''].filter(Boolean);
  return notes.length > 0 ? `set (${notes.join(', ')})` : 'set';
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const now = io.now().getTime();
  const all = flagOption(args, 'all');
  const context = all ? null : await resolveProject(args, io);
  const vault = context ? await openProjectVault(io, context) : await openVault(io);
  const rows: ListedSecret[] = [];
  if (context) {
    rows.push(
      ...listEnvironment(
        context.project,
        context.environment,
        vault.contents.getProject(context.project),
        context,
        now,
      ),
    );
  } else {
    for (const project of vault.contents.projectNames()) {
      const record = vault.contents.getProject(project)!;
      for (const environment of Object.keys(record.environments).sort()) {
        rows.push(...listEnvironment(project, environment, record, null, now));
      }
    }
  }
  if (flagOption(args, 'json')) {
    sayJson(io, rows);
    return 0;
  }
  if (rows.length === 0) {
    say(
      io,
      context
        ? `no secrets in ${context.project}/${context.environment}; add one with \`latch set NAME\``
        : 'the vault is empty',
    );
    return 0;
  }
  const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
  const prefix = (row: ListedSecret) => (context ? '' : `${row.project}/${row.environment}  `);
  const prefixWidth = Math.max(0, ...rows.map((row) => prefix(row).length));
  for (const row of rows) {
    const updated = row.updated ? row.updated.slice(0, 10) : '-';
    say(
      io,
      `${prefix(row).padEnd(prefixWidth)}${row.name.padEnd(nameWidth)}  ${status(row).padEnd(16)}  ${updated.padEnd(10)}  ${row.description ?? ''}`.trimEnd(),
    );
  }
  return 0;
}
