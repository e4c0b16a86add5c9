/**
 * The `latch ui` routes that act on one secret, without a browser: rotate, roll back, edit
 * the metadata, mark leaked, reveal and copy. Each is checked against what the CLI then
 * reads from the same vault and audit log; no answer but the reveal's holds a value.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValue, get, passphrase, post, secondValue, type UiFixture, uiFixture } from './fixture.js';

let fixture: UiFixture;
beforeEach(async () => {
  fixture = await uiFixture();
});
afterEach(() => fixture.dirs.cleanup());

const dev = { project: 'shop', environment: 'dev', name: 'API_KEY' };
const prod = { project: 'shop', environment: 'prod', name: 'API_KEY' };

interface AuditEntry {
  event: string;
  environment?: string;
  secret?: string;
  agent?: string | null;
  outcome?: string;
  through?: string;
}
async function audit(): Promise<AuditEntry[]> {
  return JSON.parse(await fixture.cli(['audit', '--json'])) as AuditEntry[];
}
const reveal = (environment = 'dev', answers: string[] = []) =>
  fixture.cli(['get', 'API_KEY', '--env', environment, '--reveal'], undefined, answers);

describe('reveal from the page', () => {
  it('needs the passphrase typed again; a wrong one counts, the right one reveals and is recorded', async () => {
    const api = await fixture.api();
    await expect(post(api, '/api/secret/reveal', dev)).rejects.toMatchObject({ code: 'E_BAD_PASSPHRASE' });
    await expect(post(api, '/api/secret/reveal', { ...dev, passphrase: 'not it' })).rejects.toMatchObject({
      code: 'E_BAD_PASSPHRASE',
    });
    const answer = await post(api, '/api/secret/reveal', { ...dev, passphrase });
    expect(answer.json).toEqual({ name: 'API_KEY', value: secondValue });
    expect(answer.headers?.['cache-control']).toBe('no-store');
    const records = await audit();
    expect(
      records.filter((record) => record.event === 'unlock' && record.outcome === 'failure'),
    ).toHaveLength(1);
    expect(records.filter((record) => record.event === 'reveal').at(-1)).toMatchObject({
      environment: 'dev',
      secret: 'API_KEY',
      agent: 'ui',
    });
  });

  it("asks for a protected environment's name, and an agent's reveal for the secret's name", async () => {
    await fixture.cli(['set', 'API_KEY', '--env', 'prod'], 'prod-value-7p3');
    const api = await fixture.api();
    await expect(post(api, '/api/secret/reveal', { ...prod, passphrase })).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
    });
    await expect(
      post(api, '/api/secret/reveal', { ...prod, passphrase, confirm: 'dev' }),
    ).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
    });
    expect(
      (await post(api, '/api/secret/reveal', { ...prod, passphrase, confirm: 'prod' })).json,
    ).toMatchObject({
      value: 'prod-value-7p3',
    });

    // `latch ui` started by an agent: the page asks the person for the secret's name.
    const agentApi = await fixture.api({ CLAUDECODE: '1' });
    const page = await get(agentApi, '/api/secret', dev);
    expect(page.json).toMatchObject({ agent: 'claude-code', protected: false });
    await expect(post(agentApi, '/api/secret/reveal', { ...dev, passphrase })).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
    });
    expect(
      (await post(agentApi, '/api/secret/reveal', { ...dev, passphrase, consent: 'API_KEY' })).json,
    ).toEqual({
      name: 'API_KEY',
      value: secondValue,
    });
  });

  it('shows a value that is not text as base64', async () => {
    await fixture.cli(['set', 'BLOB'], '\u0000\u0001binary');
    const api = await fixture.api();
    const answer = await post(api, '/api/secret/reveal', { ...dev, name: 'BLOB', passphrase });
    expect(answer.json).toEqual({
      name: 'BLOB',
      valueBase64: Buffer.from('\u0000\u0001binary').toString('base64'),
    });
  });

  it('refuses to copy without a clipboard before the passphrase is spent', async () => {
    const api = await fixture.api({ PATH: '/nonexistent', DISPLAY: '', WAYLAND_DISPLAY: '' });
    await expect(post(api, '/api/secret/copy', { ...dev, passphrase: 'wrong' })).rejects.toMatchObject({
      code: 'E_CLIPBOARD',
    });
    expect(
      (await audit()).filter((record) => record.event === 'unlock' && record.outcome === 'failure'),
    ).toEqual([]);
  });
});

describe('changes from the page', () => {
  it('rotates to a generated value of the length and characters asked, never sending it back', async () => {
    const api = await fixture.api();
    const answer = await post(api, '/api/secret/rotate', { ...dev, length: 20, charset: 'hex' });
    expect(JSON.stringify(answer.json)).not.toMatch(/[0-9a-f]{20}/);
    expect(answer.json).toMatchObject({ name: 'API_KEY', versions: 2 });
    expect(await reveal()).toMatch(/^[0-9a-f]{20}$/);
    expect((await audit()).at(-2)).toMatchObject({ event: 'rotate', agent: 'ui', secret: 'API_KEY' });
    await expect(post(api, '/api/secret/rotate', { ...dev, length: 4 })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(post(api, '/api/secret/rotate', { ...dev, charset: 'emoji' })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });

  it('rolls back to an earlier version; in a protected environment only once confirmed', async () => {
    const api = await fixture.api();
    const answer = await post(api, '/api/secret/rollback', { ...dev, to: 1 });
    expect(answer.json).toMatchObject({ from: 2, to: 1, current: 3 });
    expect(await reveal()).toBe(firstValue);

    await fixture.cli(['set', 'API_KEY', '--env', 'prod'], 'prod-one-1a1');
    await fixture.cli(['set', 'API_KEY', '--env', 'prod'], 'prod-two-2b2', ['prod']);
    await expect(post(api, '/api/secret/rollback', prod)).rejects.toMatchObject({
      code: 'E_CONFIRMATION_REQUIRED',
    });
    expect(await reveal('prod', ['prod'])).toBe('prod-two-2b2');
    await post(api, '/api/secret/rollback', { ...prod, confirm: 'prod' });
    expect(await reveal('prod', ['prod'])).toBe('prod-one-1a1');
  });

  it('edits the metadata: sets, clears, and refuses what `set` refuses', async () => {
    const api = await fixture.api();
    await post(api, '/api/secret/metadata', {
      ...dev,
      owner: 'payments-team',
      expires: '2027-01-31',
      rotateEvery: '90d',
      description: 'the shop API, live keys',
    });
    const details = JSON.parse(await fixture.cli(['get', 'API_KEY', '--json'])) as Record<string, unknown>;
    expect(details).toMatchObject({
      owner: 'payments-team',
      expires: '2027-01-31',
      rotateEvery: '90d',
      description: 'the shop API, live keys',
    });
    // Cleared in the vault: latch.yaml's description shows again.
    await post(api, '/api/secret/metadata', { ...dev, description: null, owner: '' });
    const cleared = JSON.parse(await fixture.cli(['get', 'API_KEY', '--json'])) as Record<string, unknown>;
    expect(cleared).toMatchObject({ owner: null, description: 'the shop API', rotateEvery: '90d' });
    expect((await audit()).at(-1)).toMatchObject({ event: 'set', outcome: 'metadata', agent: 'ui' });
    await expect(
      post(api, '/api/secret/metadata', { ...dev, expires: 'next tuesday' }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(post(api, '/api/secret/metadata', { ...dev, rotateEvery: 'often' })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    expect(JSON.parse(await fixture.cli(['get', 'API_KEY', '--json']))).toMatchObject({ rotateEvery: '90d' });
  });

  it('marks a secret leaked with its deliveries since it was set, until a rotation clears it', async () => {
    await reveal();
    const api = await fixture.api();
    const answer = await post(api, '/api/secret/leaked', dev);
    expect(answer.json).toMatchObject({ secret: 'API_KEY', deliveries: 1, logVerified: true });
    const check = async () =>
      ((await get(api, '/api/secret', dev)).json as { secret: { rotationNeeded: boolean } }).secret
        .rotationNeeded;
    expect(await check()).toBe(true);
    expect((await audit()).at(-1)).toMatchObject({ event: 'leaked', agent: 'ui' });
    await post(api, '/api/secret/rotate', dev);
    expect(await check()).toBe(false);
  });

  it("lists the secret's deliveries from the audit log on its page, newest first", async () => {
    await reveal();
    await fixture.cli(['run', '--', 'node', '-e', '0']);
    const page = await get(await fixture.api(), '/api/secret', dev);
    const { deliveries } = page.json as { deliveries: Array<{ event: string; program: string | null }> };
    expect(deliveries.map((delivery) => delivery.event)).toEqual(['run', 'reveal']);
    expect(deliveries[0]?.program).toBe('node');
  });
});
