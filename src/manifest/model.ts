/**
 * The parsed manifest as plain data, and the question commands ask of it. Kept apart from
 * manifest.ts (the parser, built on yaml) so that a command whose manifest comes from the
 * cache (platform/manifest-file.ts) never loads yaml or the parser.
 */
import { LatchError } from '../shared/errors.js';

/** One declared secret; `environments` absent means every environment. */
export interface ManifestSecret {
  name: string;
  required: boolean;
  description?: string;
  environments?: string[];
  owner?: string;
  rotateEvery?: string;
}

/** Settings of one declared environment. */
export interface ManifestEnvironment {
  protected: boolean;
  /** Shared with the team by default (`latch team init` writes its secrets to `.latch/`). */
  shared?: boolean;
}

/** A parsed, validated `latch.yaml`. */
export interface Manifest {
  project: string;
  defaultEnvironment: string;
  environments: Record<string, ManifestEnvironment>;
  secrets: ManifestSecret[];
}

/**
 * The declared secrets that apply to one environment, in file order. Throws E_NOT_FOUND when
 * the environment is not declared, so a typo in `--env` does not silently drop secrets.
 */
export function declaredSecrets(manifest: Manifest, environment: string): ManifestSecret[] {
  if (!Object.hasOwn(manifest.environments, environment)) {
    const known = Object.keys(manifest.environments).join(', ');
    throw new LatchError(
      'E_NOT_FOUND',
      `environment "${environment}" is not declared in latch.yaml (declared: ${known}); add it with \`latch env add ${environment}\``,
    );
  }
  return manifest.secrets.filter(
    (secret) => !secret.environments || secret.environments.includes(environment),
  );
}

/** The environment's declaration, or undefined; names like `constructor` are never Object's. */
export function declaredEnvironment(manifest: Manifest, name: string): ManifestEnvironment | undefined {
  return Object.hasOwn(manifest.environments, name) ? manifest.environments[name] : undefined;
}
