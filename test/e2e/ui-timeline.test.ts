/**
 * The timeline and calendar views of `latch ui` in a real headless Chromium (Debian's, driven
 * by playwright-core). An audit log made by real commands (deliveries by several agents,
 * recognised from their environment markers, in two environments) is drawn by uPlot: a
 * canvas, a legend naming the agents, the chain's status; the chart follows a narrow window;
 * an edited log shows as broken. The calendar lists an expiring secret and an overdue one, and
 * links to the secret. No console error (a CSP violation is one) and no value in any response.
 * Screenshots go to test-artifacts/ (gitignored).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import {
  artifactPath,
  hasChromium,
  launchChromium,
  type RunningUi,
  startUi,
  watchedPage,
} from './ui-harness.js';

const values = ['sk_dev_timeline_value_8c1', 'sk_staging_timeline_value_2b7', 'soon-value-4h4'];

let sandbox: Sandbox;
let ui: RunningUi | undefined;
let browser: Browser | undefined;

beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  ui?.stop();
  ui = undefined;
  sandbox.cleanup();
});

function ok(args: string[], options: { input?: string; env?: Record<string, string> } = {}): string {
  const result = latch(sandbox, args, options);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Opens the page with its token; returns it with the response bodies and console problems seen. */
async function openPage(): Promise<{ page: Page; bodies: () => Promise<string[]>; problems: string[] }> {
  ui = await startUi(sandbox);
  browser = await launchChromium();
  const { page, bodies, problems } = await watchedPage(browser, { width: 1100 });
  await page.goto(ui.url);
  await expect.poll(() => page.locator('body').getAttribute('data-view')).toBe('secrets');
  return { page, bodies, problems };
}

