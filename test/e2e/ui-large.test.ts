/**
 * `latch ui` on a large vault in a real headless Chromium: 50 projects and 2,000 secrets
 * (bench/ui-fixture.mjs, shared with bench/ui.mjs). The first page shows every row with its
 * state, and the filters narrow them to the expected counts. The time to the first page is
 * measured and written to test-artifacts/ui-render.json, never asserted: on a shared 2-core
 * machine a threshold would fail on load, not on latch (bench/ui.mjs reports it properly).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildUiFixture, installRenderProbe, readRenderTiming } from '../../bench/ui-fixture.mjs';
import { makeSandbox, passphrase, type Sandbox, testKdf } from './harness.js';
import {
  artifactPath,
  hasChromium,
  launchChromium,
  type RunningUi,
  startUi,
  watchedPage,
} from './ui-harness.js';

const distDirectory = fileURLToPath(new URL('../../dist/', import.meta.url));

let sandbox: Sandbox;
let ui: RunningUi | undefined;
let browser: Browser | undefined;

beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  ui?.stop();
  ui = undefined;
  sandbox.cleanup();
});

describe.skipIf(!hasChromium)('latch ui with 2,000 secrets', () => {
  it('shows every secret with its state, filters them, and reports the time to the first page', async () => {
    const { project, secrets } = await buildUiFixture({
      distDirectory,
      home: sandbox.home,
      projectDirectory: sandbox.cwd,
      passphrase,
      kdf: testKdf,
    });
    expect(secrets).toHaveLength(2000);
    ui = await startUi(sandbox);
    browser = await launchChromium();
    const { page, problems } = await watchedPage(browser);
    await page.addInitScript(installRenderProbe);
    await page.goto(ui.url);
    const timing = await readRenderTiming(page);

    // Every secret is a row the moment the view is marked rendered, in every project.
    expect(timing.rows).toBe(2000);
    expect(await page.locator('section[data-project]').count()).toBe(50);
    expect(await page.locator(`section[data-project="${project}"] h2`).textContent()).toBe(
      `${project} (this directory)`,
    );
    expect(await page.locator('#filter-count').textContent()).toBe('2000 secrets');
    const count = (which: (secret: (typeof secrets)[number]) => boolean) => secrets.filter(which).length;
    expect(await page.locator('.state-leaked').count()).toBe(count((secret) => secret.leaked));
    expect(await page.locator('.state-expired').count()).toBe(count((secret) => secret.expired));
    expect(await page.locator('.state-rotation-due').count()).toBe(count((secret) => secret.rotationDue));
    const last = secrets.at(-1)!;
    const lastRow = page.locator(
      `section[data-project="${last.project}"] table[data-environment="${last.environment}"] tr[data-secret="${last.name}"]`,
    );
    expect(await lastRow.locator('td').nth(2).textContent()).toBe(last.description ?? '');
    await page.screenshot({ path: artifactPath('ui-overview-large.png') });

    const shown = () => page.locator('tr[data-secret]:not([hidden])').count();
    const filterBy = async (text: string) => {
      const started = Date.now();
      await page.locator('#filter-name').fill(text);
      const expected = count((secret) => secret.name.toLowerCase().includes(text.toLowerCase()));
      await expect.poll(shown).toBe(expected);
      expect(await page.locator('#filter-count').textContent()).toBe(
        text ? `${expected} of 2000 secrets match` : '2000 secrets',
      );
      return { text, expected, ms: Date.now() - started };
    };
    // In dev only, in each project: 50 of 2,000.
    const one = await filterBy('SENDGRID_API_KEY');
    expect(one.expected).toBe(50);
    // Two names, in every environment: 300.
    const some = await filterBy('stripe');
    expect(some.expected).toBe(300);
    await filterBy('');
    await page.locator('#filter-state').selectOption('leaked');
    await expect.poll(shown).toBe(count((secret) => secret.leaked));
    expect(problems).toEqual([]);

    writeFileSync(
      artifactPath('ui-render.json'),
      `${JSON.stringify(
        {
          what: 'latch ui first page, 50 projects and 2,000 secrets; ms from the navigation start (bench/ui-fixture.mjs)',
          painted: timing.painted,
          rendered: timing.view,
          steps: {
            pageAndScript: (timing.scriptEnd ?? 0) - timing.requestStart,
            session: (timing.sessionEnd ?? 0) - (timing.sessionStart ?? 0),
            toOverviewRequest: timing.apiRequestStart,
            serverOverview: (timing.apiFirstByte ?? 0) - (timing.apiRequestStart ?? 0),
            domBuild: timing.view - (timing.apiEnd ?? 0),
            styleLayoutPaint: timing.painted - timing.view,
          },
          overviewBytes: timing.apiBytes,
          rows: timing.rows,
          filter: [one, some],
          machine: { cpus: cpus().length, loadavg: loadavg() },
          at: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
  }, 60_000);
});
