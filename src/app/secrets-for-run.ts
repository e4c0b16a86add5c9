/**
 * Which secrets an environment injects: the manifest's declarations for it, or, for a
 * project without a manifest, every secret stored in it. Shared by `run` and `check`.
 */
import { declaredSecrets } from '../manifest/model.js';
import type { SecretToInject } from '../run/plan.js';
import type { ProjectRecord } from '../vault/vault.js';
import type { ProjectContext } from './context.js';

export function secretsToInject(
  context: ProjectContext,
  record: ProjectRecord | undefined,
): SecretToInject[] {
  const stored = record?.environments[context.environment]?.secrets ?? {};
  if (!context.manifest) {
    return Object.keys(stored)
      .sort()
      .map((name) => ({ name, required: false, value: stored[name]!.value }));
  }
  return declaredSecrets(context.manifest, context.environment).map((secret) => ({
    name: secret.name,
    required: secret.required,
    value: stored[secret.name]?.value,
  }));
}
