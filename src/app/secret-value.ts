/**
 * Storing a new value for a secret from a front end that is not a terminal (`latch ui`): the
 * value arrives as bytes, is stored as `latch set` stores it, and the change is recorded in
 * the audit log with the front end as the agent (`Io.client`). Protected environments need a
 * person at a terminal, which such a front end does not have: they are refused.
 */
import { assertNotValueAsName, assertSecretName } from '../manifest/names.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { ensureEnvironment, putSecret } from '../vault/secrets.js';
import type { UnlockedVault } from '../vault/store.js';
import { isProtected } from './access.js';
import { updateRecorded } from './audit.js';
import { type ProjectContext, projectRecordFor } from './context.js';

/** What storing did: `created`, `updated` or `unchanged`, as `latch set` says it. */
export interface StoredValue {
  outcome: string;
}

/**
 * Stores `value` as the secret `name` of the context's environment. Throws E_USAGE for a bad
 * name or an empty value, E_TOO_LARGE for an oversized one, E_CONFIRMATION_REQUIRED for a protected environment.
 */
export async function storeSecretValue(
  io: Io,
  vault: UnlockedVault,
  context: ProjectContext,
  name: string,
  value: Uint8Array,
): Promise<StoredValue> {
  assertNotValueAsName(assertSecretName(name));
  if (value.length === 0) throw new LatchError('E_USAGE', `empty value for ${name}; nothing was stored`);
  if (isProtected(context, vault.contents.getProject(context.project))) {
    throw new LatchError(
      'E_CONFIRMATION_REQUIRED',
      `${context.project}/${context.environment} is protected; set ${name} with \`latch set\` on a terminal`,
    );
  }
  const outcome = await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      contents.putProject(context.project, record);
      return putSecret(env, name, value, {}, io.now().toISOString());
    },
    (result) => [
      {
        kind: 'set',
        project: context.project,
        environment: context.environment,
        secret: name,
        outcome: result,
      },
    ],
  );
  return { outcome };
}
