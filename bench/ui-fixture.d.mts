/** Types of bench/ui-fixture.mjs, for test/e2e/ui-large.test.ts. */
import type { Page } from 'playwright-core';

/** One secret of the fixture, with the states the page should show. */
export interface UiFixtureSecret {
  project: string;
  environment: string;
  name: string;
  description: string | null;
  owner: string | null;
  expires: string | null;
  rotateEvery: string | null;
  updated: string;
  rotationDue: boolean;
  expired: boolean;
  leaked: boolean;
}

export const secretNames: string[];
export const projectCount: number;
export const environments: Array<{ name: string; protected: boolean; names: string[] }>;
export function projectName(index: number): string;

export function buildUiFixture(options: {
  distDirectory: string;
  home: string;
  projectDirectory: string;
  passphrase: string;
  kdf: string;
  now?: number;
}): Promise<{ project: string; secrets: UiFixtureSecret[] }>;

/** The page's render timeline, in milliseconds since the navigation began. */
export interface RenderTiming {
  requestStart: number;
  documentEnd: number;
  scriptEnd: number | null;
  sessionStart: number | null;
  sessionEnd: number | null;
  apiRequestStart: number | null;
  apiFirstByte: number | null;
  apiEnd: number | null;
  apiBytes: number | null;
  view: number;
  frame: number;
  painted: number;
  rows: number;
}

export function installRenderProbe(): void;
export function readRenderTiming(page: Page): Promise<RenderTiming>;
