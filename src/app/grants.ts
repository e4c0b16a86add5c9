/**
 * Time-boxed grants: a person at a terminal lets agents (or one agent) run with a protected
 * environment for a while (`latch grant --env prod --for 15m`). Kept in
 * `$LATCH_HOME/grants.json` (0600, written whole or not at all), and recorded in the audit log.
 * A front end without a terminal (the MCP server) treats an active grant as the person's
 * confirmation that a protected environment otherwise needs.
 *
 * Each grant carries an HMAC under a key derived from the vault's audit key, so a grant is
 * made only with the vault unlocked: an agent that writes grants.json by hand (it is a file
 * of the same user) gets a grant that is ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';
import { readFileWithin, writeFileAtomic } from '../shared/files.js';

export interface Grant {
  project: string;
  environment: string;
  /** The client's name it is limited to (`claude-code`), or null for any agent. */
  agent: string | null;
  /** ISO times. */
  granted: string;
  until: string;
  /** Hex HMAC-SHA256 of the fields above (`sealGrant`). */
  mac: string;
}

/** The fields a grant's MAC covers, in a fixed order. */
function signedText(grant: Omit<Grant, 'mac'>): string {
  return JSON.stringify([
    'latch-grant-v1',
    grant.project,
    grant.environment,
    grant.agent,
    grant.granted,
    grant.until,
  ]);
}

function grantMac(grant: Omit<Grant, 'mac'>, vaultAuditKey: Uint8Array): Buffer {
  const key = createHmac('sha256', vaultAuditKey).update('latch grant key').digest();
  return createHmac('sha256', key).update(signedText(grant)).digest();
}

/** `grant` with its MAC, under the open vault's audit key (`UnlockedVault.auditKey()`). */
export function sealGrant(grant: Omit<Grant, 'mac'>, vaultAuditKey: Uint8Array): Grant {
  return { ...grant, mac: grantMac(grant, vaultAuditKey).toString('hex') };
}

/** Whether `grant` was sealed under this vault's audit key (compared in constant time). */
export function isAuthenticGrant(grant: Grant, vaultAuditKey: Uint8Array): boolean {
  const given = Buffer.from(grant.mac, 'hex');
  const expected = grantMac(grant, vaultAuditKey);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const grantsFile = 'grants.json';
const maxGrantsBytes = 1024 * 1024;

/** Grants still active at `now` (milliseconds). */
export function activeGrants(grants: readonly Grant[], now: number): Grant[] {
  return grants.filter((grant) => Date.parse(grant.until) > now);
}

/**
 * Whether `grant` covers `project/environment` for `client` (the client's label, `name
 * version`): a grant limited to an agent covers the client of that name only.
 */
export function grantCovers(
  grant: Grant,
  project: string,
  environment: string,
  client: string | undefined,
): boolean {
  if (grant.project !== project || grant.environment !== environment) return false;
  if (grant.agent === null) return true;
  return client !== undefined && (client === grant.agent || client.startsWith(`${grant.agent} `));
}

function isGrant(value: unknown): value is Grant {
  const grant = value as Grant;
  return (
    typeof grant === 'object' &&
    grant !== null &&
    typeof grant.project === 'string' &&
    typeof grant.environment === 'string' &&
    (grant.agent === null || typeof grant.agent === 'string') &&
    typeof grant.granted === 'string' &&
    typeof grant.until === 'string' &&
    typeof grant.mac === 'string' &&
    !Number.isNaN(Date.parse(grant.until))
  );
}

/** The grants in `home` (none without the file). Throws E_UNSAFE_PERMISSIONS for a file others may write or a symlink. */
export function readGrants(home: string): Grant[] {
  const path = join(home, grantsFile);
  if (!existsSync(path)) return [];
  const stat = lstatSync(path);
  if (!stat.isFile() || (stat.mode & 0o077) !== 0)
    throw new LatchError(
      'E_UNSAFE_PERMISSIONS',
      `${path} must be a regular file with mode 0600; remove it and grant again`,
    );
  let data: unknown;
  try {
    data = JSON.parse(readFileWithin(path, maxGrantsBytes, path).toString('utf8'));
  } catch (error) {
    if (error instanceof LatchError) throw error;
    throw new LatchError('E_TAMPERED', `${path} is not valid JSON; remove it and grant again`);
  }
  if (!Array.isArray(data) || !data.every(isGrant))
    throw new LatchError('E_TAMPERED', `${path} is malformed; remove it and grant again`);
  return data;
}

/** Replaces the grants in `home` (dropping expired ones at `now`). */
export function writeGrants(home: string, grants: readonly Grant[], now: number): void {
  const kept = activeGrants(grants, now);
  writeFileAtomic(join(home, grantsFile), new TextEncoder().encode(`${JSON.stringify(kept, null, 2)}\n`));
}
