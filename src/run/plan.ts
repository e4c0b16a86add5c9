/**
 * `latch run` as data: which command, which arguments, which environment (with values),
 * and which secret names were injected. Building the plan decides everything; executing it
 * only spawns (STYLE.md rule 4), so --dry-run and tests need no child process.
 */
import type { MaskSecret } from '../mask/redactor.js';

export interface RunPlan {
  command: string;
  args: string[];
  /**
   * The command and its arguments as bytes where they are not UTF-8 (null where the string is
   * exact); absent when every word is. The executor hands these bytes on unchanged.
   */
  wordBytes?: (Uint8Array | null)[] | undefined;
  /** The child's complete environment. */
  env: Record<string, string>;
  /** Names of the injected secrets, in manifest order. */
  secretNames: string[];
  /** Variables whose values came from `latch://` references (env files, the caller's env). */
  referenceNames: string[];
  /** What to mask in the child's output (every injected value), or null for `--no-mask`. */
  mask: MaskSecret[] | null;
  project: string;
  environment: string;
}

export interface SecretToInject {
  name: string;
  required: boolean;
  /** The value, or undefined when it is not stored. */
  value: Uint8Array | undefined;
}

/**
 * A plan, or why there is none: required secrets with no value, with binary values, or with
 * values too long for one environment variable here.
 */
export type PlanResult =
  | { ok: true; plan: RunPlan }
  | { ok: false; missing: string[]; binary: string[]; tooLong: string[] };

/**
 * The longest `NAME=value` an environment variable can be on `platform`, in bytes. Linux
 * refuses to start a program with one of 128 KiB or more (MAX_ARG_STRLEN, E2BIG); macOS and
 * Windows limit only the whole environment.
 */
export function environmentEntryLimit(platform: string): number {
  return platform === 'linux' ? 128 * 1024 - 1 : Number.POSITIVE_INFINITY;
}

/** Variables that unlock the vault; they never reach a child (DESIGN.md invariant 6). */
export function isUnlockVariable(name: string): boolean {
  return name.startsWith('LATCH_PASSPHRASE') || name.startsWith('LATCH_NEW_PASSPHRASE');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a value for the environment; returns null for bytes that are not UTF-8 or hold NUL. */
export function valueAsEnvironmentString(value: Uint8Array): string | null {
  try {
    const text = utf8.decode(value);
    return text.includes('\0') ? null : text;
  } catch {
    return null;
  }
}

/**
 * Builds the plan: the caller's environment without unlock variables, then every secret
 * that has a value an environment can carry, then the env files' variables (later wins).
 * Values that came from references are named in `referenced`; they are masked like secrets. A required secret without a value, or whose
 * value is binary (not UTF-8, or holding NUL), means no plan: the names come back instead.
 */
export function buildRunPlan(input: {
  command: string;
  args: string[];
  callerEnv: Readonly<Record<string, string | undefined>>;
  secrets: SecretToInject[];
  /** Variables from `--env-file`, references already resolved. */
  fileEnv?: Readonly<Record<string, string>>;
  /** Variables (of callerEnv or fileEnv) whose values came from references. */
  referenced?: readonly string[];
  /** Mask the child's output (default true). */
  mask?: boolean;
  project: string;
  environment: string;
  /** `environmentEntryLimit` of the platform (default: no limit). */
  entryLimit?: number;
}): PlanResult {
  const missing = input.secrets
    .filter((secret) => secret.required && secret.value === undefined)
    .map((secret) => secret.name);
  const { binary, tooLong } = unusableValues(
    input.secrets.filter((secret) => secret.required),
    input.entryLimit,
  );
  if (missing.length > 0 || binary.length > 0 || tooLong.length > 0)
    return { ok: false, missing, binary, tooLong };
  const limit = input.entryLimit ?? Number.POSITIVE_INFINITY;
  const env: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(input.callerEnv)) {
    if (value !== undefined && !isUnlockVariable(name)) env[name] = value;
  }
  const secretNames: string[] = [];
  for (const secret of input.secrets) {
    const text = secret.value === undefined ? null : valueAsEnvironmentString(secret.value);
    if (text === null || entryBytes(secret.name, secret.value!) > limit) continue;
    env[secret.name] = text;
    secretNames.push(secret.name);
  }
  Object.assign(env, input.fileEnv);
  const referenceNames = [...new Set(input.referenced ?? [])].filter((name) => env[name] !== undefined);
  const maskNames = [...new Set([...secretNames, ...referenceNames])];
  const encoder = new TextEncoder();
  return {
    ok: true,
    plan: {
      command: input.command,
      args: input.args,
      env,
      secretNames,
      referenceNames,
      mask:
        input.mask === false ? null : maskNames.map((name) => ({ name, value: encoder.encode(env[name]!) })),
      project: input.project,
      environment: input.environment,
    },
  };
}

/** The bytes of `NAME=value` in an environment. */
function entryBytes(name: string, value: Uint8Array): number {
  return Buffer.byteLength(name) + 1 + value.length;
}

/**
 * Names of secrets whose values cannot be passed in an environment: binary (not UTF-8, or
 * holding NUL), or longer than `entryLimit` with the name (see `environmentEntryLimit`).
 */
export function unusableValues(
  secrets: SecretToInject[],
  entryLimit = Number.POSITIVE_INFINITY,
): { binary: string[]; tooLong: string[] } {
  const binary: string[] = [];
  const tooLong: string[] = [];
  for (const secret of secrets) {
    if (secret.value === undefined) continue;
    if (valueAsEnvironmentString(secret.value) === null) binary.push(secret.name);
    else if (entryBytes(secret.name, secret.value) > entryLimit) tooLong.push(secret.name);
  }
  return { binary, tooLong };
}

/** The plan as shown by --dry-run: names only, never values. */
export function describePlan(plan: RunPlan): {
  command: string;
  args: string[];
  project: string;
  environment: string;
  secrets: string[];
  references: string[];
  mask: boolean;
} {
  return {
    command: plan.command,
    args: plan.args,
    project: plan.project,
    environment: plan.environment,
    secrets: plan.secretNames,
    references: plan.referenceNames,
    mask: plan.mask !== null,
  };
}
