/** `latch set NAME`: store a value from a hidden prompt, stdin, a file, or --generate. */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { confirmReplacing } from '../../../app/access.js';
import { updateRecorded } from '../../../app/audit.js';
import {
  openProjectVault,
  type ProjectContext,
  projectRecordFor,
  resolveProject,
} from '../../../app/context.js';
import { tooLongReason } from '../../../app/secrets-for-run.js';
import { findManifestFile, writeManifestFile } from '../../../manifest/file.js';
import { parseManifest } from '../../../manifest/manifest.js';
import { declaredSecrets } from '../../../manifest/model.js';
import { assertNotValueAsName, assertSecretName } from '../../../manifest/names.js';
import { addSecretsToManifest } from '../../../manifest/text.js';
import { environmentEntryLimit, unusableValues } from '../../../run/plan.js';
import { expiryTime, parseDuration, parseExpiry } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { readFileWithin } from '../../../shared/files.js';
import { type Io, note, say, warn } from '../../../shared/io.js';
import { readStream } from '../../../shared/terminal.js';
import { type Charset, generateValue, isCharset } from '../../../vault/generate.js';
import { ensureEnvironment, maxValueBytes, putSecret } from '../../../vault/secrets.js';
import type { SecretMetadata } from '../../../vault/vault.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

/** Refuses `set NAME=value` and `set NAME value`: argv is visible in `ps` and shell history. */
export function refuseValueOnArgv(positionals: string[]): void {
  if (positionals.length > 1 || positionals[0]?.includes('=')) {
    throw new LatchError(
      'E_VALUE_ON_ARGV',
      'refusing a value on the command line: argv is visible to other processes and kept in shell history; ' +
        'type it at the prompt, pipe it on stdin, or use --from-file or --generate',
    );
  }
}

function metadataFrom(args: ParsedArgs, io: Io): SecretMetadata {
  const metadata: SecretMetadata = {};
  const description = stringOption(args, 'description');
  const owner = stringOption(args, 'owner');
  const expires = stringOption(args, 'expires');
  const rotateEvery = stringOption(args, 'rotate-every');
  if (description !== undefined) metadata.description = description;
  if (owner !== undefined) metadata.owner = owner;
  if (expires !== undefined) {
    metadata.expires = parseExpiry(expires, io.now());
    // Stored all the same (recording a credential that has already run out is legitimate),
    // but never silently: `check` and `get` will call it expired from now on.
    if (expiryTime(metadata.expires) <= io.now().getTime())
      warn(io, `--expires ${expires} is in the past; the secret counts as expired from now on`);
  }
  if (rotateEvery !== undefined) {
    parseDuration(rotateEvery);
    metadata.rotateEvery = rotateEvery;
  }
  return metadata;
}

