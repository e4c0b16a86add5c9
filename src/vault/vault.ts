/**
 * The vault's decrypted contents: projects, their environments, and secrets with metadata
 * and every earlier value. The body plaintext is a container of one JSON document per
 * project (docs/format.md, "Body"), so a command that needs one project parses only that
 * one; the others are carried through a rewrite byte for byte.
 */
import { LatchError } from '../shared/errors.js';

/**
 * The event that made a value current: `set`, `import`, `rotate`, `rollback`, or (from team
 * sharing, later) `pull` and `restore`. Absent on values stored before latch recorded it.
 */
export type ValueSource = 'set' | 'import' | 'rotate' | 'rollback' | 'pull' | 'restore';

export interface SecretVersion {
  value: Uint8Array;
  created: string;
  /** When this value stopped being current. */
  replaced: string;
  /** The event that made this value current. */
  setBy?: ValueSource;
  /** The `leaked` mark the value carried while current: rolling back to it keeps the mark. */
  rotationNeeded?: string;
  /** For a value made current by `rollback`: the version number it copied. */
  rolledBackFrom?: number;
}

export interface SecretMetadata {
  description?: string;
  owner?: string;
  /** ISO date or date-time after which the secret counts as expired. */
  expires?: string;
  /** A duration such as `90d`, `12w`, `6m`. */
  rotateEvery?: string;
  /**
   * When `latch leaked` marked the value as exposed (ISO date-time): it must be rotated.
   * Storing a new value clears it.
   */
  rotationNeeded?: string;
}

export interface SecretRecord extends SecretMetadata {
  value: Uint8Array;
  created: string;
  updated: string;
  /** The event that made the current value current. */
  setBy?: ValueSource;
  /** For a value made current by `rollback`: the version number it copied. */
  rolledBackFrom?: number;
  /** Earlier values, oldest first. */
  versions: SecretVersion[];
}

export interface EnvironmentRecord {
  protected: boolean;
  secrets: Record<string, SecretRecord>;
}

export interface ProjectRecord {
  environments: Record<string, EnvironmentRecord>;
  /**
   * Directories whose latch.yaml may use this project. A repository's manifest names a
   * project by a plain string, so without this any cloned repository could claim yours.
   */
  trustedPaths?: string[];
}

interface StoredVersion extends Omit<SecretVersion, 'value'> {
  value: string;
}
interface StoredSecret extends SecretMetadata {
  value: string;
  created: string;
  updated: string;
  versions: StoredVersion[];
}

const projectDocumentVersion = 1;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function malformed(detail: string): LatchError {
  return new LatchError(
    'E_TAMPERED',
    `the vault contents are malformed (${detail}); restore it from vault.prev or a backup`,
  );
}

/**
 * An empty map from names to records, with no prototype: secret and environment names such
 * as `__proto__`, `constructor` or `toString` are ordinary keys, never Object.prototype's.
 */
export function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Serialises one project to its JSON document (values in base64). */
export function encodeProject(project: ProjectRecord): Uint8Array {
  const environments = nameMap<{ protected: boolean; secrets: Record<string, StoredSecret> }>();
  for (const [envName, env] of Object.entries(project.environments)) {
    const secrets = nameMap<StoredSecret>();
    for (const [name, secret] of Object.entries(env.secrets)) {
      secrets[name] = {
        ...secret,
        value: toBase64(secret.value),
        versions: secret.versions.map((version) => ({ ...version, value: toBase64(version.value) })),
      };
    }
    environments[envName] = { protected: env.protected, secrets };
  }
  const trusted = project.trustedPaths?.length ? { trustedPaths: project.trustedPaths } : {};
  return textEncoder.encode(JSON.stringify({ v: projectDocumentVersion, environments, ...trusted }));
}

function decodeSecret(stored: StoredSecret): SecretRecord {
  return {
    ...stored,
    value: fromBase64(stored.value),
    versions: (stored.versions ?? []).map((version) => ({ ...version, value: fromBase64(version.value) })),
  };
}

const decodedSecrets = new WeakSet<object>();

