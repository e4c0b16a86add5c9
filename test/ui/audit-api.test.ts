import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectVault, resolveProject } from '../../src/app/context.js';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { Timeline } from '../../src/ui/page/types.js';
import type { ApiHandler } from '../../src/ui/server.js';
import { clock, fakeIo, initializedProject } from '../cli/fake-io.js';

const values = ['dev-value-8q1', 'staging-value-3k7'];
const day = 24 * 60 * 60 * 1000;
const today = Date.parse('2026-06-01T12:00:00Z');

let dirs: Awaited<ReturnType<typeof initializedProject>>['dirs'];
let project: string;
let env: Record<string, string>;

async function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const io = fakeIo({
    cwd: project,
    env: { ...env, ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
  const code = await runMain(args, io);
  return { code, out: io.out(), err: io.err() };
}
async function ok(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const result = await cli(args, options);
  expect(result.code, `${args.join(' ')}: ${result.err}`).toBe(0);
  return result;
}

/** Deliveries over four days: user, claude-code and codex; dev and staging. */
beforeEach(async () => {
  clock.now = today - 40 * day;
  ({ dirs, project, env } = await initializedProject());
  await ok(['set', 'API_KEY'], { stdin: values[0]! });
  await ok(['set', 'API_KEY', '--env', 'staging'], { stdin: values[1]! });
  await ok(['get', 'API_KEY', '--reveal']); // 40 days ago: outside the default 30
  clock.now = today - 2 * day;
  await ok(['run', '--', 'true']);
  await ok(['run', '--', 'true'], { env: { LATCH_AGENT: 'claude-code' } });
  clock.now = today - day;
  await ok(['run', '--env', 'staging', '--', 'true'], { env: { LATCH_AGENT: 'codex' } });
  await ok(['get', 'API_KEY', '--reveal']);
  clock.now = today;
  await ok(['run', '--', 'true'], { env: { LATCH_AGENT: 'claude-code' } });
  await ok(['run', '--', 'true'], { env: { LATCH_AGENT: 'claude-code' } });
  await ok(['set', 'OTHER'], { stdin: 'not-a-delivery-5t2' });
});
afterEach(() => dirs.cleanup());

async function timelineOf(query: Record<string, string> = {}): Promise<Timeline> {
  const io: Io = { ...fakeIo({ cwd: project, env }), client: 'ui' };
  const here = await resolveProject({ options: {} }, io);
  const api: ApiHandler = uiApi({ io, vault: await openProjectVault(io, here), here });
  const answer = await api({
    method: 'GET',
    path: '/api/timeline',
    query: new URLSearchParams(query),
    body: undefined,
  });
  expect(answer.status).toBe(200);
  const text = JSON.stringify(answer.json);
  for (const value of [...values, 'not-a-delivery-5t2']) expect(text).not.toContain(value);
  return answer.json as Timeline;
}

const counts = (timeline: Timeline, key: 'byAgent' | 'byEnvironment') =>
  Object.fromEntries(timeline[key].map((series) => [series.name, series.counts.slice(-3)]));

describe('GET /api/timeline', () => {
  it('counts deliveries per day by agent and by environment, busiest first', async () => {
    const timeline = await timelineOf();
    expect(timeline.days).toHaveLength(30);
    expect(timeline.days[0]).toBe('2026-05-03');
    expect(timeline.days.at(-1)).toBe('2026-06-01');
    expect(timeline.byAgent.map((series) => [series.name, series.total])).toEqual([
      ['claude-code', 3],
      ['user', 2],
      ['codex', 1],
    ]);
    expect(counts(timeline, 'byAgent')).toEqual({
      'claude-code': [1, 0, 2],
      user: [1, 1, 0],
      codex: [0, 1, 0],
    });
    expect(counts(timeline, 'byEnvironment')).toEqual({ 'shop/dev': [2, 1, 2], 'shop/staging': [0, 1, 0] });
    expect(timeline.byAgent[0]!.counts.slice(0, -3).every((count) => count === 0)).toBe(true);
    expect(timeline.total).toBe(6);
  });

  it('lists the latest deliveries newest first, by name, with who and which process', async () => {
    const { recent } = await timelineOf();
    expect(recent).toHaveLength(7);
    expect(recent[0]).toEqual({
      time: '2026-06-01T12:00:00.000Z',
      event: 'run',
      program: 'true',
      project: 'shop',
      environment: 'dev',
      secrets: ['API_KEY'],
      agent: 'claude-code',
      pid: process.pid,
    });
    expect(recent.map((row) => [row.event, row.environment, row.agent])).toEqual([
      ['run', 'dev', 'claude-code'],
      ['run', 'dev', 'claude-code'],
      ['reveal', 'dev', 'user'],
      ['run', 'staging', 'codex'],
      ['run', 'dev', 'claude-code'],
      ['run', 'dev', 'user'],
      ['reveal', 'dev', 'user'],
    ]);
    expect(recent[2]).toMatchObject({ program: null, secrets: ['API_KEY'] });
  });

  it('covers the days asked for, up to a year', async () => {
    const timeline = await timelineOf({ days: '60' });
    expect(timeline.days).toHaveLength(60);
    expect(timeline.total).toBe(7);
    expect(timeline.byAgent.find((series) => series.name === 'user')?.total).toBe(3);
    expect((await timelineOf({ days: '366' })).days).toHaveLength(366);
    for (const days of ['0', '367', 'ten', '-5', '1.5'])
      await expect(timelineOf({ days })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('says the chain verifies', async () => {
    const { verify } = await timelineOf();
    const records = readFileSync(join(env.LATCH_HOME!, 'audit.log'), 'utf8').trimEnd().split('\n').length;
    expect(verify).toMatchObject({ ok: true, records, line: null, reason: null });
    expect(verify.summary).toBe(
      `verified: all ${records} records are on an unbroken chain, none edited, removed or reordered`,
    );
  });

  it('says where and why the chain breaks when a line of the log was edited, as audit verify does', async () => {
    const path = join(env.LATCH_HOME!, 'audit.log');
    const lines = readFileSync(path, 'utf8').split('\n');
    const edited = lines.findIndex((line) => line.includes('"agent":"codex"'));
    expect(edited).toBeGreaterThan(0);
    lines[edited] = lines[edited]!.replace('"agent":"codex"', '"agent":"human"');
    writeFileSync(path, lines.join('\n'));

    const timeline = await timelineOf();
    expect(timeline.verify).toMatchObject({
      ok: false,
      records: null,
      line: edited + 1,
      seq: edited + 1,
      reason: 'the MAC does not match (record edited, forged or moved)',
    });
    expect(timeline.verify.summary).toMatch(
      new RegExp(`^broken at line ${edited + 1} \\(record ${edited + 1}\\): the MAC does not match`),
    );
    // The records are still shown (as they read now), under the broken status.
    expect(timeline.byAgent.map((series) => series.name)).toContain('human');

    const verify = await cli(['audit', 'verify']);
    expect(verify.code).not.toBe(0);
    expect(verify.err).toContain(`line ${edited + 1} (record ${edited + 1})`);
  });

  it('shows an empty timeline for an empty log, and says so', async () => {
    writeFileSync(join(env.LATCH_HOME!, 'audit.log'), '');
    const timeline = await timelineOf();
    expect(timeline.total).toBe(0);
    expect(timeline.recent).toEqual([]);
    // The vault remembers the head of the log: emptying it is a cut, not a new log.
    expect(timeline.verify.ok).toBe(false);
    expect(timeline.verify.summary).toMatch(/log cut or deleted/);
  });
});
