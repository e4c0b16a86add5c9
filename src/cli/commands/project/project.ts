/** `latch project ls | rm NAME`: the projects in the vault. */
import { confirmOnTerminal, protectedEnvironments } from '../../../app/access.js';
import { updateRecorded } from '../../../app/audit.js';
import { openVault } from '../../../app/context.js';
import { assertProjectName } from '../../../manifest/names.js';
import { LatchError } from '../../../shared/errors.js';
import { counted, type Io, say, sayJson } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [action = 'ls', name, ...extra] = args.positionals;
  if (extra.length > 0 || !['ls', 'rm'].includes(action) || (action === 'ls' && name !== undefined))
    throw new LatchError('E_USAGE', 'usage: latch project ls | rm NAME [--force]');
  const vault = await openVault(io);
  if (action === 'ls') {
    const rows = vault.contents.projectNames().map((project) => {
      const record = vault.contents.getProject(project)!;
      const environments = Object.keys(record.environments).sort();
      const secrets = environments.reduce(
        (sum, env) => sum + Object.keys(record.environments[env]!.secrets).length,
        0,
      );
      return { name: project, environments, secrets };
    });
    if (flagOption(args, 'json')) sayJson(io, rows);
    else if (rows.length === 0) say(io, 'no projects; run `latch init` in a repository');
    else
      for (const row of rows)
        say(
          io,
          `${row.name}  ${counted(row.secrets, 'secret')} in ${row.environments.join(', ') || 'no environments'}`,
        );
    return 0;
  }
  if (!name) throw new LatchError('E_USAGE', 'usage: latch project rm NAME [--force]');
  assertProjectName(name);
  const record = vault.contents.getProject(name);
  if (!record) throw new LatchError('E_NOT_FOUND', `the vault has no project ${name}`);
  const secrets = Object.values(record.environments).reduce(
    (sum, env) => sum + Object.keys(env.secrets).length,
    0,
  );
  // --force answers "are you sure about the data", never a protected environment's question.
  const guarded = protectedEnvironments(record);
  if (guarded.length > 0) {
    await confirmOnTerminal(
      io,
      `project ${name} has protected environments (${guarded.join(', ')}); this deletes it and its ${secrets} secrets`,
      name,
    );
  } else if (secrets > 0 && !flagOption(args, 'force')) {
    if (!io.terminal)
      throw new LatchError(
        'E_USAGE',
        `project ${name} holds ${counted(secrets, 'secret')}; rerun with --force to delete them`,
      );
    await confirmOnTerminal(io, `this deletes project ${name} and its ${counted(secrets, 'secret')}`, name);
  }
  // The vault is the only place latch keeps anything about a project so far; keychain items
  // and the scan index (later issues) must be removed here too.
  await updateRecorded(
    io,
    vault,
    (contents) => contents.removeProject(name),
    () => [{ kind: 'rm', project: name, detail: { scope: 'project', count: secrets } }],
  );
  say(
    io,
    `removed project ${name} (${counted(secrets, 'secret')}); its latch.yaml, if any, is left for you to delete`,
  );
  return 0;
}
