/**
 * The document inside a bundle (format `latch-bundle/1`, docs/format.md): UTF-8 JSON with the
 * project, the environment, the creation time and the secrets as name/value pairs. Values
 * are UTF-8 strings when they are valid UTF-8 without NUL, else base64 (`"encoding":
 * "base64"`). Pure: bytes in, bytes out.
 */
import { assertEnvironmentName, assertProjectName } from '../manifest/names.js';
import { LatchError } from '../shared/errors.js';

export const bundleFormat = 'latch-bundle/1';

/** A decrypted bundle. Values are bytes, which the caller overwrites when done (wipeBundle). */
export interface BundleContents {
  project: string;
  environment: string;
  createdAt: string;
  secrets: Map<string, Uint8Array>;
}

const secretName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The document's bytes. The JSON text is the one copy of the values latch cannot wipe. */
export function encodeBundle(bundle: BundleContents): Uint8Array {
  const secrets = [...bundle.secrets].map(([name, value]) => {
    let text: string | null = null;
    try {
      text = strictUtf8.decode(value);
    } catch {}
    return text !== null && !text.includes('\0')
      ? { name, value: text }
      : { name, value: Buffer.from(value).toString('base64'), encoding: 'base64' };
  });
  return new TextEncoder().encode(
    JSON.stringify({
      format: bundleFormat,
      project: bundle.project,
      environment: bundle.environment,
      created: bundle.createdAt,
      secrets,
    }),
  );
}

const notLatch = () =>
  new LatchError(
    'E_UNSUPPORTED_FORMAT',
    'it opened, but it is not a latch bundle (no latch-bundle/1 document)',
  );

/**
 * Parses a decrypted document. Throws E_UNSUPPORTED_FORMAT (exit 6) when it is not a
 * latch-bundle/1 document (e.g. any file `age -p` encrypted), or is one with a bad field.
 */
export function decodeBundle(bytes: Uint8Array): BundleContents {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw notLatch();
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { format?: unknown }).format !== bundleFormat
  )
    throw notLatch();
  const document = parsed as Record<string, unknown>;
  const bad = (what: string) => new LatchError('E_UNSUPPORTED_FORMAT', `the bundle's ${what} is malformed`);
  if (typeof document.project !== 'string' || typeof document.environment !== 'string') throw bad('header');
  if (typeof document.created !== 'string' || !Array.isArray(document.secrets)) throw bad('header');
  try {
    assertProjectName(document.project);
    assertEnvironmentName(document.environment);
  } catch {
    throw bad('project or environment name');
  }
  const secrets = new Map<string, Uint8Array>();
  for (const entry of document.secrets as unknown[]) {
    const { name, value, encoding } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !secretName.test(name) || secrets.has(name) || typeof value !== 'string')
      throw bad('list of secrets');
    if (encoding !== undefined && encoding !== 'base64') throw bad('list of secrets');
    secrets.set(
      name,
      encoding === 'base64' ? new Uint8Array(Buffer.from(value, 'base64')) : new TextEncoder().encode(value),
    );
  }
  return {
    project: document.project,
    environment: document.environment,
    createdAt: document.created,
    secrets,
  };
}

/** Overwrites every value with zeros: the bytes latch holds, not the strings JavaScript made. */
export function wipeBundle(bundle: BundleContents): void {
  for (const value of bundle.secrets.values()) value.fill(0);
}
