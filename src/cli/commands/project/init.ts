/** `latch init`: create the vault the first time, write latch.yaml, register the project. */
import { basename, dirname, join } from 'node:path';
import { keepAuditHeadInVault, updateRecorded } from '../../../app/audit.js';
import {
  kdfParams,
  latchHome,
  openProjectVault,
  projectRecordFor,
  readPassphrase,
} from '../../../app/context.js';
import { findManifestFile, manifestFileName, writeManifestFile } from '../../../manifest/file.js';
import { parseManifest } from '../../../manifest/manifest.js';
import { assertEnvironmentName, assertProjectName, projectNameFrom } from '../../../manifest/names.js';
import { renderManifest } from '../../../manifest/text.js';
import { stopAgent } from '../../../session/agent-socket.js';
import { openKeychain } from '../../../session/keychain.js';
import { removeForeignItems } from '../../../session/sessions.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say } from '../../../shared/io.js';
import { createVault, earlierGenerationExists, noVaultError, vaultExists } from '../../../vault/store.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';

function environmentsFrom(text: string | undefined): { name: string; protected: boolean }[] {
  const names = (text ?? 'dev,staging,prod')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new LatchError('E_USAGE', '--envs needs at least one environment name');
  return [...new Set(names)].map((name) => ({
    name: assertEnvironmentName(name),
    protected: name === 'prod' || name === 'production',
  }));
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const home = latchHome(io);
  const existing = findManifestFile(io.cwd);
  const requested = stringOption(args, 'project');
  let manifestPath: string;
  let manifest: ReturnType<typeof parseManifest>;
  // The text of a manifest this init creates; written only once the vault knows the project.
  let newManifestText: string | null = null;
  if (existing) {
    manifest = parseManifest(existing.text, existing.path);
    if (requested && requested !== manifest.project) {
      throw new LatchError(
        'E_EXISTS',
        `${existing.path} already declares project ${manifest.project}; edit it or run init elsewhere`,
      );
    }
    // The manifest already says which environments there are; --envs would change nothing.
    if (stringOption(args, 'envs') !== undefined) {
      throw new LatchError(
        'E_USAGE',
        `${existing.path} already lists the environments; add one with \`latch env add NAME\`, not init --envs`,
      );
    }
    manifestPath = existing.path;
  } else {
    const environments = environmentsFrom(stringOption(args, 'envs'));
    const project = assertProjectName(requested ?? projectNameFrom(basename(io.cwd)));
    const defaultEnvironment = environments.some((env) => env.name === 'dev') ? 'dev' : environments[0]!.name;
    newManifestText = renderManifest({ project, environments, defaultEnvironment });
    manifest = parseManifest(newManifestText);
    manifestPath = join(io.cwd, manifestFileName);
  }

  const context = {
    project: manifest.project,
    environment: manifest.defaultEnvironment,
    manifest,
    manifestPath,
    manifestText: null,
    directory: dirname(manifestPath),
  };
  const created = !vaultExists(home);
  // A lost vault file leaves vault.prev as the only copy of the data; the new vault's first
  // write would replace it. Say how to restore it, unless the user gives it up in so many words.
  if (created && earlierGenerationExists(home) && !flagOption(args, 'discard-previous')) {
    throw new LatchError(
      'E_EXISTS',
      `${noVaultError(home).message}, or run \`latch init --discard-previous\` to start an empty vault instead`,
    );
  }
  const vault = created
    ? keepAuditHeadInVault(
        io,
        await createVault(home, await readPassphrase(io, { confirm: true }), kdfParams(io)),
      )
    : await openProjectVault(io, context);
  if (created) {
    note(io, `created a new vault in ${home}`);
    // A vault deleted by hand leaves its session key in the keychain; a new vault clears them.
    const availability = openKeychain(io.env);
    if (availability.ok) removeForeignItems(availability.keychain, vault.current.vaultId, vault.paths.home);
    // So does its session agent, if it has not yet seen the vault go.
    await stopAgent(home);
  }

  // Registering a project in an existing vault is recorded like every change; the first
  // write of a vault init has just created is where its log begins.
  await updateRecorded(
    io,
    vault,
    (contents) => {
      contents.putProject(manifest.project, projectRecordFor(context, contents.getProject(manifest.project)));
    },
    () =>
      created
        ? []
        : [
            {
              kind: 'project',
              project: manifest.project,
              detail: { action: 'register', directory: dirname(manifestPath) },
            },
          ],
  );
  if (newManifestText !== null) {
    writeManifestFile(manifestPath, newManifestText);
    say(io, `wrote ${manifestPath} (commit it: it holds names, never values)`);
  } else {
    say(io, `registered project ${manifest.project} from ${manifestPath}`);
  }
  say(io, `next: latch set NAME   then: latch run -- COMMAND`);
  return 0;
}
