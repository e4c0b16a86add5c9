/**
 * `latch team init [NAME] [--envs dev,staging]`: creates `.latch/` with you as its first
 * member. By default the environments latch.yaml marks `shared: true` are shared (or those
 * named with --envs); a protected one only through `latch team share`, by a person.
 */
import { recordEvent } from '../../../app/audit.js';
import { git } from '../../../git/git.js';
import { declaredEnvironment, type Manifest } from '../../../manifest/model.js';
import { assertEnvironmentName } from '../../../manifest/names.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, note, say } from '../../../shared/io.js';
import { fingerprintOf } from '../../../team/keys.js';
import { isMemberName, renderRecipientsFile } from '../../../team/recipients-file.js';
import { latchGitattributes, teamExists, writeTeamFile } from '../../../team/repo.js';
import { type ParsedArgs, stringOption } from '../../args.js';
import { openTeam, saveProjectState, setUpDiffDriver } from './_scope.js';

/** The files `.latch/` starts with besides the recipients (docs/format.md, "Team files"). */
export const latchGitignore = '# temp files of a write that was interrupted (latch removes them)\n*.tmp-*\n';

function defaultMemberName(io: Io, root: string): string {
  const fromGit = git(root, ['config', 'user.name'], { allowFailure: true })?.trim();
  const name = (fromGit || io.env.USER || io.env.LOGNAME || 'me')
    .replace(/[^A-Za-z0-9._@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return isMemberName(name) ? name : 'me';
}

/**
 * The environments latch.yaml marks `shared: true`, less the protected ones (a person shares
 * those with `latch team share`, said in a note). Throws E_USAGE when none is marked: what a
 * team shares is written down, never guessed.
 */
function sharedByDefault(io: Io, manifest: Manifest): string[] {
  const marked = Object.keys(manifest.environments).filter((name) => manifest.environments[name]!.shared);
  if (marked.length === 0) {
    throw new LatchError(
      'E_USAGE',
      'latch.yaml marks no environment `shared: true`; mark the ones the team shares (e.g. `dev: { shared: true }`), or name them with --envs',
    );
  }
  const isProtected = (name: string) => manifest.environments[name]!.protected;
  for (const name of marked.filter(isProtected))
    note(
      io,
      `${name} is protected and is not shared at init; a person shares it with \`latch team share --env ${name}\``,
    );
  return marked.filter((name) => !isProtected(name));
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch team init [NAME] [--envs dev,staging]');
  const open = await openTeam(args, io);
  const { context, repository, identity } = open;
  if (teamExists(repository)) {
    throw new LatchError(
      'E_EXISTS',
      `.latch/recipients already exists in ${repository.root}; ask a member to add you (\`latch team key\` gives them your key)`,
    );
  }
  const manifest = context.manifest!;
  const listed = stringOption(args, 'envs');
  const environments = listed
    ? listed
        .split(',')
        .filter(Boolean)
        .map((name) => assertEnvironmentName(name.trim()))
    : sharedByDefault(io, manifest);
  for (const environment of environments) {
    const declared = declaredEnvironment(manifest, environment);
    if (!declared) {
      throw new LatchError(
        'E_NOT_FOUND',
        `latch.yaml declares no environment "${environment}" (known: ${Object.keys(manifest.environments).join(', ')})`,
      );
    }
    if (declared.protected) {
      throw new LatchError(
        'E_USAGE',
        `${environment} is protected and is not shared by default; a person shares it with \`latch team share --env ${environment}\` on a terminal`,
      );
    }
  }
  const name = args.positionals[0] ?? defaultMemberName(io, repository.root);
  if (!isMemberName(name))
    throw new LatchError('E_USAGE', `"${name}" is not a member name (letters, digits, . _ @ -)`);
  writeTeamFile(repository, '.latch/.gitignore', latchGitignore);
  writeTeamFile(repository, '.latch/.gitattributes', latchGitattributes);
  setUpDiffDriver(repository);
  writeTeamFile(
    repository,
    '.latch/recipients',
    renderRecipientsFile({ environments, members: [{ name, recipient: identity.recipient, environments }] }),
  );
  await saveProjectState(open, (state) => {
    if (!state.accepted.includes(identity.recipient.text)) state.accepted.push(identity.recipient.text);
  });
  await recordEvent(
    io,
    { kind: 'team', project: context.project, outcome: 'init', detail: { member: name } },
    open.vault,
  );
  say(
    io,
    `created .latch/ in ${repository.root} with ${name} (${fingerprintOf(identity.recipient.text)}) reading ${environments.join(', ') || 'no environment'}`,
  );
  say(io, 'next: `latch push`, then commit .latch/ and push it with git');
  return 0;
}
