/**
 * A secret's page of `latch ui` in a real headless Chromium: nothing of a value reaches the
 * page (DOM or any response) before the person types the passphrase and asks; the revealed
 * value hides itself after 30 s; rotate, roll back, metadata and mark leaked change what the
 * CLI then reads; copy puts the value on a real X clipboard (Xvfb + xclip). Also: every field
 * has a label, the keyboard alone reaches a secret, and dark and narrow windows render.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, passphrase, type Sandbox } from './harness.js';
import {
  artifactPath,
  hasChromium,
  launchChromium,
  lowContrast,
  type RunningUi,
  startUi,
  watchedPage,
} from './ui-harness.js';

const storedValue = 'sk_test_page_value_9c4e7a';
const hasX = spawnSync('sh', ['-c', 'command -v Xvfb && command -v xclip']).status === 0;

let sandbox: Sandbox;
let ui: RunningUi | undefined;
let browser: Browser;

beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  const set = latch(sandbox, ['set', 'API_KEY', '--description', 'the payments API'], { input: storedValue });
  expect(set.code, set.stderr).toBe(0);
});
afterEach(() => {
  ui?.stop();
  ui = undefined;
  sandbox.cleanup();
});

const cliValue = (environment = 'dev') => {
  const got = latch(sandbox, ['get', 'API_KEY', '--env', environment, '--reveal']);
  expect(got.code, got.stderr).toBe(0);
  return got.stdout;
};

describe.skipIf(!hasChromium)("a secret's page in a browser", () => {
  it('reveals only after the passphrase, hides again after 30 s, and acts on the secret', async () => {
    ui = await startUi(sandbox);
    const { page, bodies, problems } = await watchedPage(browser);
    await page.clock.install();
    await page.goto(ui.url);
    await page.locator('tr[data-secret="API_KEY"] a').first().click();
    await page.waitForSelector('body[data-view="secret"]');
    expect(await page.locator('h2').textContent()).toBe('API_KEY in myapp/dev');

    // Before the reveal: not in any response, not in the DOM.
    for (const text of [...(await bodies()), await page.content()]) expect(text).not.toContain(storedValue);

    // Every field is named for a screen reader.
    // (Evaluated in the page, as text: the tests are typed without the DOM's types.)
    const unlabelled = await page.evaluate(
      '[...document.querySelectorAll("input, select")].filter((field) => field.labels.length === 0).map((field) => field.outerHTML)',
    );
    expect(unlabelled).toEqual([]);

    await page.fill('#field-passphrase', 'not the passphrase');
    await page.click('#reveal button[type=submit]');
    await expect.poll(() => page.locator('#outcome').textContent()).toMatch(/wrong passphrase/);
    expect(await page.locator('#revealed').isHidden()).toBe(true);
    expect(await page.inputValue('#field-passphrase')).toBe('');

    await page.fill('#field-passphrase', passphrase);
    await page.click('#reveal button[type=submit]');
    await expect.poll(() => page.locator('#revealed').textContent()).toBe(storedValue);
    expect(await page.locator('#outcome').textContent()).toContain('hidden again in 30 s');
    await page.screenshot({ path: artifactPath('ui-secret-revealed.png'), fullPage: true });
    await page.clock.runFor(29_000);
    expect(await page.locator('#revealed').textContent()).toBe(storedValue);
    await page.clock.runFor(2_000);
    expect(await page.locator('#revealed').textContent()).toBe('');
    expect(await page.locator('#revealed').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(storedValue);

    // Rotate: a new value the page never sees.
    await page.fill('#field-length', '24');
    await page.click('#rotate button[type=submit]');
    await expect.poll(() => page.locator('#outcome').textContent()).toMatch(/^rotated API_KEY/);
    const rotated = cliValue();
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await page.locator('#history tbody tr').count()).toBe(2);

    // Roll back to the first value.
    await page.locator('#history tr[data-version="1"] button').click();
    await expect
      .poll(() => page.locator('#outcome').textContent())
      .toMatch(/^rolled back API_KEY to version 1/);
    expect(cliValue()).toBe(storedValue);

    // Metadata.
    await page.fill('#field-owner', 'payments-team');
    await page.fill('#field-rotateEvery', '90d');
    await page.click('#metadata button[type=submit]');
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('updated the metadata of API_KEY');
    const details = JSON.parse(latch(sandbox, ['get', 'API_KEY', '--json']).stdout) as Record<
      string,
      unknown
    >;
    expect(details).toMatchObject({ owner: 'payments-team', rotateEvery: '90d' });
    expect(await page.locator('#facts').textContent()).toContain('payments-team');

    // Mark leaked, after the browser's own confirmation dialog.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#mark-leaked');
    await expect.poll(() => page.locator('#outcome').textContent()).toMatch(/^marked API_KEY as leaked/);
    expect(await page.locator('#facts .state').allTextContents()).toContain('leaked: rotate');
    await page.screenshot({ path: artifactPath('ui-secret.png'), fullPage: true });
    expect(
      await lowContrast(page, 'h1, h2, h3, th, td, a, .state, .note, .outcome, label, button, legend'),
    ).toEqual([]);

    const audit = JSON.parse(latch(sandbox, ['audit', '--json']).stdout) as Array<{
      event: string;
      agent?: string;
    }>;
    const byUi = audit.filter((record) => record.agent === 'ui').map((record) => record.event);
    expect(byUi).toEqual(expect.arrayContaining(['reveal', 'rotate', 'rollback', 'set', 'leaked']));
    // The rotated value never reached the page, in any response or the DOM.
    for (const text of [...(await bodies()), await page.content()]) expect(text).not.toContain(rotated);
    expect(problems.filter((problem) => !/403|Forbidden/.test(problem))).toEqual([]);
  }, 90_000);

  it("asks for a protected environment's name before replacing its value", async () => {
    latch(sandbox, ['set', 'API_KEY', '--env', 'prod'], { input: 'prod-value-3h8' });
    // Reading a protected value needs a terminal; its versions say whether it was replaced.
    const versions = () =>
      (
        JSON.parse(latch(sandbox, ['history', 'API_KEY', '--env', 'prod', '--json']).stdout) as {
          versions: unknown[];
        }
      ).versions.length;
    ui = await startUi(sandbox);
    const { page } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.waitForSelector('body[data-view="secrets"]');
    await page.goto(`${new URL(ui.url).origin}/#/secret?project=myapp&environment=prod&name=API_KEY`);
    await page.waitForSelector('body[data-view="secret"]');
    await page.fill('#field-value', 'prod-replacement-4j9');
    await page.click('#set-value button[type=submit]');
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('not confirmed; nothing was done');
    expect(versions()).toBe(1);
    await page.fill('#field-confirm', 'prod');
    await page.fill('#field-value', 'prod-replacement-4j9');
    await page.click('#set-value button[type=submit]');
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('updated API_KEY');
    expect(versions()).toBe(2);
  }, 60_000);

  it('reaches a secret with the keyboard alone, and renders dark and narrow', async () => {
    ui = await startUi(sandbox);
    const { page, problems } = await watchedPage(browser, { colorScheme: 'dark', width: 420 });
    await page.goto(ui.url);
    await page.waitForSelector('body[data-view="secrets"]');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(20, 24, 28)');
    // Narrow: the wide columns are hidden, the name and state stay.
    expect(await page.locator('tr[data-secret="API_KEY"] td.wide').first().isHidden()).toBe(true);
    expect(await page.locator('tr[data-secret="API_KEY"] td').nth(1).isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('ui-overview-dark-narrow.png'), fullPage: true });
    expect(await lowContrast(page, 'h1, h2, h3, th, td, a, .state, .note, label, button')).toEqual([]);
    for (let presses = 0; presses < 12; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate('document.activeElement?.textContent ?? ""');
      if (focused === 'API_KEY') break;
    }
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('API_KEY');
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-view="secret"]');
    expect(problems).toEqual([]);
  }, 60_000);
});

describe.skipIf(!hasChromium || !hasX)('copy from the page onto a real X clipboard', () => {
  let xvfb: ChildProcess | undefined;
  let display = '';
  beforeAll(async () => {
    xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    display = await new Promise<string>((resolve, reject) => {
      let text = '';
      xvfb!.stdio[3]!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(`:${text.trim()}`);
      });
      xvfb!.on('exit', () => reject(new Error('Xvfb exited')));
    });
  });
  afterAll(() => {
    xvfb?.kill();
  });

  it('copies after the passphrase and never sends the value to the page', async () => {
    ui = await startUi(sandbox, [], { env: { DISPLAY: display } });
    const { page, bodies } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.locator('tr[data-secret="API_KEY"] a').first().click();
    await page.waitForSelector('body[data-view="secret"]');
    await page.fill('#field-passphrase', passphrase);
    await page.click('#copy');
    await expect
      .poll(() => page.locator('#outcome').textContent())
      .toMatch(/^copied API_KEY; the clipboard is cleared in 45 s/);
    const clipboard = spawnSync('xclip', ['-selection', 'clipboard', '-out'], {
      env: { ...process.env, DISPLAY: display },
      encoding: 'utf8',
      timeout: 5000,
    });
    expect(clipboard.stdout).toBe(storedValue);
    for (const text of [...(await bodies()), await page.content()]) expect(text).not.toContain(storedValue);
  }, 60_000);
});
