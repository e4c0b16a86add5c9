/**
 * Password-encrypted bundles (issue 17) for every front end: making one from the vault,
 * opening one (the password, the per-bundle lockout, decryption in memory) and importing
 * one. Loaded on demand: `latch run` without `--bundle` never loads age-encryption.
 */
import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { openWithPassphrase, sealWithPassphrase } from '../bundle/age-file.js';
import { bundleAttempts, bundleKey } from '../bundle/attempts-file.js';
import { type BundleContents, decodeBundle, encodeBundle, wipeBundle } from '../bundle/document.js';
import { estimateStrength, generatedBits, generatePassphrase, minimumBits } from '../bundle/passphrase.js';
import { findManifestFile } from '../manifest/file.js';
import { declaredSecrets } from '../manifest/model.js';
import { LatchError } from '../shared/errors.js';
import { readFileWithin, writeFileAtomic, writeNewFile } from '../shared/files.js';
import type { Io } from '../shared/io.js';
import { ensureEnvironment, putSecret } from '../vault/secrets.js';
import { confirmProtected } from './access.js';
import { recordEvent, updateRecorded } from './audit.js';
import { checkBundleTarget, undeclaredNames } from './bundle-for-run.js';
import {
  latchHome,
  openProjectVault,
  type ProjectChoice,
  projectRecordFor,
  resolveProject,
} from './context.js';
import { secretsToInject } from './secrets-for-run.js';

/** The largest bundle read: far more than any set of secrets, far less than memory. */
export const maxBundleBytes = 16 * 1024 * 1024;
const maxPasswordFileBytes = 64 * 1024;

