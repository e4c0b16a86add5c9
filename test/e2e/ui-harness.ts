/**
 * What the browser tests of `latch ui` share: starting `latch ui --no-open` and reading the
 * address it prints, Debian's Chromium driven by playwright-core, recording every response
 * body the page receives, and the folder for screenshots (test-artifacts/, gitignored).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Sandbox, startLatch } from './harness.js';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

/** Where screenshots go; created on first use. */
export function artifactPath(name: string): string {
  const folder = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
  mkdirSync(folder, { recursive: true });
  return `${folder}${name}`;
}

export interface RunningUi {
  child: ChildProcess;
  /** The printed address, with its one-time token. */
  url: string;
  stop(): void;
}

/** Starts `latch ui --no-open ARGS` and resolves once it prints its address. */
export function startUi(
  sandbox: Sandbox,
  args: string[] = [],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningUi> {
  const child = startLatch(sandbox, ['ui', '--no-open', ...args], options);
  const stop = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGTERM');
  };
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const found = /latch ui: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (found) resolve({ child, url: found[1]!, stop });
    });
    let errors = '';
    child.stderr!.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('exit', (code) => reject(new Error(`latch ui exited with ${code}: ${errors}`)));
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

export interface WatchedPage {
  page: Page;
  /** Every response body the page has received so far, as text. */
  bodies(): Promise<string[]>;
  /** Console errors and warnings (a CSP violation is an error), and uncaught exceptions. */
  problems: string[];
}

/** A new page that records every response body and console error. */
export async function watchedPage(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark'; width?: number } = {},
): Promise<WatchedPage> {
  const page = await browser.newPage({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1200, height: 900 },
  });
  const pending: Promise<string>[] = [];
  page.on('response', (response) => {
    pending.push(
      response.body().then(
        (body) => body.toString('utf8'),
        () => '',
      ),
    );
  });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { page, bodies: () => Promise.all(pending), problems };
}

/**
 * The elements matching `selector` whose text contrasts less than 4.5:1 (WCAG AA for body
 * text) with the background behind them, computed in the page from the rendered colours.
 */
export async function lowContrast(page: Page, selector: string): Promise<string[]> {
  // Evaluated in the page as text: the tests are typed without the DOM's types.
  return page.evaluate(`(() => {
    const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const linear = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    const background = (node) => {
      for (let at = node; at; at = at.parentElement) {
        const colour = rgb(getComputedStyle(at).backgroundColor);
        if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const found = [];
    for (const node of document.querySelectorAll(${JSON.stringify(selector)})) {
      if (!node.textContent.trim() || node.offsetParent === null) continue;
      const [a, b] = [luminance(rgb(getComputedStyle(node).color)), luminance(background(node))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) found.push(node.textContent.trim() + ': ' + ratio.toFixed(2));
    }
    return found;
  })()`);
}
