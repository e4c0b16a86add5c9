/**
 * `latch push [--env E] [--all]`: writes your vault's values of the shared environments you
 * read into `.latch/`, only the files whose value or recipients changed. Refuses, naming
 * them, secrets changed in `.latch/` since your last pull, and any write while
 * `.latch/recipients` lists a key you have not accepted.
 */

import { confirmOnTerminal, isProtected } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { pushSecrets } from '../../../team/sync.js';
import { requireAccepted, requireMembership } from '../../../team/trust.js';
import { flagOption, type ParsedArgs, stringOption } from '../../args.js';
import { type OpenTeam, openTeam, saveProjectState, scopeOf } from './_scope.js';

/**
 * A protected environment is used only after a person confirms on a terminal (DESIGN.md):
 * sharing it was a person's decision, and so is each push or pull of it.
 */
export async function confirmProtected(
  open: OpenTeam,
  environments: string[],
  io: Io,
  action: string,
): Promise<void> {
  const record = open.vault.contents.getProject(open.context.project);
  for (const environment of environments) {
    if (isProtected({ ...open.context, environment }, record)) {
      await confirmOnTerminal(
        io,
        `${open.context.project}/${environment} is protected; ${action}`,
        environment,
      );
    }
  }
}

/** The shared environments a push or pull covers: --env, else all you read. */
export function chosenEnvironments(args: ParsedArgs, shared: string[], mine: string[]): string[] {
  const environment = stringOption(args, 'env');
  if (environment === undefined) return mine.filter((name) => shared.includes(name));
  if (!shared.includes(environment)) {
    throw new LatchError(
      'E_NOT_FOUND',
      `${environment} is not shared through .latch/ (shared: ${shared.join(', ') || 'none'}); a person shares it with \`latch team share --env ${environment}\``,
    );
  }
  if (!mine.includes(environment))
    throw new LatchError('E_NOT_FOUND', `you do not read ${environment}; ask a member to add you to it`);
  return [environment];
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const open = await openTeam(args, io);
  const scope = scopeOf(open);
  const me = requireMembership(scope.team, open.identity);
  requireAccepted(scope.team, scope.state.accepted, open.identity);
  const environments = chosenEnvironments(args, scope.team.environments, me.environments);
  await confirmProtected(open, environments, io, 'pushing its secrets into .latch/');
  const syncedBefore = JSON.stringify(scope.state.synced);
  const outcomes = await pushSecrets(
    scope,
    open.vault.contents.getProject(open.context.project),
    environments,
  );
  const written = Object.values(outcomes).reduce(
    (sum, outcome) => sum + outcome.written.length + outcome.removed.length,
    0,
  );
  // Nothing written and nothing learnt: the vault is not rewritten either.
  if (written > 0 || JSON.stringify(scope.state.synced) !== syncedBefore) {
    const now = io.now().toISOString();
    await saveProjectState(open, (state) => {
      state.synced = scope.state.synced;
      for (const environment of environments) state.pulled[environment] = now;
    });
  }
  if (written > 0) {
    await recordEvent(
      io,
      {
        kind: 'team',
        project: open.context.project,
        outcome: 'push',
        secrets: Object.entries(outcomes).flatMap(([env, outcome]) =>
          [...outcome.written, ...outcome.removed].map((name) => `${env}/${name}`),
        ),
      },
      open.vault,
    );
  }
  if (flagOption(args, 'json')) {
    sayJson(io, outcomes);
    return 0;
  }
  for (const [environment, outcome] of Object.entries(outcomes)) {
    const parts = [
      outcome.written.length > 0 ? `wrote ${outcome.written.join(', ')}` : '',
      outcome.removed.length > 0 ? `removed ${outcome.removed.join(', ')}` : '',
      `${outcome.unchanged} unchanged`,
    ].filter(Boolean);
    say(io, `${environment}: ${parts.join('; ')}`);
  }
  say(io, written > 0 ? 'next: commit .latch/ and push it with git' : 'nothing to push');
  return 0;
}
