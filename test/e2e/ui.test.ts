/**
 * `latch ui` in a real headless Chromium (Debian's, driven by playwright-core): the page opens
 * with the printed token, shows the projects and a missing required secret, and stores a value
 * that `latch get` then reads. Every response body and the final DOM are searched for the
 * values: none may appear. A screenshot is saved in test-artifacts/ (gitignored).
 */
import type { Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';
import {
  artifactPath,
  hasChromium,
  launchChromium,
  lowContrast,
  type RunningUi,
  startUi,
  watchedPage,
} from './ui-harness.js';

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

describe.skipIf(!hasChromium)('latch ui in a browser', () => {
  it('shows the projects and a missing required secret, stores a value, and never shows one', async () => {
    const storedValue = 'sk_test_stored_value_4f9a1c';
    const newValue = 'postgres://app:typed-in-the-page-7d2e@db/app'; // latch:allow (a test value)
    const set = latch(sandbox, ['set', 'API_KEY', '--description', 'used by the summarizer'], {
      input: storedValue,
    });
    expect(set.code, set.stderr).toBe(0);

    for (const [args, input] of [
      [['set', 'OLD_TOKEN', '--expires', '2020-01-01'], 'old-token-value-5k2'],
      [['set', 'WEBHOOK_SECRET'], 'webhook-value-6m3'],
      [['leaked', 'WEBHOOK_SECRET'], ''],
    ] as const) {
      const result = latch(sandbox, [...args], { input });
      expect(result.code, result.stderr).toBe(0);
    }

    ui = await startUi(sandbox);
    browser = await launchChromium();
    const { page, bodies, problems } = await watchedPage(browser);
    await page.goto(ui.url);

    const project = page.locator('section[data-project="myapp"]');
    await expect.poll(() => project.locator('h2').textContent()).toBe('myapp (this directory)');
    // The token left the address bar as soon as it was used.
    expect(page.url()).not.toContain('token');
    const dev = project.locator('table[data-environment="dev"] tr[data-secret="API_KEY"]');
    expect(await dev.locator('.state').allTextContents()).toEqual(['set']);
    expect(await dev.locator('td').nth(2).textContent()).toBe('used by the summarizer');
    const staging = project.locator('table[data-environment="staging"] tr[data-secret="API_KEY"]');
    expect(await staging.locator('.state').allTextContents()).toEqual(['missing, required']);
    const state = (name: string) =>
      project.locator(`table[data-environment="dev"] tr[data-secret="${name}"] .state`).allTextContents();
    expect(await state('OLD_TOKEN')).toEqual(['expired']);
    expect(await state('WEBHOOK_SECRET')).toEqual(['leaked: rotate']);
    await page.screenshot({ path: artifactPath('ui-overview.png'), fullPage: true });

    await staging.locator('a').click();
    await expect.poll(() => page.locator('h2').textContent()).toBe('API_KEY in myapp/staging');
    expect(await page.locator('#set-value input').getAttribute('type')).toBe('password');
    await page.locator('#set-value input').fill(newValue);
    await page.locator('#set-value button').click();
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('created API_KEY');
    expect(await page.locator('.state').allTextContents()).toEqual(['set']);
    expect(await page.locator('#history tbody tr').count()).toBe(1);
    await page.screenshot({ path: artifactPath('ui-secret-stored.png'), fullPage: true });

    const got = latch(sandbox, ['get', 'API_KEY', '--env', 'staging', '--reveal']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(newValue);
    const audit = JSON.parse(latch(sandbox, ['audit', '--json']).stdout) as Array<{
      event: string;
      environment?: string;
      agent?: string | null;
    }>;
    const record = audit.find((entry) => entry.event === 'set' && entry.environment === 'staging');
    expect(record?.agent).toBe('ui');

    const seen = [...(await bodies()), await page.content()];
    expect(seen.length).toBeGreaterThan(5);
    for (const text of seen) {
      expect(text).not.toContain(storedValue);
      expect(text).not.toContain(newValue);
      expect(text).not.toContain('typed-in-the-page');
      expect(text).not.toContain('old-token-value');
      expect(text).not.toContain('webhook-value');
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('renders every view in light and dark with readable contrast and no console error', async () => {
    for (const [args, input] of [
      [['set', 'API_KEY', '--expires', '30d'], 'views-value-1'],
      [['run', '--', 'node', '-e', '0'], ''],
    ] as const) {
      const result = latch(sandbox, [...args], { input });
      expect(result.code, result.stderr).toBe(0);
    }
    browser = await launchChromium();
    for (const colorScheme of ['light', 'dark'] as const) {
      ui = await startUi(sandbox);
      const { page, problems } = await watchedPage(browser, { colorScheme });
      await page.goto(ui.url);
      await page.waitForSelector('body[data-view="secrets"]');
      const views = await page
        .locator('nav#views a')
        .evaluateAll((links) =>
          links.map((link) => (link as unknown as { dataset: { view: string } }).dataset.view),
        );
      expect(views).toEqual(['secrets', 'timeline', 'calendar', 'team', 'doctor']);
      for (const view of views) {
        await page.click(`nav#views a[data-view="${view}"]`);
        await page.waitForSelector(`body[data-view="${view}"]`, { timeout: 20_000 });
        expect(await page.locator('nav#views a[aria-current="page"]').textContent()).not.toBe('');
        expect(
          await lowContrast(page, 'h1, h2, h3, th, td, a, li, p, .state, label, button, summary'),
        ).toEqual([]);
        await page.screenshot({ path: artifactPath(`ui-${view}-${colorScheme}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      await page.close();
      ui.stop();
    }
  }, 90_000);
});
