/** `latch set NAME`: store a value from a hidden prompt, stdin, a file, or --generate. */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { parseDuration, parseExpiry } from '../../core/duration.js';
import { LatchError } from '../../core/errors.js';
import { type Charset, generateValue, isCharset } from '../../core/generate.js';
import { parseManifest } from '../../core/manifest.js';
import { addSecretsToManifest } from '../../core/manifest-text.js';
import { assertSecretName } from '../../core/names.js';
import { ensureEnvironment, maxValueBytes, putSecret } from '../../core/secrets.js';
import type { SecretMetadata } from '../../core/vault.js';
import { readFileWithin } from '../../platform/files.js';
import { findManifestFile, writeManifestFile } from '../../platform/manifest-file.js';
import { readStream } from '../../platform/terminal.js';
import { flagOption, type ParsedArgs, stringOption } from '../args.js';
import { updateRecorded } from '../audit.js';
import { openProjectVault, type ProjectContext, projectRecordFor, resolveProject } from '../context.js';
import { type Io, note, say } from '../io.js';

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
  if (expires !== undefined) metadata.expires = parseExpiry(expires, io.now());
  if (rotateEvery !== undefined) {
    parseDuration(rotateEvery);
    metadata.rotateEvery = rotateEvery;
  }
  return metadata;
}

async function readValue(args: ParsedArgs, io: Io, name: string): Promise<Uint8Array> {
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
  return new TextEncoder().encode(await io.terminal.readHidden(`value for ${name}: `));
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
      names.map((name) => ({ name, ...onlyHere, ...(description === undefined ? {} : { description }) })),
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
      note(io, `latch: warning: stored, but not declared in latch.yaml: ${error.message}`);
      return;
    }
    const before = new Set(parseManifest(latest.text, path).secrets.map((secret) => secret.name));
    const added = names.filter((name) => !before.has(name));
    note(io, `declared ${added.length === 1 ? added[0] : `${added.length} secrets`} in ${path}`);
  };
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  refuseValueOnArgv(args.positionals);
  const name = args.positionals[0];
  if (!name)
    throw new LatchError(
      'E_USAGE',
      'usage: latch set NAME [--env E]; the value comes from a prompt, stdin, --from-file or --generate',
    );
  assertSecretName(name);
  const context = await resolveProject(args, io);
  const metadata = metadataFrom(args, io);
  const declare = planDeclarations(context, [name], io, metadata.description);
  // On a terminal, unlock first so the prompts come in the usual order (passphrase, then
  // value); other sources are read first so a bad file fails before any prompt.
  const typed =
    stringOption(args, 'from-file') === undefined && !flagOption(args, 'generate') && io.stdin.isTTY;
  const vault = typed ? await openProjectVault(io, context) : undefined;
  const value = await readValue(args, io, name);
  if (value.length === 0) throw new LatchError('E_USAGE', `empty value for ${name}; nothing was stored`);
  const unlocked = vault ?? (await openProjectVault(io, context));
  const outcome = await updateRecorded(
    io,
    unlocked,
    (contents) => {
      const record = projectRecordFor(context, contents.getProject(context.project));
      const env = ensureEnvironment(record, context.environment);
      contents.putProject(context.project, record);
      const result = putSecret(env, name, value, metadata, io.now().toISOString());
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
  say(
    io,
    `${outcome.result === 'unchanged' ? 'unchanged' : outcome.result} ${name} in ${context.project}/${context.environment}${kept}`,
  );
  return 0;
}
