/**
 * latch_request_secret: the agent says which secret it needs and why; the person is told
 * outside the model's channel (a desktop notification, `latch status`) and provides the value
 * with `latch set`. Nothing here reads or writes a value.
 */
import { latchHome, resolveProject } from '../app/context.js';
import {
  addSecretRequest,
  answerCommand,
  notifyPerson,
  oneShortLine,
  type SecretRequest,
} from '../app/secret-requests.js';
import { assertSecretName } from '../manifest/names.js';
import { ensurePrivateDirectory } from '../shared/files.js';
import type { CallContext, CallNames } from './calls.js';
import { choiceFor } from './calls.js';
import type { ToolArguments } from './tools.js';

export async function requestSecret(
  call: CallContext,
  args: ToolArguments,
  names: CallNames,
): Promise<string> {
  const name = assertSecretName(String(args.name));
  const context = await resolveProject(choiceFor(call, args), call.io);
  names.project = context.project;
  names.environment = context.environment;
  names.secrets = [name];
  const home = latchHome(call.io);
  ensurePrivateDirectory(home);
  const now = call.io.now();
  const request: SecretRequest = {
    project: context.project,
    environment: context.environment,
    name,
    reason: oneShortLine(String(args.reason)),
    agent: call.io.client ?? 'an agent',
    time: now.toISOString(),
  };
  addSecretRequest(home, request, now.getTime());
  const notified = notifyPerson(request, call.io.env);
  return JSON.stringify(
    {
      requested: name,
      project: context.project,
      environment: context.environment,
      told: notified ? ['desktop notification', 'latch status'] : ['latch status'],
      next: `the person runs \`${answerCommand(request)}\` and types the value into latch; call latch_check later. Do not ask for the value in this conversation.`,
    },
    null,
    2,
  );
}