async function show(page: Page, view: string): Promise<void> {
  // The page's own code, run in the browser: the test is typed without the DOM.
  await page.evaluate(`delete document.body.dataset.view; location.hash = ${JSON.stringify(`#/${view}`)}`);
  await expect.poll(() => page.locator('body').getAttribute('data-view')).toBe(view);
}

const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)('latch ui: the timeline and the calendar in a browser', () => {
  it('draws deliveries by agent and environment, says the chain verifies, and lists what falls due', async () => {
    ok(['set', 'API_KEY'], { input: values[0]! });
    ok(['set', 'API_KEY', '--env', 'staging'], { input: values[1]! });
    // Deliveries by three agents, recognised as latch recognises them, and by the person.
    ok(['run', '--', 'true'], { env: { CLAUDECODE: '1' } });
    ok(['run', '--', 'true'], { env: { CLAUDECODE: '1' } });
    ok(['run', '--env', 'staging', '--', 'true'], { env: { CURSOR_AGENT: '1' } });
    ok(['run', '--env', 'staging', '--', 'true'], { env: { LATCH_AGENT: 'codex' } });
    ok(['get', 'API_KEY', '--reveal']);
    const deliveries = 5;
    // Declared after the runs: required in every environment, they would stop a run in staging.
    ok(['set', 'SOON', '--expires', isoDay(20)], { input: values[2]! });
    ok(['set', 'OLD_TOKEN', '--expires', '2020-01-01'], { input: 'old-value-6j6' });

    const { page, bodies, problems } = await openPage();
    await show(page, 'timeline');
    expect(await page.locator('nav#views a[aria-current="page"]').textContent()).toBe('Timeline');
    expect(await page.locator('#verify strong').textContent()).toBe('audit log: ok');
    expect(await page.locator('#verify').textContent()).toMatch(
      /verified: all \d+ records are on an unbroken chain/,
    );
    expect(await page.locator('#timeline-total').textContent()).toMatch(
      new RegExp(`^${deliveries} deliveries in the last 30 days`),
    );

    const agents = page.locator('#by-agent');
    await expect.poll(() => agents.locator('.uplot canvas').count()).toBe(1);
    const legend = await agents.locator('.u-legend .u-series .u-label').allTextContents();
    // The first entry is the x series (day).
    expect(legend.slice(1)).toEqual(expect.arrayContaining(['claude-code', 'cursor', 'codex']));
    expect(legend[1]).toBe('claude-code');
    expect(await agents.getAttribute('aria-label')).toMatch(/^Deliveries per day by agent .*claude-code 2/);
    expect(await agents.locator('canvas').getAttribute('role')).toBe('img');
    // The table under the chart holds the same numbers: today's row, the last one.
    const headings = await agents.locator('details thead th').allTextContents();
    const today = await agents.locator('details tbody tr').last().locator('th, td').allTextContents();
    const counted = Object.fromEntries(headings.map((heading, index) => [heading, today[index]]));
    expect(counted).toMatchObject({ day: isoDay(0), 'claude-code': '2', cursor: '1', codex: '1', all: '5' });

    // Pointing at today's bar: the legend gives each agent's own count, not the stack's height.
    const over = (await agents.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width * (1 - 0.5 / 30), over.y + over.height - 5);
    const value = (name: string) =>
      agents.locator('.u-legend .u-series', { hasText: name }).locator('.u-value').textContent();
    await expect.poll(() => value('claude-code')).toBe('2');
    expect(await value('cursor')).toBe('1');

    const environments = page.locator('#by-environment');
    await expect.poll(() => environments.locator('.uplot canvas').count()).toBe(1);
    expect(await environments.locator('.u-legend .u-series .u-label').allTextContents()).toEqual([
      'day',
      'myapp/dev',
      'myapp/staging',
    ]);
    expect(await page.locator('#deliveries tbody tr').count()).toBe(deliveries);
    expect(await page.locator('#deliveries tbody tr').first().locator('td').nth(1).textContent()).toBe(
      'reveal',
    );
    await page.screenshot({ path: artifactPath('ui-timeline.png'), fullPage: true });
    // Dark: the charts are drawn again in the dark theme's colours.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => agents.locator('.uplot canvas').count()).toBe(1);
    await page.screenshot({ path: artifactPath('ui-timeline-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // A narrow window: the chart follows its container.
    await page.setViewportSize({ width: 400, height: 900 });
    await expect
      .poll(async () => (await agents.locator('canvas').boundingBox())?.width ?? 1000)
      .toBeLessThanOrEqual(400);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.screenshot({ path: artifactPath('ui-timeline-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });

    await show(page, 'calendar');
    const soon = page.locator('section[data-week] tr[data-secret="SOON"][data-kind="expires"]');
    expect(await soon.locator('td').first().textContent()).toContain(isoDay(20));
    expect(await soon.locator('.state').textContent()).toBe('expires');
    expect(await soon.locator('td').last().textContent()).toBe('in 20 days');
    const overdue = page.locator('#overdue tr[data-secret="OLD_TOKEN"]');
    expect(await overdue.locator('.state').textContent()).toBe('expired');
    expect(await page.locator('#calendar-count').textContent()).toBe(
      '1 overdue, 1 falling due in the next 90 days (days in UTC)',
    );
    await page.screenshot({ path: artifactPath('ui-calendar.png'), fullPage: true });
    await soon.locator('a').click();
    await expect.poll(() => page.locator('h2').textContent()).toBe('SOON in myapp/dev');

    // An edited line of the log: the timeline says the chain is broken, and where.
    const log = join(sandbox.home, 'audit.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    const edited = lines.findIndex((line) => line.includes('"agent":"codex"'));
    lines[edited] = lines[edited]!.replace('"agent":"codex"', '"agent":"nobody"');
    writeFileSync(log, lines.join('\n'));
    await show(page, 'timeline');
    expect(await page.locator('#verify strong').textContent()).toBe('audit log: broken');
    expect(await page.locator('#verify').textContent()).toContain(
      `broken at line ${edited + 1} (record ${edited + 1}): the MAC does not match`,
    );
    expect(await page.locator('#verify').getAttribute('role')).toBe('alert');
    // Drawn again for the view shown again: one chart each, none left over from before.
    await expect.poll(() => page.locator('.uplot canvas').count()).toBe(2);

    const seen = [...(await bodies()), await page.content()];
    for (const text of seen)
      for (const value of [...values, 'old-value-6j6']) expect(text).not.toContain(value);
    expect(problems).toEqual([]);
  }, 90_000);
});
