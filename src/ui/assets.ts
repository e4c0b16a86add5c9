/**
 * The page's files (built by scripts/bundle-cli.mjs from src/ui/page/ into dist/ui/), read
 * once when the server starts; every asset is served by latch itself, nothing from a CDN.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The chunks esbuild splits the page's code into (scripts/bundle-cli.mjs), loaded on demand. */
const chunkName = /^page-chunk-[A-Z0-9]+\.js$/;

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
  const chunks = readdirSync(directory).filter((name) => chunkName.test(name));
  return new Map([
    ...files.map(([path, name, type]): [string, { type: string; body: Buffer }] => [
      path,
      { type, body: readFileSync(join(directory, name)) },
    ]),
    ...chunks.map((name): [string, { type: string; body: Buffer }] => [
      `/${name}`,
      { type: 'text/javascript; charset=utf-8', body: readFileSync(join(directory, name)) },
    ]),
  ]);
}
