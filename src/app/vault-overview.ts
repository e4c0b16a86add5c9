/**
 * Every project in the vault with each environment's secrets by name and state, for front ends
 * that show the whole vault without values (`latch ui`). The project of this directory's
 * latch.yaml is read with its manifest (declared secrets, descriptions, required); the others
 * with what is stored.
 */
import { declaredEnvironment } from '../manifest/model.js';
import { assertEnvironmentName, assertProjectName } from '../manifest/names.js';
import type { VaultContents } from '../vault/vault.js';
import type { ProjectContext } from './context.js';
import { type SecretStatus, secretStatuses } from './secret-status.js';

/** One environment of a project, its secrets by name (never a value). */
export interface EnvironmentOverview {
  name: string;
  protected: boolean;
  secrets: SecretStatus[];
}

/** One project of the vault. */
export interface ProjectOverview {
  name: string;
  /** This directory's latch.yaml names it: its declarations are shown. */
  here: boolean;
  environments: EnvironmentOverview[];
}

/**
 * The vault's projects (and `here`'s project, even before anything is stored for it), with
 * their environments and secrets' states at `now` (milliseconds).
 */
export function vaultOverview(
  contents: VaultContents,
  here: ProjectContext | null,
  directory: string,
  now: number,
): ProjectOverview[] {
  const names = new Set(contents.projectNames());
  if (here) names.add(here.project);
  return [...names].sort().map((name) => {
    const record = contents.getProject(name);
    const manifest = here?.project === name ? here.manifest : null;
    const environments = new Set([
      ...Object.keys(manifest?.environments ?? {}),
      ...Object.keys(record?.environments ?? {}),
    ]);
    return {
      name,
      here: manifest !== null,
      environments: [...environments].map((environment) => {
        const context = environmentContext(here, name, environment, directory);
        return {
          name: environment,
          protected:
            record?.environments[environment]?.protected === true ||
            (manifest !== null && declaredEnvironment(manifest, environment)?.protected === true),
          secrets: secretStatuses(context, record, now),
        };
      }),
    };
  });
}

/**
 * The context of one project's environment as a front end that serves every project sees it:
 * with this directory's manifest for its own project's declared environments, else without
 * one (what is stored).
 */
export function environmentContext(
  here: ProjectContext | null,
  project: string,
  environment: string,
  directory: string,
): ProjectContext {
  const manifest = here?.project === project ? here.manifest : null;
  // An environment stored but no longer declared is shown with what it stores.
  const declared = manifest && declaredEnvironment(manifest, environment) ? manifest : null;
  return {
    project: assertProjectName(project),
    environment: assertEnvironmentName(environment),
    manifest: declared,
    manifestPath: declared ? (here?.manifestPath ?? null) : null,
    manifestText: declared ? (here?.manifestText ?? null) : null,
    directory,
  };
}
