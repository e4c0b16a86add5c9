/**
 * The JSON API the page calls, one table of routes gathered from the modules that own them.
 * No response ever holds a value (nor its length or a hash), but the reveal route's, which a
 * person asks for with the passphrase.
 */
import { LatchError } from '../shared/errors.js';
import { actionRoutes } from './actions-api.js';
import { auditRoutes } from './audit-api.js';
import { calendarRoutes } from './calendar-api.js';
import { doctorRoutes } from './doctor-api.js';
import type { Routes, UiState } from './request.js';
import { secretRoutes } from './secrets-api.js';
import type { ApiHandler } from './server.js';
import { teamRoutes } from './team-api.js';

export type { UiState } from './request.js';

/** Every route by `METHOD /path` (the security tests walk them all). */
export const routes: Routes = {
  ...secretRoutes,
  ...actionRoutes,
  ...teamRoutes,
  ...doctorRoutes,
  ...auditRoutes,
  ...calendarRoutes,
};

/** The API over `state`, for src/ui/server.ts. */
export function uiApi(state: UiState): ApiHandler {
  return async (request) => {
    const route = routes[`${request.method} ${request.path}`];
    if (!route) throw new LatchError('E_NOT_FOUND', 'no such page');
    return route(state, request);
  };
}