/**
 * One environment's secrets, each decoded from its stored form (values in base64) when it is
 * first read: `run` reads the 20 secrets its manifest declares, not the 10,000 stored next to
 * them. Behaves as the plain record it stands for (keys, order, assignment, deletion); a
 * decoded secret replaces the stored one in place, so key order, and the document written
 * back, stay as they were.
 */
function lazySecrets(stored: Record<string, StoredSecret | SecretRecord>): Record<string, SecretRecord> {
  const decoded = (target: typeof stored, key: string): SecretRecord => {
    const entry = target[key]!;
    if (decodedSecrets.has(entry)) return entry as SecretRecord;
    const secret = decodeSecret(entry as StoredSecret);
    decodedSecrets.add(secret);
    // Defined, not assigned: a secret may be named __proto__.
    Reflect.defineProperty(target, key, {
      value: secret,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    return secret;
  };
  return new Proxy(stored, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.hasOwn(target, key)) return decoded(target, key);
      return Reflect.get(target, key, receiver);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && Object.hasOwn(target, key)) decoded(target, key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    set(target, key, value) {
      if (typeof value === 'object' && value !== null) decodedSecrets.add(value);
      return Reflect.set(target, key, value);
    },
    defineProperty(target, key, descriptor) {
      if (typeof descriptor.value === 'object' && descriptor.value !== null)
        decodedSecrets.add(descriptor.value);
      return Reflect.defineProperty(target, key, descriptor);
    },
  }) as Record<string, SecretRecord>;
}

/**
 * Parses one project document; throws E_TAMPERED when it is not what latch writes. Secret
 * values are decoded when first read (see lazySecrets), not here.
 */
export function decodeProject(bytes: Uint8Array): ProjectRecord {
  let document: {
    v?: unknown;
    environments?: Record<string, { protected?: boolean; secrets?: Record<string, StoredSecret> }>;
    trustedPaths?: unknown;
  };
  try {
    document = JSON.parse(textDecoder.decode(bytes));
  } catch {
    throw malformed('project document is not JSON');
  }
  if (document.v !== projectDocumentVersion || typeof document.environments !== 'object') {
    throw malformed('unknown project document version');
  }
  const environments = nameMap<EnvironmentRecord>();
  for (const [envName, env] of Object.entries(document.environments)) {
    environments[envName] = {
      protected: env.protected === true,
      secrets: lazySecrets(Object.assign(nameMap<StoredSecret>(), env.secrets)),
    };
  }
  const trustedPaths = Array.isArray(document.trustedPaths)
    ? document.trustedPaths.filter((path): path is string => typeof path === 'string')
    : [];
  return trustedPaths.length > 0 ? { environments, trustedPaths } : { environments };
}

/**
 * What the vault keeps for the audit log (docs/audit.md): the last head written to the log
 * when the vault was last written, and a copy of the state key that MACs records written
 * while the vault is locked.
 */
export interface VaultAuditState {
  head: { seq: number; mac: string };
  /** Base64 of the 32-byte state key, or null before the log has one. */
  stateKey: string | null;
}

/**
 * The container entry that holds `VaultAuditState`. `#` cannot start a project name, so it
 * never clashes; it is shaped as a project document with no environments (plus `audit`),
 * so a latch that predates the audit log reads it as an empty project and carries it.
 */
const auditEntryName = '#audit';

function decodeAuditState(bytes: Uint8Array): VaultAuditState | null {
  try {
    const document = JSON.parse(textDecoder.decode(bytes)) as { audit?: Partial<VaultAuditState> };
    const head = document.audit?.head;
    if (!head || !Number.isSafeInteger(head.seq) || typeof head.mac !== 'string') return null;
    const stateKey = typeof document.audit?.stateKey === 'string' ? document.audit.stateKey : null;
    return { head: { seq: head.seq, mac: head.mac }, stateKey };
  } catch {
    return null;
  }
}

interface Entry {
  raw?: Uint8Array;
  project?: ProjectRecord;
}

/**
 * The decrypted body: named projects, each decoded on first use. Throws E_TAMPERED from
 * `decode` when the container is malformed (it is authenticated, so that means a bug or a
 * forged key, never a normal state).
 */
