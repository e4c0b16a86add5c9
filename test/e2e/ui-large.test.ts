/**
 * `latch ui` on a large vault in a real headless Chromium: 50 projects and 2,000 secrets
 * (bench/ui-fixture.mjs, shared with bench/ui.mjs). The first page shows every row with its
 * state, and the filters narrow them to the expected counts. The time to the first page is
 * measured and written to test-artifacts/ui-render.json, never asserted: on a shared 2-core
 * machine a threshold would fail on load, not on latch (bench/ui.mjs reports it properly).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildUiFixture, installRenderProbe, readRenderTiming } from '../../bench/ui-fixture.mjs';
import { makeSandbox, passphrase, type Sandbox, startLatch, testKdf } from './harness.js';

const chromiumPath = '/usr/bin/chromium';
const distDirectory = fileURLToPath(new URL('../../dist/', import.meta.url));
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let sandbox: Sandbox;
let server: ChildProcess | undefined;
let browser: Browser | undefined;

beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  server = undefined;
  sandbox.cleanup();
});

/** Starts `latch ui --no-open` and resolves with the address it prints. */
function startUi(): Promise<string> {
  const child = startLatch(sandbox, ['ui', '--no-open']);
  server = child;
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const found = /latch ui: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (found) resolve(found[1]!);
    });
    let errors = '';
    child.stderr!.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('exit', (code) => reject(new Error(`latch ui exited with ${code}: ${errors}`)));
  });
}

describe.skipIf(!existsSync(chromiumPath))('latch ui with 2,000 secrets', () => {
  it('shows every secret with its state, filters them, and reports the time to the first page', async () => {
    const { project, secrets } = await buildUiFixture({
      distDirectory,
      home: sandbox.home,
      projectDirectory: sandbox.cwd,
      passphrase,
      kdf: testKdf,
    });
    expect(secrets).toHaveLength(2000);
    const url = await startUi();
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.addInitScript(installRenderProbe);
    await page.goto(url);
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
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}ui-overview-large.png` });

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
      `${artifacts}ui-render.json`,
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
