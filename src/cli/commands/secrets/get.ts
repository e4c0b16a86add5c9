/** `latch get NAME`: metadata; the value only with --reveal, and only with consent. */

import { confirmProtected, confirmReveal } from '../../../app/access.js';
import { recordEvent } from '../../../app/audit.js';
import { openProjectVault, resolveProject } from '../../../app/context.js';
import { assertSecretName } from '../../../manifest/names.js';
import { valueAsEnvironmentString } from '../../../run/plan.js';
import { expiryTime } from '../../../shared/duration.js';
import { LatchError } from '../../../shared/errors.js';
import { type Io, say, sayJson } from '../../../shared/io.js';
import { requireEnvironment, requireSecret } from '../../../vault/secrets.js';
import { flagOption, type ParsedArgs } from '../../args.js';

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  if (!name || args.positionals.length > 1)
    throw new LatchError('E_USAGE', 'usage: latch get NAME [--env E] [--reveal] [--json]');
  assertSecretName(name);
  const context = await resolveProject(args, io);
  const vault = await openProjectVault(io, context);
  const record = vault.contents.getProject(context.project);
  if (!record)
    throw new LatchError(
      'E_NOT_FOUND',
      `the vault has no project ${context.project}; run \`latch init\` in it`,
    );
  const where = `${context.project}/${context.environment}`;
  const secret = requireSecret(requireEnvironment(record, context.project, context.environment), name, where);

  if (flagOption(args, 'reveal')) {
    const confirmed = new Set<string>();
    if (await confirmProtected(io, context, record, `revealing ${name}`)) confirmed.add(where);
    await confirmReveal(io, { names: [name], environments: [where] }, confirmed);
    // Recorded before the value is written anywhere: a reveal that is cut short still counts.
    await recordEvent(
      io,
      { kind: 'reveal', project: context.project, environment: context.environment, secret: name },
      vault,
      'required',
    );
  }
  const declared = context.manifest?.secrets.find((entry) => entry.name === name);
  const expired = secret.expires !== undefined && expiryTime(secret.expires) <= io.now().getTime();
  const details = {
    name,
    project: context.project,
    environment: context.environment,
    description: secret.description ?? declared?.description ?? null,
    owner: secret.owner ?? declared?.owner ?? null,
    created: secret.created,
    updated: secret.updated,
    expires: secret.expires ?? null,
    expired,
    rotateEvery: secret.rotateEvery ?? declared?.rotateEvery ?? null,
    versions: secret.versions.length + 1,
    bytes: secret.value.length,
    declared: declared !== undefined,
    required: declared?.required ?? null,
  };
  const reveal = flagOption(args, 'reveal');
  if (flagOption(args, 'json')) {
    const text = reveal ? valueAsEnvironmentString(secret.value) : null;
    const value = reveal
      ? text !== null
        ? { value: text }
        : { valueBase64: Buffer.from(secret.value).toString('base64') }
      : {};
    sayJson(io, { ...details, ...value });
    return 0;
  }
  if (reveal) {
    io.stdout.write(secret.value);
    if (io.stdout.isTTY) io.stdout.write('\n');
    return 0;
  }
  const rows: [string, string][] = [
    ['name', name],
    ['project', context.project],
    ['environment', context.environment],
    ['description', details.description ?? '-'],
    ['owner', details.owner ?? '-'],
    ['created', details.created],
    ['updated', details.updated],
    ['expires', details.expires ? `${details.expires}${expired ? ' (expired)' : ''}` : '-'],
    ['rotate every', details.rotateEvery ?? '-'],
    ['versions', String(details.versions)],
    ['size', details.bytes === 0 ? '0 bytes (set, empty)' : `${details.bytes} bytes`],
    ['declared', declared ? (declared.required ? 'yes, required' : 'yes, optional') : 'no'],
  ];
  for (const [label, value] of rows) say(io, `${label.padEnd(13)}${value}`);
  return 0;
}
