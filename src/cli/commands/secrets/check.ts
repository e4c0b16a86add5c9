/** `latch check`: exit 7 when a required secret has no value; warn about expiry and rotation. */
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { secretsToInject, unusableRequired } from '../../../app/secrets-for-run.js';
import { expiryTime, parseDuration } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson, warn } from '../../../shared/io.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const context = await resolveProject(args, io);
  const vault = await openProjectVault(io, context);
  const record = vault.contents.getProject(context.project);
  const stored = record?.environments[context.environment]?.secrets ?? {};
  const now = io.now().getTime();
  const secrets = secretsToInject(context, record);
  const where = `${context.project}/${context.environment}`;
  // What `run` would refuse, check refuses: no value, or one no environment variable can carry.
  const unusable = unusableRequired(secrets, where, context.environment);
  const missing = unusable?.missing ?? [];
  const expired: string[] = [];
  const rotationDue: string[] = [];
  const leaked: string[] = [];
  for (const secret of secrets) {
    const entry = stored[secret.name];
    if (!entry) continue;
    if (entry.expires !== undefined && expiryTime(entry.expires) <= now) expired.push(secret.name);
    if (entry.rotationNeeded) leaked.push(secret.name);
    const period =
      entry.rotateEvery ??
      context.manifest?.secrets.find((declared) => declared.name === secret.name)?.rotateEvery;
    if (period && Date.parse(entry.updated) + parseDuration(period) <= now) rotationDue.push(secret.name);
  }
  if (flagOption(args, 'json')) {
    sayJson(io, {
      project: context.project,
      environment: context.environment,
      ok: unusable === null,
      missing,
      binary: unusable?.binary ?? [],
      tooLong: unusable?.tooLong ?? [],
      expired,
      rotationDue,
      rotationNeeded: leaked,
    });
  } else {
    for (const name of expired)
      warn(io, `${name} in ${where} has expired; rotate it and \`latch set ${name}\``);
    for (const name of rotationDue) warn(io, `${name} in ${where} is due for rotation`);
    for (const name of leaked)
      warn(
        io,
        `${name} in ${where} was marked leaked; rotate it at the provider, then \`latch set ${name}\``,
      );
    if (unusable === null)
      say(
        io,
        `ok: ${where} has every required secret (${secrets.length} ${context.manifest ? 'declared' : 'stored'})`,
      );
  }
  if (unusable) throw new LatchError('E_MISSING_REQUIRED', unusable.message);
  return 0;
}