export async function readValue(args: ParsedArgs, io: Io, name: string): Promise<Uint8Array> {
  const file = stringOption(args, 'from-file');
  if (file !== undefined && flagOption(args, 'generate')) {
    throw new LatchError('E_USAGE', '--from-file and --generate cannot be used together');
  }
  if (
    !flagOption(args, 'generate') &&
    (stringOption(args, 'length') ?? stringOption(args, 'charset')) !== undefined
  ) {
    throw new LatchError('E_USAGE', '--length and --charset go with --generate');
  }
  if (flagOption(args, 'generate')) {
    const charset = stringOption(args, 'charset') ?? 'base64';
    if (!isCharset(charset))
      throw new LatchError('E_USAGE', `--charset must be base64, hex or alnum, not "${charset}"`);
    const length = Number(stringOption(args, 'length') ?? 32);
    return new TextEncoder().encode(generateValue(length, charset as Charset, (count) => randomBytes(count)));
  }
  if (file !== undefined) {
    try {
      return new Uint8Array(readFileWithin(file, maxValueBytes));
    } catch (error) {
      if (error instanceof LatchError) throw error;
      throw new LatchError(
        'E_NOT_FOUND',
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!io.stdin.isTTY) {
    // One trailing newline is what `echo` and most editors add; it is not part of the value.
    const bytes = await readStream(io.stdin, maxValueBytes);
    const end =
      bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
    return bytes.subarray(0, end);
  }
  if (!io.terminal)
    throw new LatchError('E_USAGE', 'no value: pipe it on stdin, or use --from-file or --generate');
  const typed = await io.terminal.readHidden(`value for ${name} (hidden): `);
  // An empty value is a value (stored from stdin or a file); typed, an empty line is a slip.
  if (typed === '')
    throw new LatchError(
      'E_USAGE',
      `empty value for ${name}; nothing was stored (to store an empty value: printf '' | latch set ${name})`,
    );
  return new TextEncoder().encode(typed);
}

/**
 * Prepares the declaration of `names` in latch.yaml (for a project with a manifest that does
 * not list them yet) and returns the function that writes it. Preparing first means an edit
 * that would fail does so before anything is stored. The returned function re-reads the file
 * and must run under the vault's writers' lock (`update`'s beforeWrite: declared before
 * stored, so a crash between the two leaves a declared secret without a value, which `check`
 * and `run` report, never a stored one that `run` leaves out without a word), so concurrent
 * `set`s do not overwrite each other's declarations. A manifest it cannot write is a
 * warning: the value is stored all the same.
 */
export function planDeclarations(
  context: ProjectContext,
  names: string[],
  io: Io,
  description?: string,
  /** Names declared `required: false`: values `run` cannot inject (binary, too long). */
  optional: readonly string[] = [],
): () => void {
  const path = context.manifestPath;
  if (!path || context.manifestText === null) return () => {};
  // A secret first stored outside the default environment is declared for that environment
  // only, so `run` in the others does not stop for a secret they were never meant to have.
  const onlyHere =
    context.manifest && context.environment !== context.manifest.defaultEnvironment
      ? { environments: [context.environment] }
      : {};
  const declare = (text: string) =>
    addSecretsToManifest(
      text,
      names.map((name) => ({
        name,
        ...onlyHere,
        ...(description === undefined ? {} : { description }),
        ...(optional.includes(name) ? { required: false } : {}),
      })),
    );
  if (declare(context.manifestText) === context.manifestText) return () => {};
  return () => {
    const latest = findManifestFile(dirname(path));
    if (!latest || latest.path !== path) return;
    const text = declare(latest.text);
    if (text === latest.text) return;
    try {
      writeManifestFile(path, text);
    } catch (error) {
      // A read-only latch.yaml is no reason to refuse the value (nor to skip its audit record).
      if (!(error instanceof LatchError && error.code === 'E_IO')) throw error;
      warn(io, `stored, but not declared in latch.yaml: ${error.message}`);
      return;
    }
    const before = new Set(parseManifest(latest.text, path).secrets.map((secret) => secret.name));
    const added = names.filter((name) => !before.has(name));
    note(io, `declared ${added.length === 1 ? added[0] : `${added.length} secrets`} in ${path}`);
  };
}

/**
 * Warns when `run` cannot put the value in an environment variable (binary, or too long for
 * one here), saying what that means for the manifest; returns false then. `check` and `run`
 * refuse such a value while it is required, so a new declaration says `required: false`.
 */
export function warnIfNotInjectable(
  io: Io,
  context: ProjectContext,
  name: string,
  value: Uint8Array,
): boolean {
  const { binary, tooLong } = unusableValues(
    [{ name, required: true, value }],
    environmentEntryLimit(process.platform),
  );
  if (binary.length + tooLong.length === 0) return true;
  const why = binary.length > 0 ? 'is binary' : `is too long for an environment variable (${tooLongReason})`;
  const manifest = context.manifest;
  const declared = manifest?.secrets.some((secret) => secret.name === name);
  const required =
    manifest &&
    declaredSecrets(manifest, context.environment).some((secret) => secret.name === name && secret.required);
  const consequence = required
    ? '; it is required in latch.yaml, so `latch run` and `latch check` exit 7 until you mark it `required: false`'
    : manifest && !declared
      ? '; declared with `required: false`'
      : '';
  warn(io, `the value of ${name} ${why}, so \`latch run\` cannot inject it${consequence}`);
  return false;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  refuseValueOnArgv(args.positionals);
  const name = args.positionals[0];
  if (!name)
    throw new LatchError(
      'E_USAGE',
      'usage: latch set NAME [--env E]; the value comes from a prompt, stdin, --from-file or --generate',
    );
  assertNotValueAsName(assertSecretName(name));
  const context = await resolveProject(args, io);
  const metadata = metadataFrom(args, io);
  // Prepared now so that a description that looks like a value is refused before any prompt.
  planDeclarations(context, [name], io, metadata.description);
  // The value first, then the passphrase (docs/commands.md): a value typed at the passphrase
  // prompt would count as a wrong guess. With metadata options and no value given (a
  // terminal, or empty stdin), an existing secret gets only its metadata changed, so the
  // vault is opened first to know whether it exists.
  const valueGiven = stringOption(args, 'from-file') !== undefined || flagOption(args, 'generate');
  const editsMetadata = Object.keys(metadata).length > 0 && !valueGiven;
  const readFirst = editsMetadata && io.stdin.isTTY ? undefined : await readValue(args, io, name);
  const unlocked = await openProjectVault(io, context);
  const stored = unlocked.contents.getProject(context.project)?.environments[context.environment]?.secrets[
    name
  ];
  const metadataOnly =
    editsMetadata && stored !== undefined && (readFirst === undefined || readFirst.length === 0);
  // Without metadata options an empty value from stdin or a file is a value: set, and empty.
  // With them, empty stdin means "no value given", which a new secret cannot do without.
  if (editsMetadata && stored === undefined && readFirst?.length === 0)
    throw new LatchError('E_USAGE', `empty value for ${name}, which is not stored yet; nothing was stored`);
  const value = metadataOnly ? undefined : (readFirst ?? (await readValue(args, io, name)));
  if (value !== undefined)
    await confirmReplacing(
      io,
      context,
      unlocked.contents.getProject(context.project),
      new Map([[name, value]]),
    );
  const injectable = value === undefined || warnIfNotInjectable(io, context, name, value);
  const declare = planDeclarations(context, [name], io, metadata.description, injectable ? [] : [name]);
  const outcome = await updateRecorded(
    io,
    unlocked,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      contents.putProject(context.project, record);
      const now = io.now().toISOString();
      const existing = env.secrets[name];
      if (value === undefined && !existing)
        throw new LatchError('E_NOT_FOUND', `${name} was removed meanwhile; nothing was changed`);
      const result = value === undefined ? 'metadata' : putSecret(env, name, value, metadata, now);
      if (value === undefined) Object.assign(existing!, metadata);
      return { result, versions: env.secrets[name]!.versions.length };
    },
    (done) => [
      {
        kind: 'set',
        project: context.project,
        environment: context.environment,
        secret: name,
        outcome: done.result,
      },
    ],
    declare,
  );
  const kept =
    outcome.versions > 0
      ? ` (${outcome.versions} earlier value${outcome.versions === 1 ? '' : 's'} kept)`
      : '';
  const done = outcome.result === 'metadata' ? 'updated the metadata of' : outcome.result;
  say(io, `${done} ${name} in ${context.project}/${context.environment}${kept}`);
  return 0;
}
