/** `latch rm NAME`: delete a secret (and its earlier values) from one environment. */
import { confirmProtected } from '../../../app/access.js';
import { updateRecorded } from '../../../app/audit.js';
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { assertSecretName } from '../../../manifest/names.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say } from '../../../shared/io.js';
import { requireEnvironment, requireSecret } from '../../../vault/secrets.js';
import type { ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1) throw new LatchError('E_USAGE', 'usage: latch rm NAME [--env E]');
  assertSecretName(name);
  const context = await resolveProject(args, io);
  const where = `${context.project}/${context.environment}`;
  const vault = await openProjectVault(io, context);
  const record = vault.contents.getProject(context.project);
  if (!record) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
  requireSecret(requireEnvironment(record, context.project, context.environment), name, where, 'list');
  await confirmProtected(io, context, record, `deleting ${name}`);
  await updateRecorded(
    io,
    vault,
    (contents) => {
      const latest = contents.getProject(context.project);
      const env = latest && requireEnvironment(latest, context.project, context.environment);
      if (!env?.secrets[name]) throw new LatchError('E_NOT_FOUND', `no secret ${name} in ${where}`);
      delete env.secrets[name];
    },
    () => [{ kind: 'rm', project: context.project, environment: context.environment, secret: name }],
  );
  say(io, `removed ${name} from ${where}`);
  if (context.manifest?.secrets.some((secret) => secret.name === name)) {
    say(io, `${name} is still declared in latch.yaml; remove it there if the project no longer needs it`);
  }
  return 0;
}
