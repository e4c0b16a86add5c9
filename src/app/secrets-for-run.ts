/**
 * Which secrets an environment injects: the manifest's declarations for it, or, for a
 * project without a manifest, every secret stored in it. Shared by `run` and `check`.
 */
import { declaredSecrets } from '../manifest/model.js';
import { environmentEntryLimit, type SecretToInject, unusableValues } from '../run/plan.js';
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

/** Why a value too long for one environment variable is not injected (Linux only has the limit). */
export const tooLongReason = 'Linux takes at most 128 KiB per environment variable';

/**
 * Why `run` cannot start (and `check` fails): required secrets with no value, or with a value
 * no environment variable can carry here. Null when every required secret is usable.
 */
export function unusableRequired(
  secrets: SecretToInject[],
  where: string,
  environment: string,
): { missing: string[]; binary: string[]; tooLong: string[]; message: string } | null {
  const missing = secrets
    .filter((secret) => secret.required && secret.value === undefined)
    .map((secret) => secret.name);
  const { binary, tooLong } = unusableValues(
    secrets.filter((secret) => secret.required),
    environmentEntryLimit(process.platform),
  );
  if (missing.length + binary.length + tooLong.length === 0) return null;
  const reasons = [
    missing.length > 0 ? `missing required secrets in ${where}: ${missing.join(', ')}` : '',
    binary.length > 0
      ? `required secrets with binary values, which cannot be environment variables: ${binary.join(', ')}`
      : '',
    tooLong.length > 0
      ? `required secrets too long for an environment variable (${tooLongReason}): ${tooLong.join(', ')}; give them to the program as a file with \`latch inject\` instead`
      : '',
  ].filter(Boolean);
  const fix =
    binary.length + tooLong.length > 0
      ? `; set them with \`latch set NAME --env ${environment}\`, or mark them \`required: false\` in latch.yaml`
      : `; set them with \`latch set NAME --env ${environment}\``;
  return { missing, binary, tooLong, message: `${reasons.join('; ')}${fix}` };
}
