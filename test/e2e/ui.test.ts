/**
 * `latch ui` in a real headless Chromium (Debian's, driven by playwright-core): the page opens
 * with the printed token, shows the projects and a missing required secret, and stores a value
 * that `latch get` then reads. Every response body and the final DOM are searched for the
 * values: none may appear. A screenshot is saved in test-artifacts/ (gitignored).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox, startLatch } from './harness.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let sandbox: Sandbox;
let server: ChildProcess | undefined;
let browser: Browser | undefined;

beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
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

describe.skipIf(!existsSync(chromiumPath))('latch ui in a browser', () => {
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

    const url = await startUi();
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    const bodies: Promise<string>[] = [];
    page.on('response', (response) => {
      bodies.push(
        response.body().then(
          (body) => body.toString('utf8'),
          () => '',
        ),
      );
    });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(url);

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
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}ui-overview.png`, fullPage: true });

    await staging.locator('a').click();
    await expect.poll(() => page.locator('h2').textContent()).toBe('API_KEY in myapp/staging');
    expect(await page.locator('#set-value input').getAttribute('type')).toBe('password');
    await page.locator('#set-value input').fill(newValue);
    await page.locator('#set-value button').click();
    await expect.poll(() => page.locator('#outcome').textContent()).toBe('created API_KEY');
    expect(await page.locator('.state').allTextContents()).toEqual(['set']);
    expect(await page.locator('#history tbody tr').count()).toBe(1);
    await page.screenshot({ path: `${artifacts}ui-secret.png`, fullPage: true });

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

    const seen = [...(await Promise.all(bodies)), await page.content()];
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
});
