/**
 * Builds a vault in one process through latch's own modules in dist/ (the code `latch init`
 * and `latch set` run), instead of spawning one `latch set` per secret, each paying Argon2id.
 * The result is what the CLI writes: a latch.yaml, and in the vault one project registered
 * from it (its environments, and its directory trusted) with the secrets in dev.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The latch internals used here, by module; a missing one is named in the error. Each module
 * has its place in the capability layout, then its place before it (src/core, src/platform,
 * src/cli), so BENCH_COMPARE can build vaults with a build of either.
 */
const needed = {
  'vault/store.js|platform/store.js': ['createVault'],
  'vault/secrets.js|core/secrets.js': ['ensureEnvironment', 'putSecret'],
  'vault/kdf.js|core/kdf.js': ['defaultKdfParams', 'parseKdfParams'],
  'manifest/manifest.js|core/manifest.js': ['parseManifest'],
  'app/context.js|cli/context.js': ['projectRecordFor'],
};

async function loadLatch(distDirectory) {
  const latch = {};
  for (const [places, names] of Object.entries(needed)) {
    const path = places.split('|').find((place) => existsSync(join(distDirectory, place))) ?? places;
    const module = await import(pathToFileURL(join(distDirectory, path)).href);
    for (const name of names) {
      if (!(name in module)) {
        throw new Error(`dist/${path} no longer exports ${name}; update bench/build-vault.mjs`);
      }
      latch[name] = module[name];
    }
  }
  return latch;
}

/**
 * latch.yaml as DESIGN.md specifies it (and `latch init` writes it, minus comments): the
 * project, environments dev, staging and prod (protected), and the declared names.
 */
function manifestText(project, declared) {
  const lines = [
    `project: ${project}`,
    'default_environment: dev',
    'environments:',
    '  dev: {}',
    '  staging: {}',
    '  prod: { protected: true }',
    declared.length > 0 ? 'secrets:' : 'secrets: []',
    ...declared.map((name) => `  - name: ${name}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Creates a vault in `home` holding `secrets` ({ name, value } with string values) in
 * `project`/dev, and writes `projectDirectory`/latch.yaml declaring the names in `declared`.
 * `kdf` is latch's `m=KiB,t=N,p=N` text, or null for latch's default parameters.
 * `otherProjects` ({ name, secrets }[]) are stored in the same vault, each in its own dev
 * environment, with no manifest: other repositories' secrets that a command must carry
 * (decrypt and authenticate) but never reads.
 */
export async function buildVault({
  distDirectory,
  home,
  projectDirectory,
  project,
  passphrase,
  kdf,
  secrets,
  declared,
  otherProjects = [],
}) {
  const latch = await loadLatch(distDirectory);
  const manifestPath = join(realpathSync(projectDirectory), 'latch.yaml');
  const text = manifestText(project, declared);
  writeFileSync(manifestPath, text);
  // What `latch init` passes to projectRecordFor when it registers a project from latch.yaml.
  const context = {
    project,
    environment: 'dev',
    manifest: latch.parseManifest(text, manifestPath),
    manifestPath,
    manifestText: text,
  };
  const kdfParams = kdf ? latch.parseKdfParams(kdf) : latch.defaultKdfParams;
  const encoder = new TextEncoder();
  const vault = await latch.createVault(home, encoder.encode(passphrase), kdfParams);
  const now = new Date().toISOString();
  await vault.update((contents) => {
    const record = latch.projectRecordFor(context, contents.getProject(project));
    const dev = latch.ensureEnvironment(record, 'dev');
    for (const { name, value } of secrets) latch.putSecret(dev, name, encoder.encode(value), {}, now);
    contents.putProject(project, record);
    for (const other of otherProjects) {
      const otherRecord = { environments: {} };
      const otherDev = latch.ensureEnvironment(otherRecord, 'dev');
      for (const { name, value } of other.secrets) {
        latch.putSecret(otherDev, name, encoder.encode(value), {}, now);
      }
      contents.putProject(other.name, otherRecord);
    }
  });
}

/** `count` secrets: `target` first, then SECRET_00001... fillers, random 32-byte base64url values. */
export function manySecrets(count, target) {
  const value = () => randomBytes(32).toString('base64url');
  const fillers = Array.from({ length: count - 1 }, (_, index) => ({
    name: `SECRET_${String(index + 1).padStart(5, '0')}`,
    value: value(),
  }));
  return [{ name: target, value: value() }, ...fillers];
}
