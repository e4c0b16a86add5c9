/**
 * How a bundle's values join a run (`latch run --bundle`): the bundle must be for the run's
 * project and environment; a value stored in the vault wins over the bundle's; the bundle
 * fills what the vault lacks; names the manifest does not declare are listed, not injected.
 * Kept apart from app/bundle.ts so that `run` without `--bundle` never loads age-encryption.
 */
import type { BundleContents } from '../bundle/document.js';
import type { SecretToInject } from '../run/plan.js';
import { LatchError } from '../shared/errors.js';
import type { ProjectContext } from './context.js';

/**
 * Refuses a bundle made for another project or environment than the one chosen: a bundle
 * shipped with one package must not fill another's variables by accident. Throws E_USAGE
 * saying which flag agrees with the bundle.
 */
export function checkBundleTarget(bundle: BundleContents, project: string, environment: string): void {
  if (bundle.project !== project)
    throw new LatchError(
      'E_USAGE',
      `the bundle is for project ${bundle.project}, not ${project}; pass --project ${bundle.project} to use it`,
    );
  if (bundle.environment !== environment)
    throw new LatchError(
      'E_USAGE',
      `the bundle is for environment ${bundle.environment}, not ${environment}; pass --env ${bundle.environment} to use it`,
    );
}

/** The bundle's names that the manifest does not declare for the environment. */
export function undeclaredNames(bundle: BundleContents, declared: readonly string[] | null): string[] {
  if (declared === null) return [];
  return [...bundle.secrets.keys()].filter((name) => !declared.includes(name));
}

/**
 * The secrets to inject with the bundle's values added: the vault's value wins where both
 * have one. With a manifest, only declared names are filled (the rest are returned as
 * `undeclared`); without one, every name of the bundle is injected.
 */
export function withBundleValues(
  context: ProjectContext,
  secrets: SecretToInject[],
  bundle: BundleContents,
): { secrets: SecretToInject[]; fromBundle: string[]; undeclared: string[] } {
  const fromBundle: string[] = [];
  const merged = secrets.map((secret) => {
    const value = bundle.secrets.get(secret.name);
    if (secret.value !== undefined || value === undefined) return secret;
    fromBundle.push(secret.name);
    return { ...secret, value };
  });
  if (context.manifest) {
    const declared = secrets.map((secret) => secret.name);
    return { secrets: merged, fromBundle, undeclared: undeclaredNames(bundle, declared) };
  }
  const known = new Set(secrets.map((secret) => secret.name));
  for (const [name, value] of bundle.secrets) {
    if (known.has(name)) continue;
    merged.push({ name, required: false, value });
    fromBundle.push(name);
  }
  merged.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  return { secrets: merged, fromBundle, undeclared: [] };
}
