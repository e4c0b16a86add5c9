/**
 * The bench's working files, all under one temporary directory: latch projects and vaults,
 * and dotenvx's .env files holding the same 20 names and values.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVault } from './build-vault.mjs';
import { runForOutput } from './measure.mjs';

/** Names a real app would have; values are random base64url (no quoting, no `$`). */
const names = [
  'DATABASE_URL',
  'REDIS_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GITHUB_TOKEN',
  'SENTRY_DSN',
  'SENDGRID_API_KEY',
  'TWILIO_AUTH_TOKEN',
  'SLACK_WEBHOOK_URL',
  'JWT_SIGNING_KEY',
  'SESSION_SECRET',
  'COOKIE_SECRET',
  'ALGOLIA_ADMIN_KEY',
  'MAPBOX_TOKEN',
  'POSTHOG_API_KEY',
  'ENCRYPTION_KEY',
];

/** The 20 secrets every tool in part 1 receives. */
export function makeSecrets() {
  return names.map((name) => ({ name, value: randomBytes(30).toString('base64url') }));
}

/** A child that prints a digest of NAME=value for `secrets` as it sees them (never the values). */
export function digestCommand(node, secrets) {
  const script =
    "const n=process.argv[1].split(',');process.stdout.write(require('node:crypto').createHash('sha256')" +
    ".update(n.map((k)=>k+'='+(process.env[k]??'<missing>')).join('\\n')).digest('hex'))";
  return [node, '-e', script, secrets.map((secret) => secret.name).join(',')];
}

/** What `digestCommand` prints when every secret arrived intact. */
export function expectedDigest(secrets) {
  return createHash('sha256')
    .update(secrets.map(({ name, value }) => `${name}=${value}`).join('\n'))
    .digest('hex');
}

/**
 * A latch project directory and its LATCH_HOME, built in-process by `buildVault`: the vault
 * holds `secrets` in bench/dev (and `otherProjects`, if any) and latch.yaml declares
 * `declared`. `kdf` is the LATCH_KDF_PARAMS text a vault would be created with, or null for
 * latch's default.
 */
export async function makeLatchProject({
  root,
  name,
  kdf,
  secrets,
  declared,
  distDirectory,
  baseEnv,
  otherProjects = [],
}) {
  const directory = join(root, name);
  const home = join(directory, 'home');
  const project = join(directory, 'project');
  mkdirSync(project, { recursive: true });
  const passphrase = 'bench-passphrase';
  await buildVault({
    distDirectory,
    home,
    projectDirectory: project,
    project: 'bench',
    passphrase,
    kdf,
    secrets,
    declared,
    otherProjects,
  });
  // Keychain off: a passphrase row must not be served by a session (and its agent) that a
  // session row started for the same LATCH_HOME. The session rows turn it back on.
  return {
    project,
    env: { ...baseEnv, LATCH_HOME: home, LATCH_PASSPHRASE: passphrase, LATCH_KEYCHAIN: 'off' },
  };
}

/** A directory with a plain .env of `secrets`. */
export function makeDotenvPlain({ root, secrets }) {
  const directory = join(root, 'dotenvx-plain');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, '.env'), secrets.map(({ name, value }) => `${name}=${value}\n`).join(''));
  return directory;
}

/**
 * A directory with a .env encrypted by `dotenvx encrypt` (its private key in .env.keys next
 * to it, where `dotenvx run` finds it). Returns null and the reason when encryption fails.
 */
export function makeDotenvEncrypted({ root, secrets, dotenvx, baseEnv }) {
  const directory = join(root, 'dotenvx-encrypted');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, '.env'), secrets.map(({ name, value }) => `${name}=${value}\n`).join(''));
  try {
    runForOutput({
      file: dotenvx[0],
      args: [...dotenvx.slice(1), 'encrypt', '-f', '.env'],
      cwd: directory,
      env: baseEnv,
    });
    return { directory, reason: null };
  } catch (error) {
    return { directory: null, reason: error.message.split('\n')[0] };
  }
}