export class VaultContents {
  private readonly entries = new Map<string, Entry>();

  static empty(): VaultContents {
    return new VaultContents();
  }

  /** Splits the body plaintext into per-project documents without parsing them. */
  static decode(plaintext: Uint8Array): VaultContents {
    const contents = new VaultContents();
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.length);
    let offset = 0;
    const need = (count: number): number => {
      if (offset + count > plaintext.length) throw malformed('truncated container');
      const start = offset;
      offset += count;
      return start;
    };
    const count = view.getUint32(need(4));
    for (let index = 0; index < count; index++) {
      const nameLength = view.getUint16(need(2));
      const nameStart = need(nameLength);
      const name = textDecoder.decode(plaintext.subarray(nameStart, nameStart + nameLength));
      const documentLength = view.getUint32(need(4));
      const documentStart = need(documentLength);
      contents.entries.set(name, { raw: plaintext.subarray(documentStart, documentStart + documentLength) });
    }
    if (offset !== plaintext.length) throw malformed('trailing bytes in container');
    return contents;
  }

  /** Serialises every project; untouched projects are copied as they were read. */
  encode(): Uint8Array {
    const parts: Uint8Array[] = [];
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, this.entries.size);
    parts.push(header);
    for (const [name, entry] of this.entries) {
      const nameBytes = textEncoder.encode(name);
      const document = entry.project ? encodeProject(entry.project) : entry.raw!;
      const lengths = new Uint8Array(2);
      new DataView(lengths.buffer).setUint16(0, nameBytes.length);
      const documentLength = new Uint8Array(4);
      new DataView(documentLength.buffer).setUint32(0, document.length);
      parts.push(lengths, nameBytes, documentLength, document);
    }
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  projectNames(): string[] {
    return [...this.entries.keys()].filter((name) => !name.startsWith('#')).sort();
  }

  /**
   * A side document kept beside the projects under a `#` name (`#team`: the team identity
   * and accepted recipients), or null. Like the audit entry it is shaped as a project
   * document with no environments, so an older latch carries it as an empty project.
   */
  getSideDocument(name: `#${string}`): Record<string, unknown> | null {
    const entry = this.entries.get(name);
    if (!entry?.raw) return null;
    try {
      const document = JSON.parse(textDecoder.decode(entry.raw)) as unknown;
      return typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : null;
    } catch {
      throw malformed(`${name} is not JSON`);
    }
  }

  /** Stores a side document (written with the next `encode`). */
  putSideDocument(name: `#${string}`, fields: Record<string, unknown>): void {
    const document = { v: projectDocumentVersion, environments: {}, ...fields };
    this.entries.set(name, { raw: textEncoder.encode(JSON.stringify(document)) });
  }

  /** The audit log's state kept in the vault, or null for a vault written before it. */
  getAuditState(): VaultAuditState | null {
    const entry = this.entries.get(auditEntryName);
    return entry?.raw ? decodeAuditState(entry.raw) : null;
  }

  /** Stores the audit log's state (written with the next `encode`). */
  putAuditState(state: VaultAuditState): void {
    const document = { v: projectDocumentVersion, environments: {}, audit: state };
    this.entries.set(auditEntryName, { raw: textEncoder.encode(JSON.stringify(document)) });
  }

  hasProject(name: string): boolean {
    return this.entries.has(name);
  }

  /** The project, decoded on first use; undefined when the vault has no such project. */
  getProject(name: string): ProjectRecord | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    entry.project ??= decodeProject(entry.raw!);
    return entry.project;
  }

  /** Stores a project (the object is kept by reference, so later edits to it are saved). */
  putProject(name: string, project: ProjectRecord): void {
    this.entries.set(name, { project });
  }

  /** The project's document as `encode` writes it (the stored bytes when untouched), or undefined. */
  projectDocument(name: string): Uint8Array | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    return entry.project ? encodeProject(entry.project) : entry.raw!;
  }

  removeProject(name: string): boolean {
    return this.entries.delete(name);
  }
}
