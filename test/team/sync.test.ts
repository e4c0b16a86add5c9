/** The vault side of `latch pull`: what is added, changed, removed, and what is a conflict. */
import { describe, expect, it } from 'vitest';
import type { SharedSecret } from '../../src/team/secret-file.js';
import { digest, type TeamProjectState } from '../../src/team/state.js';
import { applyPull, type PulledSecret, type Resolution } from '../../src/team/sync.js';
import { nameMap, type ProjectRecord } from '../../src/vault/vault.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const then = '2026-06-01T00:00:00.000Z';

function setUp(local: string | null, synced: string | null) {
  const project: ProjectRecord = { environments: nameMap() };
  project.environments.dev = { protected: false, secrets: nameMap() };
  if (local !== null)
    project.environments.dev.secrets.KEY = {
      value: bytes(local),
      created: then,
      updated: then,
      versions: [],
    };
  const state: TeamProjectState = { accepted: [], synced: nameMap(), pulled: nameMap() };
  state.synced.dev = nameMap();
  if (synced !== null) state.synced.dev.KEY = { value: digest(bytes(synced)), file: 'old-file', to: '' };
  return { project, state };
}

function theirs(value: string | null): PulledSecret {
  const secret: SharedSecret | null =
    value === null
      ? null
      : {
          environment: 'dev',
          name: 'KEY',
          value: bytes(value),
          created: then,
          updated: '2026-06-02T00:00:00.000Z',
          by: 'b',
          to: ['a', 'b'],
        };
  return {
    environment: 'dev',
    name: 'KEY',
    theirs: secret,
    fileHash: value === null ? null : 'new-file',
    to: 'a,b',
  };
}

const value = (project: ProjectRecord) => {
  const secret = project.environments.dev?.secrets.KEY;
  return secret ? Buffer.from(secret.value).toString() : null;
};

describe('applyPull', () => {
  it.each<[string, string | null, string | null, string | null, Resolution, string, string | null]>([
    // name, local, synced, theirs, resolution, outcome, value after
    ['new in .latch/', null, null, 'v2', null, 'added', 'v2'],
    ['changed there only', 'v1', 'v1', 'v2', null, 'changed', 'v2'],
    ['changed on both sides', 'mine', 'v1', 'v2', null, 'conflicts', 'mine'],
    ['changed on both sides, --theirs', 'mine', 'v1', 'v2', 'theirs', 'changed', 'v2'],
    ['changed on both sides, --ours', 'mine', 'v1', 'v2', 'ours', 'kept', 'mine'],
    ['removed there, unchanged here', 'v1', 'v1', null, null, 'removed', null],
    ['removed there, changed here', 'mine', 'v1', null, null, 'conflicts', 'mine'],
    ['local never synced, differs', 'mine', null, 'v2', null, 'conflicts', 'mine'],
  ])('%s', (_, local, synced, incoming, resolution, outcome, after) => {
    const { project, state } = setUp(local, synced);
    const result = applyPull(project, state, [theirs(incoming)], resolution);
    expect(result[outcome as keyof typeof result]).toEqual(['dev/KEY']);
    expect(value(project)).toBe(after);
  });

  it('keeps the replaced value as a version and takes the writer times', () => {
    const { project, state } = setUp('v1', 'v1');
    applyPull(project, state, [theirs('v2')], null);
    const secret = project.environments.dev!.secrets.KEY!;
    expect(secret.versions.map((version) => Buffer.from(version.value).toString())).toEqual(['v1']);
    expect(secret.updated).toBe('2026-06-02T00:00:00.000Z');
    expect(state.synced.dev!.KEY).toEqual({ value: digest(bytes('v2')), file: 'new-file', to: 'a,b' });
  });

  it('records a file that already holds your value without a change', () => {
    const { project, state } = setUp('same', null);
    const result = applyPull(project, state, [theirs('same')], null);
    expect(Object.values(result).flat()).toEqual([]);
    expect(state.synced.dev!.KEY?.file).toBe('new-file');
  });

  it('leaves the last-sync state of a conflict alone, so the next pull reports it again', () => {
    const { project, state } = setUp('mine', 'v1');
    applyPull(project, state, [theirs('v2')], null);
    expect(state.synced.dev!.KEY?.file).toBe('old-file');
  });
});
