/**
 * Names of secrets, environments and projects. A secret's name is its environment variable
 * name; environment and project names appear in paths and references, so they are kept to
 * a conservative alphabet.
 */
import { LatchError } from '../shared/errors.js';
import { looksLikeCredential } from './value-shape.js';

const secretPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const environmentPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const projectPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when `name` can be an environment variable name. */
export function isSecretName(name: string): boolean {
  return secretPattern.test(name) && name.length <= 256;
}

/**
 * Throws E_USAGE unless `name` is a valid secret name. A rejected name that looks like a
 * value (one pasted where the name goes) is not echoed: the message would put it on screen.
 */
export function assertSecretName(name: string): string {
  if (!isSecretName(name)) {
    throw new LatchError(
      'E_USAGE',
      looksLikeCredential(name)
        ? 'the name looks like a secret value (not shown); give the name, like API_KEY, and type or pipe the value'
        : `"${name}" is not a valid secret name: use letters, digits and _, not starting with a digit`,
    );
  }
  return name;
}

/**
 * Throws E_USAGE for a name that is valid but looks like a value (`ghp_...`, a random
 * token): storing it would put the value in latch.yaml and in every listing.
 */
export function assertNotValueAsName(name: string): string {
  if (looksLikeCredential(name))
    throw new LatchError(
      'E_USAGE',
      'the name looks like a secret value (not shown); give the name, like API_KEY, and type or pipe the value',
    );
  return name;
}

/** `name` for a message, unless it looks like a value (then it is not shown). */
export function nameToShow(name: string): string {
  return looksLikeCredential(name) ? 'that name (it looks like a value, so it is not shown)' : name;
}

/** True when `name` is a valid environment name (a-z, 0-9, - and _; at most 32). */
export function isEnvironmentName(name: string): boolean {
  return environmentPattern.test(name);
}

/** True when `name` is a valid project name (letters, digits, ., - and _; at most 64). */
export function isProjectName(name: string): boolean {
  return projectPattern.test(name);
}

/** Throws E_USAGE unless `name` is a valid environment name. */
export function assertEnvironmentName(name: string): string {
  if (!environmentPattern.test(name)) {
    throw new LatchError(
      'E_USAGE',
      `"${name}" is not a valid environment name: use a-z, 0-9, - and _ (at most 32)`,
    );
  }
  return name;
}

/** Throws E_USAGE unless `name` is a valid project name. */
export function assertProjectName(name: string): string {
  if (!isProjectName(name)) {
    throw new LatchError(
      'E_USAGE',
      `"${name}" is not a valid project name: use letters, digits, ., - and _ (at most 64)`,
    );
  }
  return name;
}

/** Turns a directory name into a project name (`My App` becomes `My-App`). */
export function projectNameFrom(directoryName: string): string {
  const cleaned = directoryName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return cleaned || 'project';
}
