/**
 * Rotation and expiry as a calendar: what falls due in the next days (expiry dates, ends of
 * rotation periods, secrets marked leaked) over every project and environment of the vault,
 * the overdue first. By name and date only: lifecycle/due.ts decides what is due, as it does
 * for `latch rotate --due`.
 */
import { storedSecretEntries, upcoming } from '../lifecycle/due.js';
import { dayCount, type Routes } from './request.js';

/** The span a calendar covers unless asked, and the longest it covers. */
const defaultDays = 90;
const maxDays = 366;

export const calendarRoutes: Routes = {
  'GET /api/calendar': async (state, request) => {
    const days = dayCount(request.query, defaultDays, maxDays);
    const contents = state.vault.reload();
    const now = state.io.now();
    return {
      status: 200,
      json: {
        now: now.toISOString(),
        days,
        events: upcoming(storedSecretEntries(contents, state.here), now.getTime(), days),
      },
    };
  },
};
