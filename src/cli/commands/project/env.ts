/** `latch env ls | add NAME | rm NAME`: a project's environments, in latch.yaml and the vault. */
import { confirmProtected } from '../../../app/access.js';
import { type AuditEvent, updateRecorded } from '../../../app/audit.js';
import { openProjectVault, projectRecordFor, resolveProject } from '../../../app/context.js';
import { writeManifestFile } from '../../../manifest/file.js';
import { declaredEnvironment } from '../../../manifest/model.js';
import { assertEnvironmentName } from '../../../manifest/names.js';
import { addEnvironmentToManifest, removeEnvironmentFromManifest } from '../../../manifest/text.js';
import { LatchError } from '../../../shared/errors.js';
import { counted, type Io, say, sayJson } from '../../../shared/io.js';
import { nameMap } from '../../../vault/vault.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action = 'ls', name, ...extra] = args.positionals;
  if (extra.length > 0 || !['ls', 'add', 'rm'].includes(action) || (action === 'ls' && name !== undefined)) {
    throw new LatchError('E_USAGE', 'usage: latch env ls | add NAME [--protected] | rm NAME [--force]');
  }
  // The environment being listed, added or removed need not exist yet (nor LATCH_ENV's).
  const context = await resolveProject({ ...args, options: { ...args.options, env: undefined } }, io, {
    anyEnvironment: true,
  });
  const vault = await openProjectVault(io, context);

  if (action === 'ls') {
    const record = vault.contents.getProject(context.project);
    const names = new Set([
      ...Object.keys(context.manifest?.environments ?? {}),
      ...Object.keys(record?.environments ?? {}),
    ]);
    const rows = [...names].map((env) => ({
      name: env,
      protected:
        (context.manifest && declaredEnvironment(context.manifest, env)?.protected === true) ||
        record?.environments[env]?.protected === true,
      secrets: Object.keys(record?.environments[env]?.secrets ?? {}).length,
      default: env === context.environment,
    }));
    if (flagOption(args, 'json')) sayJson(io, rows);
    else
      for (const row of rows)
        say(
          io,
          `${row.default ? '*' : ' '} ${row.name.padEnd(12)} ${counted(row.secrets, 'secret').padStart(12)}${row.protected ? '  protected' : ''}`,
        );
    return 0;
  }

  if (!name) throw new LatchError('E_USAGE', `usage: latch env ${action} NAME`);
  assertEnvironmentName(name);
  if (action === 'add') {
    const isProtected = flagOption(args, 'protected');
    if (context.manifestPath && context.manifestText !== null) {
      writeManifestFile(
        context.manifestPath,
        addEnvironmentToManifest(context.manifestText, name, { protected: isProtected }),
      );
    }
    const before = await updateRecorded(
      io,
      vault,
      (contents) => {
        const record = projectRecordFor(context, contents.getProject(context.project));
        // projectRecordFor brings in the manifest's environments: what existed before this add.
        const existing = record.environments[name];
        const was = { existed: existing !== undefined, protected: existing?.protected === true };
        record.environments[name] ??= { protected: isProtected, secrets: nameMap() };
        record.environments[name].protected ||= isProtected;
        contents.putProject(context.project, record);
        return was;
      },
      () => [
        {
          kind: 'project',
          project: context.project,
          environment: name,
          detail: { action: 'env-add', protected: isProtected },
        },
      ],
    );
    if (!before.existed)
      say(io, `added environment ${name} to ${context.project}${isProtected ? ' (protected)' : ''}`);
    else if (isProtected && !before.protected)
      say(io, `environment ${name} of ${context.project} was there already; it is now protected`);
    else say(io, `environment ${name} of ${context.project} is there already; nothing changed`);
    return 0;
  }

  const record = vault.contents.getProject(context.project);
  const count = Object.keys(record?.environments[name]?.secrets ?? {}).length;
  if (count > 0 && !flagOption(args, 'force')) {
    throw new LatchError(
      'E_USAGE',
      `environment ${name} holds ${count} secret${count === 1 ? '' : 's'}; rerun with --force to delete them`,
    );
  }
  const its = count > 0 ? ` and its ${count} secret${count === 1 ? '' : 's'}` : '';
  await confirmProtected(io, { ...context, environment: name }, record, `removing it${its}`);
  const manifestText =
    context.manifestText !== null
      ? removeEnvironmentFromManifest(context.manifestText, name, {
          dropSecretsOnlyThere: flagOption(args, 'force'),
        })
      : null;
  const known = await updateRecorded(
    io,
    vault,
    (contents) => {
      const record = contents.getProject(context.project);
      if (!record?.environments[name]) return false;
      delete record.environments[name];
      return true;
    },
    (removed): AuditEvent[] =>
      removed
        ? [
            {
              kind: 'rm',
              project: context.project,
              environment: name,
              detail: { scope: 'environment', count },
            },
          ]
        : [],
  );
  if (context.manifestPath && manifestText !== null) writeManifestFile(context.manifestPath, manifestText);
  else if (!known)
    throw new LatchError('E_NOT_FOUND', `project ${context.project} has no environment ${name}`);
  say(
    io,
    `removed environment ${name}${count > 0 ? ` and its ${count} secret${count === 1 ? '' : 's'}` : ''}`,
  );
  return 0;
}
