/**
 * The checks of the project's manifest and stored secrets: names under a prefix bundlers
 * expose to the browser, `.env.example` out of date, live credentials in a development
 * environment, secrets due for rotation, and declared secrets never set anywhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dueReason } from '../lifecycle/due.js';
import type { Manifest } from '../manifest/model.js';
import { renderEnvExample } from '../manifest/text.js';
import type { ProjectRecord } from '../vault/vault.js';
import { frontendPrefix, isProductionEnvironment, liveCredentialKind, type Problem } from './rules.js';

/** Problems visible in latch.yaml (and the `.env.example` beside it) alone. */
export function manifestProblems(manifest: Manifest, manifestPath: string): Problem[] {
  const problems: Problem[] = [];
  for (const secret of manifest.secrets) {
    const prefix = frontendPrefix(secret.name);
    if (prefix)
      problems.push({
        check: 'frontend-exposed-secret',
        message: `${secret.name} is declared under ${prefix}, which the bundler puts in the browser bundle`,
        fix: `rename it without ${prefix} and read it on the server only (a public value is not a secret: then drop it from latch)`,
        fixable: false,
      });
  }
  const example = join(dirname(manifestPath), '.env.example');
  if (existsSync(example) && readFileSync(example, 'utf8') !== renderEnvExample(manifest))
    problems.push({
      check: 'env-example',
      message: `.env.example is out of date with latch.yaml`,
      fix: 'latch example (latch doctor --fix)',
      fixable: true,
      paths: [example],
    });
  return problems;
}

/** Problems in the project's stored secrets: live credentials where they do not belong, due ones, never set. */
export function storedProblems(
  project: string,
  manifest: Manifest | null,
  record: ProjectRecord | undefined,
  now: number,
): Problem[] {
  const problems: Problem[] = [];
  const environments = Object.entries(record?.environments ?? {});
  for (const [environment, env] of environments) {
    const where = `${project}/${environment}`;
    for (const name of Object.keys(env.secrets)) {
      const secret = env.secrets[name]!;
      if (!env.protected && !isProductionEnvironment(environment)) {
        const kind = liveCredentialKind(name, Buffer.from(secret.value).toString('utf8'));
        if (kind)
          problems.push({
            check: 'live-credential-in-development',
            message: `${name} in ${where} looks like ${kind}`,
            fix: `store a test-mode credential there (latch rotate ${name} --env ${environment}) and keep live ones in a protected environment`,
            fixable: false,
          });
      }
      const declared = manifest?.secrets.find((entry) => entry.name === name)?.rotateEvery;
      const due = dueReason(secret, declared, now);
      if (due) {
        const why =
          due.reason === 'leaked'
            ? 'was marked leaked and not rotated'
            : due.reason === 'expired'
              ? 'has expired'
              : 'is past its rotation period';
        problems.push({
          check: 'secret-due',
          message: `${name} in ${where} ${why} (since ${new Date(due.since).toISOString()})`,
          fix: `latch rotate ${name} --env ${environment}`,
          fixable: false,
        });
      }
    }
  }
  for (const secret of manifest?.secrets ?? []) {
    const stored = environments.some(([, env]) => Object.hasOwn(env.secrets, secret.name));
    if (!stored)
      problems.push({
        check: 'secret-never-set',
        message: `${secret.name} is declared in latch.yaml but set in no environment`,
        fix: `latch set ${secret.name}, or remove it from latch.yaml`,
        fixable: false,
      });
  }
  return problems;
}
