import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectVault, resolveProject } from '../../src/app/context.js';
import { runMain } from '../../src/cli/main.js';
import type { UpcomingEvent } from '../../src/lifecycle/due.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import { clock, fakeIo, initializedProject } from '../cli/fake-io.js';

const today = Date.parse('2026-06-01T12:00:00Z');

let dirs: Awaited<ReturnType<typeof initializedProject>>['dirs'];
let project: string;
let env: Record<string, string>;

async function ok(args: string[], cwd = project, stdin = 'value-of-a-secret-9x') {
  const io = fakeIo({ cwd, env, stdin });
  expect(await runMain(args, io), `${args.join(' ')}: ${io.err()}`).toBe(0);
}

beforeEach(async () => {
  clock.now = today;
  ({ dirs, project, env } = await initializedProject());
  await ok(['set', 'SOON', '--expires', '2026-06-20']);
  await ok(['set', 'PERIODIC', '--rotate-every', '30d']);
  await ok(['set', 'GONE', '--expires', '2026-05-20']);
  await ok(['set', 'FAR', '--expires', '2026-12-31']);
  await ok(['set', 'PLAIN']);
  await ok(['set', 'SPILLED']);
  await ok(['leaked', 'SPILLED']);
  await ok(['set', 'STAGED', '--env', 'staging', '--expires', '2026-08-01']);
  const blog = join(dirs.root, 'blog');
  mkdirSync(blog);
  await ok(['init'], blog);
  await ok(['set', 'BLOG_TOKEN', '--expires', '2026-07-15'], blog);
});
afterEach(() => dirs.cleanup());

async function calendar(query: Record<string, string> = {}) {
  const io: Io = { ...fakeIo({ cwd: project, env }), client: 'ui' };
  const here = await resolveProject({ options: {} }, io);
  const api = uiApi({ io, vault: await openProjectVault(io, here), here });
  const answer = await api({
    method: 'GET',
    path: '/api/calendar',
    query: new URLSearchParams(query),
    body: undefined,
  });
  expect(answer.status).toBe(200);
  expect(JSON.stringify(answer.json)).not.toContain('value-of-a-secret');
  return answer.json as { now: string; days: number; events: UpcomingEvent[] };
}

const summary = (events: UpcomingEvent[]) =>
  events.map((event) => [
    `${event.project}/${event.environment}/${event.name}`,
    event.kind,
    event.day,
    event.overdue,
    event.days,
  ]);

describe('GET /api/calendar', () => {
  it('lists what falls due in the next 90 days in every project and environment, the overdue first', async () => {
    const answer = await calendar();
    expect(answer).toMatchObject({ now: '2026-06-01T12:00:00.000Z', days: 90 });
    expect(summary(answer.events)).toEqual([
      ['shop/dev/GONE', 'expires', '2026-05-20', true, -12],
      ['shop/dev/SPILLED', 'leaked', '2026-06-01', true, 0],
      ['shop/dev/SOON', 'expires', '2026-06-20', false, 19],
      ['shop/dev/PERIODIC', 'rotation', '2026-07-01', false, 30],
      ['blog/dev/BLOG_TOKEN', 'expires', '2026-07-15', false, 44],
      ['shop/staging/STAGED', 'expires', '2026-08-01', false, 61],
    ]);
    // A date-only expiry lasts to the end of its day (as `latch check` reads it).
    expect(answer.events[2]!.due).toBe('2026-06-21T00:00:00.000Z');
  });

  it('reaches as far as asked, and refuses a span that is not 1 to 366 days', async () => {
    const events = (await calendar({ days: '366' })).events;
    expect(events.map((event) => event.name)).toContain('FAR');
    // The rotation period comes round once within the span: the next due date after a set.
    expect(events.filter((event) => event.name === 'PERIODIC')).toHaveLength(1);
    expect(summary((await calendar({ days: '10' })).events).map(([where]) => where)).toEqual([
      'shop/dev/GONE',
      'shop/dev/SPILLED',
    ]);
    for (const days of ['0', '400', 'soon'])
      await expect(calendar({ days })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it("uses the manifest's rotate_every for its own project's secrets", async () => {
    const manifest = join(project, 'latch.yaml');
    const text = readFileSync(manifest, 'utf8');
    expect(text).toContain('  - name: PLAIN\n');
    writeFileSync(manifest, text.replace('  - name: PLAIN\n', '  - name: PLAIN\n    rotate_every: 7d\n'));
    const plain = (await calendar()).events.filter((event) => event.name === 'PLAIN');
    expect(summary(plain)).toEqual([['shop/dev/PLAIN', 'rotation', '2026-06-08', false, 7]]);
  });

  it('moves an event to overdue once its day has passed', async () => {
    clock.now = today + 20 * 24 * 60 * 60 * 1000;
    const soon = (await calendar()).events.find((event) => event.name === 'SOON');
    expect(soon).toMatchObject({ overdue: true, days: -1 });
  });
});
