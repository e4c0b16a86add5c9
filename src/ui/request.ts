/**
 * What every route of the `latch ui` API shares: the state it serves (the unlocked vault, this
 * directory's project), the shape of a route, and reading a field from a query or a JSON body
 * with one clear error when it is missing.
 */
import type { ProjectContext } from '../app/context.js';
import { LatchError } from '../shared/errors.js';
import type { Io } from '../shared/io.js';
import type { UnlockedVault } from '../vault/store.js';
import type { ApiAnswer, ApiRequest } from './server.js';

export interface UiState {
  /** Its `client` is `ui`: the audit log names the page as the agent of its changes. */
  io: Io;
  vault: UnlockedVault;
  /** This directory's project (latch.yaml), if there is one. */
  here: ProjectContext | null;
}

/** One route of the API. */
export type Route = (state: UiState, request: ApiRequest) => Promise<ApiAnswer>;

/** Routes by `METHOD /path`. */
export type Routes = Record<string, Route>;

/** The request's JSON body as an object (an empty one for anything else). */
export function bodyOf(request: ApiRequest): Record<string, unknown> {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** A non-empty string field of a query or a body; E_USAGE when it is missing. */
export function field(source: Record<string, unknown> | URLSearchParams, name: string): string {
  const value = source instanceof URLSearchParams ? source.get(name) : source[name];
  if (typeof value !== 'string' || value === '') throw new LatchError('E_USAGE', `${name} is missing`);
  return value;
}

/**
 * A whole number of days from the query's `days` (a calendar's or a chart's span): `fallback`
 * when absent; E_USAGE unless it is 1 to `max`.
 */
export function dayCount(query: URLSearchParams, fallback: number, max: number): number {
  const text = query.get('days');
  if (text === null || text === '') return fallback;
  const days = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1 && days <= max))
    throw new LatchError('E_USAGE', `days must be a whole number from 1 to ${max}`);
  return days;
}

/** The project, environment and secret name a request is about (query for GET, body for POST). */
export function secretAddress(request: ApiRequest): { project: string; environment: string; name: string } {
  const source = request.method === 'GET' ? request.query : bodyOf(request);
  return {
    project: field(source, 'project'),
    environment: field(source, 'environment'),
    name: field(source, 'name'),
  };
}
