import { describe, expect, it } from 'vitest';
import { ensureEnvironment, putSecret } from '../../src/vault/secrets.js';
import { decodeProject, encodeProject, type ProjectRecord, VaultContents } from '../../src/vault/vault.js';
import { vectorContents } from './vector.js';

const text = (value: string) => new TextEncoder().encode(value);
const vectorProject = () => vectorContents().getProject('myapp')!;

/** A project document with `count` secrets in dev, as latch writes it. */
function bigDocument(count: number): Uint8Array {
  const project: ProjectRecord = { environments: {} };
  const dev = ensureEnvironment(project, 'dev');
  for (let index = 0; index < count; index++) {
    putSecret(dev, `SECRET_${index}`, text(`value-${index}`), {}, '2026-01-02T03:04:05.000Z');
  }
  return encodeProject(project);
}

describe('project documents', () => {
  it('decode to the records they were made from, and encode back to the same bytes', () => {
    const document = encodeProject(vectorProject());
    const decoded = decodeProject(document);
    expect(decoded).toEqual(vectorProject());
    // Name maps have no prototype, so a secret may be named __proto__ or constructor.
    expect(Object.getPrototypeOf(decoded.environments)).toBeNull();
    expect(Object.getPrototypeOf(decoded.environments.dev!.secrets)).toBeNull();
    expect(Object.keys(decoded.environments.dev!.secrets)).toEqual(['API_KEY']);
    expect(Buffer.from(encodeProject(decoded)).equals(Buffer.from(document))).toBe(true);
  });

  it('keep key order and bytes when only some secrets were read before writing back', () => {
    const document = bigDocument(50);
    const decoded = decodeProject(document);
    expect(new TextDecoder().decode(decoded.environments.dev!.secrets.SECRET_7!.value)).toBe('value-7');
    expect(Buffer.from(encodeProject(decoded)).equals(Buffer.from(document))).toBe(true);
    expect(Object.keys(decoded.environments.dev!.secrets).slice(0, 3)).toEqual([
      'SECRET_0',
      'SECRET_1',
      'SECRET_2',
    ]);
  });

  it('decode a secret only when it is read', () => {
    const document = JSON.parse(new TextDecoder().decode(bigDocument(3)));
    // A value that cannot be decoded: only reading that secret may fail.
    document.environments.dev.secrets.SECRET_2.value = 12345;
    const decoded = decodeProject(text(JSON.stringify(document)));
    const secrets = decoded.environments.dev!.secrets;
    expect(new TextDecoder().decode(secrets.SECRET_0!.value)).toBe('value-0');
    expect('SECRET_2' in secrets).toBe(true);
    expect(secrets.MISSING).toBeUndefined();
    expect(() => secrets.SECRET_2).toThrow();
  });

  it('take changes like a plain record: update, add, delete', () => {
    const contents = VaultContents.decode(bigContents());
    const project = contents.getProject('big')!;
    const dev = project.environments.dev!;
    expect(putSecret(dev, 'SECRET_1', text('new'), { owner: 'ops' }, '2026-02-01T00:00:00.000Z')).toBe(
      'updated',
    );
    expect(putSecret(dev, 'ADDED', text('added'), {}, '2026-02-01T00:00:00.000Z')).toBe('created');
    delete dev.secrets.SECRET_0;
    const reread = VaultContents.decode(contents.encode()).getProject('big')!.environments.dev!.secrets;
    expect(Object.keys(reread)).toEqual(['SECRET_1', 'SECRET_2', 'ADDED']);
    expect(reread.SECRET_1).toMatchObject({
      value: text('new'),
      owner: 'ops',
      updated: '2026-02-01T00:00:00.000Z',
    });
    expect(reread.SECRET_1!.versions.map((version) => new TextDecoder().decode(version.value))).toEqual([
      'value-1',
    ]);
    expect(new TextDecoder().decode(reread.ADDED!.value)).toBe('added');
  });
});

function bigContents(): Uint8Array {
  const contents = VaultContents.empty();
  contents.putProject('big', decodeProject(bigDocument(3)));
  return contents.encode();
}
