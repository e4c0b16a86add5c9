/**
 * The variables `run` adds besides the environment's secrets: `--env-file` files (the dotenv
 * dialect, no `$` expansion) and the caller's own environment, where any value that is a
 * `latch://` reference is replaced by the secret it names (as `op run` does), so a committed
 * `.env` of references or a compose file's `environment:` block works unchanged.
 */
import { resolve } from 'node:path';
import { maxDotenvBytes, parseDotenv } from '../run/dotenv.js';
import { isUnlockVariable, valueAsEnvironmentString } from '../run/plan.js';
import { parseReference } from '../run/references.js';
import { LatchError } from '../shared/errors.js';
import { readFileWithin } from '../shared/files.js';
import type { Io } from '../shared/io.js';
import { decodeUtf8 } from '../shared/utf8.js';
import type { UnlockedVault } from '../vault/store.js';
import type { ProjectContext } from './context.js';
import { type ReferenceUse, resolveReferences } from './references-in-vault.js';

/** Variables read, before references are resolved. */
export interface RunVariables {
  callerEnv: Record<string, string>;
  fileEnv: Record<string, string>;
  /** Which variables hold references, and where each came from. */
  uses: Array<ReferenceUse & { variable: string; scope: 'caller' | 'file' }>;
}

/** Reads the env files (later files win) and finds the references in them and in the caller's env. */
export function readRunVariables(io: Io, envFiles: readonly string[]): RunVariables {
  const callerEnv: Record<string, string> = {};
  const fileEnv: Record<string, string> = {};
  const uses: RunVariables['uses'] = [];
  for (const [name, value] of Object.entries(io.env)) {
    if (value === undefined || isUnlockVariable(name)) continue;
    callerEnv[name] = value;
  }
  for (const file of envFiles) {
    for (const entry of parseDotenv(readEnvFile(io, file)).entries) {
      // The OS cannot carry a NUL in an environment; spawn would refuse it echoing the value.
      if (entry.value.includes('\0'))
        throw new LatchError(
          'E_USAGE',
          `${file}:${entry.line}: the value of ${entry.name} holds a NUL byte, which an environment variable cannot; remove it`,
        );
      fileEnv[entry.name] = entry.value;
    }
  }
  for (const [scope, variables] of [
    ['caller', callerEnv],
    ['file', fileEnv],
  ] as const) {
    for (const [variable, value] of Object.entries(variables)) {
      const reference = parseReference(value);
      const where = scope === 'caller' ? `$${variable}` : `${variable} in an env file`;
      if (reference) uses.push({ reference, where, variable, scope });
    }
  }
  return { callerEnv, fileEnv, uses };
}

function readEnvFile(io: Io, file: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(resolve(io.cwd, file), maxDotenvBytes, file);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new LatchError('E_NOT_FOUND', `cannot read env file ${file} (${code}); check the path`);
  }
  // Read leniently, the program would get U+FFFD where the file has another byte.
  const decoded = decodeUtf8(bytes);
  if ('invalidLine' in decoded)
    throw new LatchError(
      'E_USAGE',
      `${file}:${decoded.invalidLine}: not UTF-8; convert the env file to UTF-8`,
    );
  return decoded.text;
}

/**
 * Replaces each reference with its value, in place. Returns the names of the variables that
 * now hold secret values (to mask them). Throws E_MISSING_REQUIRED for an unresolvable
 * reference or one whose value cannot be an environment variable (binary).
 */
export async function resolveRunVariables(
  io: Io,
  context: ProjectContext,
  vault: UnlockedVault,
  variables: RunVariables,
  confirmed: Set<string> | 'skip',
): Promise<string[]> {
  const values = await resolveReferences(io, context, vault, variables.uses, confirmed);
  const binary: string[] = [];
  variables.uses.forEach((use, index) => {
    const text = valueAsEnvironmentString(values[index]!);
    if (text === null) binary.push(use.where);
    else (use.scope === 'caller' ? variables.callerEnv : variables.fileEnv)[use.variable] = text;
  });
  if (binary.length > 0) {
    throw new LatchError(
      'E_MISSING_REQUIRED',
      `references to binary values, which cannot be environment variables: ${binary.join(', ')}`,
    );
  }
  return variables.uses.map((use) => use.variable);
}