/** The password from LATCH_BUNDLE_PASSWORD_FILE, or null when the variable is unset. */
function passwordFromFile(io: Io): Uint8Array | null {
  const file = io.env.LATCH_BUNDLE_PASSWORD_FILE;
  if (!file) return null;
  let text: string;
  try {
    text = readFileWithin(file, maxPasswordFileBytes, 'LATCH_BUNDLE_PASSWORD_FILE').toString('utf8');
  } catch (error) {
    if (error instanceof LatchError) throw error;
    throw new LatchError(
      'E_LOCKED',
      `cannot read LATCH_BUNDLE_PASSWORD_FILE (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
    );
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new LatchError('E_LOCKED', 'LATCH_BUNDLE_PASSWORD_FILE is empty');
  return new TextEncoder().encode(password);
}

/** The password to open a bundle: LATCH_BUNDLE_PASSWORD_FILE, else a hidden prompt. */
async function readBundlePassword(io: Io, shown: string): Promise<Uint8Array> {
  const fromFile = passwordFromFile(io);
  if (fromFile) return fromFile;
  if (!io.terminal)
    throw new LatchError(
      'E_LOCKED',
      `no terminal to ask for the password of ${shown}; set LATCH_BUNDLE_PASSWORD_FILE or run on a terminal`,
    );
  const typed = await io.terminal.readHidden(`password for ${shown}: `);
  if (typed === '') throw new LatchError('E_LOCKED', 'the password is empty');
  return new TextEncoder().encode(typed);
}

/**
 * Refuses a regular file over `limit` from its size alone, before reading a byte: a file of
 * hundreds of MiB given by mistake costs no memory. (Pipes and devices are bounded while read.)
 */
export function refuseLargeFile(path: string, limit: number, shown: string): void {
  const size = statSync(path).size;
  if (size > limit)
    throw new LatchError(
      'E_TOO_LARGE',
      `${shown} is larger than ${limit} bytes (${size}); is it the right file?`,
    );
}

/** Reads a bundle file within bounds; a missing file is E_NOT_FOUND. */
function readBundleFile(path: string): Uint8Array {
  try {
    refuseLargeFile(path, maxBundleBytes, path);
    return readFileWithin(path, maxBundleBytes, path);
  } catch (error) {
    if (error instanceof LatchError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LatchError('E_NOT_FOUND', `no bundle at ${path}; check the path`);
    throw new LatchError('E_IO', `cannot read ${path} (${code ?? 'error'})`);
  }
}

/**
 * Opens a bundle: asks for its password (counted per bundle, see bundle/attempts-file.ts),
 * decrypts in memory and parses. Throws E_BAD_PASSPHRASE (exit 3) for a wrong password,
 * E_LOCKED during the lockout, E_TAMPERED / E_UNSUPPORTED_FORMAT (exit 6) for a damaged file
 * or one that is not a latch bundle, E_TOO_LARGE over `maxBundleBytes`. The caller wipes the
 * values (wipeBundle) when done.
 */
export async function openBundle(io: Io, path: string): Promise<BundleContents> {
  const shown = relative(io.cwd, path) || path;
  const file = readBundleFile(path);
  const attempts = bundleAttempts(latchHome(io), bundleKey(file), () => io.now().getTime(), io.sleep);
  await attempts.before();
  const password = await readBundlePassword(io, shown);
  try {
    const plaintext = await openWithPassphrase(file, password, shown);
    if (plaintext === null) {
      await attempts.failed();
      throw new LatchError('E_BAD_PASSPHRASE', `wrong password for ${shown}; try again`);
    }
    await attempts.succeeded();
    try {
      return decodeBundle(plaintext);
    } catch (error) {
      if (error instanceof LatchError) throw new LatchError(error.code, `${shown}: ${error.message}`);
      throw error;
    } finally {
      plaintext.fill(0);
    }
  } finally {
    password.fill(0);
  }
}

export interface CreateBundleOptions {
  output: string;
  /** Generate the password (`--generate-password`), whatever else is available. */
  generate: boolean;
  /** Accept a typed password under `minimumBits` (`--weak-password`). */
  weak: boolean;
  /** Replace an existing output file. */
  force: boolean;
  /** scrypt's work factor (tests lower it through LATCH_BUNDLE_WORK_FACTOR). */
  workFactor?: number;
}

export interface CreatedBundle {
  project: string;
  environment: string;
  names: string[];
  /** Declared secrets with no value in the vault, so not in the bundle. */
  missing: string[];
  /** The generated password, to print once; null when it was typed or read from a file. */
  generatedPassword: string | null;
  /** Estimated strength of the password, in bits. */
  bits: number;
  /** What one scrypt guess cost here while sealing, in milliseconds. */
  guessMs: number;
}

/** The password for a new bundle: generated, or typed twice / read from the file, and checked. */
async function choosePassword(io: Io, options: CreateBundleOptions) {
  const generated = () => {
    const text = generatePassphrase((n) => randomInt(n));
    return { password: new TextEncoder().encode(text), generated: text, bits: generatedBits };
  };
  if (options.generate) return generated();
  let text: string;
  const fromFile = passwordFromFile(io);
  if (fromFile) text = new TextDecoder().decode(fromFile);
  else if (io.terminal) {
    text = await io.terminal.readHidden('bundle password (empty: generate a strong one): ');
    if (text === '') return generated();
    if ((await io.terminal.readHidden('repeat the bundle password: ')) !== text)
      throw new LatchError('E_USAGE', 'the passwords do not match; nothing was written');
  } else
    throw new LatchError(
      'E_USAGE',
      'no terminal to ask for a password; pass --generate-password or set LATCH_BUNDLE_PASSWORD_FILE',
    );
  const strength = estimateStrength(text);
  if (strength.weakness && !options.weak)
    throw new LatchError(
      'E_USAGE',
      `the password is too weak (about ${strength.bits} bits, under ${minimumBits}: ${strength.weakness}); use --generate-password, or --weak-password to accept it`,
    );
  return { password: new TextEncoder().encode(text), generated: null, bits: strength.bits };
}

/**
 * Writes a bundle of the secrets the manifest declares for the environment, with the values
 * in the vault. Throws E_EXISTS when the output exists (without `force`), the usual unlock
 * errors, and E_USAGE for a weak password or when there is nothing to put in it.
 */
export async function createBundle(io: Io, choice: ProjectChoice, options: CreateBundleOptions) {
  const context = await resolveProject(choice, io);
  const vault = await openProjectVault(io, context);
  const secrets = secretsToInject(context, vault.contents.getProject(context.project));
  const stored = secrets.filter((secret) => secret.value !== undefined);
  if (stored.length === 0)
    throw new LatchError(
      'E_NOT_FOUND',
      `no stored secrets to bundle in ${context.project}/${context.environment}; set them with \`latch set NAME\``,
    );
  const { password, generated, bits } = await choosePassword(io, options);
  const contents: BundleContents = {
    project: context.project,
    environment: context.environment,
    createdAt: io.now().toISOString(),
    secrets: new Map(stored.map((secret) => [secret.name, secret.value!])),
  };
  const document = encodeBundle(contents);
  const started = performance.now();
  const armored = await sealWithPassphrase(document, password, options.workFactor);
  const guessMs = performance.now() - started;
  document.fill(0);
  password.fill(0);
  const bytes = new TextEncoder().encode(armored);
  if (options.force) writeFileAtomic(options.output, bytes);
  else writeNewFile(options.output, bytes);
  const names = [...contents.secrets.keys()];
  await recordEvent(
    io,
    {
      kind: 'bundle-create',
      project: context.project,
      environment: context.environment,
      secrets: names,
      detail: { file: relative(io.cwd, options.output) || options.output, sha256: bundleKey(bytes) },
    },
    vault,
  );
  return {
    project: context.project,
    environment: context.environment,
    names,
    missing: secrets.filter((secret) => secret.value === undefined).map((secret) => secret.name),
    generatedPassword: generated,
    bits,
    guessMs,
  } satisfies CreatedBundle;
}

/**
 * Stores a bundle's secrets in the vault (`bundle import`), in its project and environment,
 * which must agree with the manifest or --project/--env. A protected environment asks first.
 * Returns each name with what happened to it.
 */
export async function importBundle(io: Io, choice: ProjectChoice, path: string) {
  const bundle = await openBundle(io, path);
  try {
    const options = { ...choice.options };
    if (options.env === undefined && io.env.LATCH_ENV === undefined) options.env = bundle.environment;
    if (options.project === undefined && !findManifestFile(io.cwd)) options.project = bundle.project;
    const context = await resolveProject({ options }, io);
    checkBundleTarget(bundle, context.project, context.environment);
    const vault = await openProjectVault(io, context);
    await confirmProtected(io, context, vault.contents.getProject(context.project), 'importing a bundle');
    const results: { name: string; status: 'created' | 'updated' | 'unchanged' }[] = [];
    const now = io.now().toISOString();
    // The record is written before the vault (docs/audit.md, "Every change has its record").
    await updateRecorded(
      io,
      vault,
      (contents) => {
        const record = projectRecordFor(context, contents.getProject(context.project));
        const env = ensureEnvironment(record, context.environment);
        results.length = 0;
        for (const [name, value] of bundle.secrets)
          results.push({ name, status: putSecret(env, name, new Uint8Array(value), {}, now, 'import') });
        contents.putProject(context.project, record);
      },
      () => [
        {
          kind: 'import',
          project: context.project,
          environment: context.environment,
          secrets: results.filter((entry) => entry.status !== 'unchanged').map((entry) => entry.name),
          detail: { from: 'bundle' },
        },
      ],
    );
    const declared = context.manifest
      ? declaredSecrets(context.manifest, context.environment).map((secret) => secret.name)
      : null;
    return { context, results, undeclared: undeclaredNames(bundle, declared) };
  } finally {
    wipeBundle(bundle);
  }
}

export { wipeBundle };
