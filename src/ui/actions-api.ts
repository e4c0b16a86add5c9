/**
 * The routes that act on one secret: store a new value, rotate with a generated value, roll
 * back, edit the metadata, mark leaked, and reveal or copy the value. Each runs the function the CLI command
 * runs, with the page's typed confirmations standing in for the terminal
 * (`app/secret-value.ts` `pageTerminal`), and is recorded with the agent `ui`. Reveal and copy
 * need the vault passphrase typed again; the reveal answer is the only one of the API that
 * holds a value.
 */
import { randomBytes } from 'node:crypto';
import { checkPassphrase, type ProjectContext } from '../app/context.js';
import { markLeaked } from '../app/leaked.js';
import {
  type MetadataChange,
  pageTerminal,
  revealSecretValue,
  storeSecretValue,
  updateSecretMetadata,
} from '../app/secret-value.js';
import { environmentContext } from '../app/vault-overview.js';
import { clipboardTarget, defaultClearAfterMs, placeOnClipboard } from '../clipboard/copy.js';
import { rollbackVersion, rotateSecret } from '../lifecycle/secret-lifecycle.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import { decodeUtf8 } from '../shared/utf8.js';
import { type Charset, generateValue, isCharset } from '../vault/generate.js';
import { bodyOf, type Routes, secretAddress, type UiState } from './request.js';
import type { ApiRequest } from './server.js';

/** An optional string field of the body. */
function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new LatchError('E_USAGE', `${name} must be text`);
  return value;
}

/**
 * The request's secret, its context, and an Io whose terminal answers with what the person
 * typed in the page: `confirm` (a protected environment's name), then `consent` (the
 * secret's name, asked when an agent started `latch ui`).
 */
function prepare(state: UiState, request: ApiRequest) {
  const address = secretAddress(request);
  const body = bodyOf(request);
  const answers = [optionalText(body, 'confirm'), optionalText(body, 'consent')].filter(
    (answer): answer is string => answer !== undefined,
  );
  const io: Io = { ...state.io, terminal: pageTerminal(answers) };
  state.vault.reload();
  const context: ProjectContext = environmentContext(
    state.here,
    address.project,
    address.environment,
    state.io.cwd,
  );
  const choice = { options: { project: address.project, env: address.environment } };
  return { ...address, body, io, context, choice };
}

/** The passphrase typed again in the page: a wrong one counts towards the lockout. */
async function passphraseAgain(io: Io, body: Record<string, unknown>): Promise<void> {
  const typed = body.passphrase;
  if (typeof typed !== 'string' || typed === '')
    throw new LatchError('E_BAD_PASSPHRASE', 'type the vault passphrase to reveal or copy a value');
  await checkPassphrase(io, typed);
}

export const actionRoutes: Routes = {
  'POST /api/secret': async (state, request) => {
    const { project, environment, name, body, io, context } = prepare(state, request);
    if (typeof body.value !== 'string') throw new LatchError('E_USAGE', 'value is missing');
    const value = new TextEncoder().encode(body.value);
    const { outcome } = await storeSecretValue(io, state.vault, context, name, value);
    return { status: 200, json: { project, environment, name, outcome } };
  },

  'POST /api/secret/rotate': async (state, request) => {
    const { name, body, io, choice } = prepare(state, request);
    const charset = optionalText(body, 'charset') ?? 'base64';
    if (!isCharset(charset))
      throw new LatchError('E_USAGE', `charset must be base64, hex or alnum, not "${charset}"`);
    const length = body.length === undefined ? 32 : Number(body.length);
    const value = generateValue(length, charset as Charset, (count) => randomBytes(count));
    const done = await rotateSecret(
      io,
      choice,
      name,
      async () => ({ value: new TextEncoder().encode(value), origin: 'generate' }),
      { vault: state.vault },
    );
    return {
      status: 200,
      json: { ...done, message: `rotated ${name}: a new ${length}-character ${charset} value` },
    };
  },

  'POST /api/secret/rollback': async (state, request) => {
    const { name, body, io, choice } = prepare(state, request);
    const to = body.to === undefined || body.to === null ? undefined : Number(body.to);
    if (to !== undefined && !(Number.isInteger(to) && to >= 1))
      throw new LatchError('E_USAGE', 'to must be a version number from the history');
    const done = await rollbackVersion(io, choice, name, to, { vault: state.vault });
    const kept = done.leaked ? `; version ${done.to} was marked leaked on ${done.leaked}: rotate it` : '';
    return {
      status: 200,
      json: {
        ...done,
        message: `rolled back ${name} to version ${done.to} (now version ${done.current})${kept}`,
      },
    };
  },

  'POST /api/secret/metadata': async (state, request) => {
    const { name, body, io, context } = prepare(state, request);
    const change: MetadataChange = {};
    for (const key of ['description', 'owner', 'expires', 'rotateEvery'] as const) {
      if (!(key in body)) continue;
      const given = body[key];
      if (given !== null && typeof given !== 'string') throw new LatchError('E_USAGE', `${key} must be text`);
      change[key] = given;
    }
    const { expiredAlready } = await updateSecretMetadata(io, state.vault, context, name, change);
    const message = expiredAlready
      ? `updated the metadata of ${name}; the expiry is in the past, so it counts as expired`
      : `updated the metadata of ${name}`;
    return { status: 200, json: { message } };
  },

  'POST /api/secret/leaked': async (state, request) => {
    const { project, environment, name, io } = prepare(state, request);
    const report = await markLeaked(io, state.vault, { project, environment, name }, null);
    const deliveries = `${report.deliveries} deliver${report.deliveries === 1 ? 'y' : 'ies'} since ${report.since}`;
    return {
      status: 200,
      json: { ...report, message: `marked ${name} as leaked (${deliveries}); rotate it at its provider` },
    };
  },

  'POST /api/secret/reveal': async (state, request) => {
    const { name, body, io, context } = prepare(state, request);
    await passphraseAgain(io, body);
    const value = await revealSecretValue(io, state.vault, context, name, 'ui');
    // Text is shown as text; anything else (not UTF-8, or holding NUL) as base64.
    const decoded = decodeUtf8(value);
    const text = 'text' in decoded && !decoded.text.includes('\0') ? decoded.text : null;
    return {
      status: 200,
      // Never kept by the browser or a proxy (every answer says no-store; this one above all).
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      json:
        text === null ? { name, valueBase64: Buffer.from(value).toString('base64') } : { name, value: text },
    };
  },

  'POST /api/secret/copy': async (state, request) => {
    const { name, body, io, context } = prepare(state, request);
    // The clipboard is found before the passphrase is checked: no clipboard, no guess spent.
    const target = clipboardTarget(io, false);
    if (target.kind !== 'clipboard') throw new LatchError('E_CLIPBOARD', 'no clipboard here');
    await passphraseAgain(io, body);
    const value = await revealSecretValue(io, state.vault, context, name, `copy ${target.backend.id}`);
    const clearAfterMs = await placeOnClipboard(io, target.backend, value, defaultClearAfterMs);
    const message =
      clearAfterMs === null
        ? `copied ${name} with ${target.backend.id}; it could not be cleared later: copy something else when done`
        : `copied ${name}; the clipboard is cleared in ${Math.round(clearAfterMs / 1000)} s if it still holds it`;
    return { status: 200, json: { name, through: target.backend.id, clearAfterMs, message } };
  },
};
