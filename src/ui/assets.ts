/**
 * The page's files (built by scripts/bundle-cli.mjs from src/ui/page/ into dist/ui/), read
 * once when the server starts; every asset is served by latch itself, nothing from a CDN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LatchError } from '../shared/errors.js';

/** The page's files by URL path, with their content types. */
export type UiAssets = Map<string, { type: string; body: Buffer }>;

const files: Array<[string, string, string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/style.css', 'style.css', 'text/css; charset=utf-8'],
  // uPlot's own stylesheet (node_modules/uplot/dist/uPlot.min.css), for the timeline's charts.
  ['/uplot.css', 'uplot.css', 'text/css; charset=utf-8'],
  ['/favicon.svg', 'favicon.svg', 'image/svg+xml'],
];

/** Reads the page's files from the first of `directories` that holds them all. */
export function readUiAssets(directories: readonly string[]): UiAssets {
  const directory = directories.find((candidate) =>
    files.every(([, name]) => existsSync(join(candidate, name))),
  );
  if (!directory)
    throw new LatchError(
      'E_NOT_FOUND',
      'the page of `latch ui` is missing from this build; run `npm run build`',
    );
  return new Map(
    files.map(([path, name, type]) => [path, { type, body: readFileSync(join(directory, name)) }]),
  );
}
