/**
 * The shapes of the API's answers, as the page reads them (src/ui/*-api.ts sends them). The
 * page is built apart from the server code and cannot import it (it would pull in Node's
 * types), so these are written out here; where a server module builds an answer of its own
 * (the timeline), it imports its shape from here, so both sides are checked against one.
 */

export interface SecretStatus {
  name: string;
  required: boolean;
  set: boolean;
  expires: string | null;
  expired: boolean;
  rotationDue: boolean;
  rotationNeeded: boolean;
  description: string | null;
  owner: string | null;
  rotateEvery: string | null;
  updated: string | null;
}
export interface EnvironmentOverview {
  name: string;
  protected: boolean;
  secrets: SecretStatus[];
}
export interface ProjectOverview {
  name: string;
  here: boolean;
  environments: EnvironmentOverview[];
}
export interface HistoryEntry {
  version: number;
  current: boolean;
  set: string;
  replaced: string | null;
  setBy: string | null;
  rolledBackFrom: number | null;
  leaked: string | null;
}
export interface Delivery {
  time: string;
  event: string;
  environment: string | null;
  secrets: string[];
  program: string | null;
  user: string | null;
  agent: string | null;
}

/* GET /api/timeline (src/ui/audit-api.ts, which is typed by these). */

/** One series of a chart: deliveries per day (one count per day of `days`). */
export interface DaySeries {
  name: string;
  counts: number[];
  total: number;
}

/** One delivery, as the table lists it. */
export interface DeliveryRow {
  time: string;
  event: string;
  program: string | null;
  project: string | null;
  environment: string | null;
  secrets: string[];
  agent: string;
  pid: number | null;
}

/** The chain's verdict for a person: ok or broken, and one sentence saying so. */
export interface VerifyStatus {
  ok: boolean;
  /** Records on the chain (when ok). */
  records: number | null;
  /** Where it breaks (when broken): the line of the log file and the record's number. */
  line: number | null;
  seq: number | null;
  reason: string | null;
  summary: string;
}

/** What GET /api/timeline answers. */
export interface Timeline {
  /** The days shown, oldest first (YYYY-MM-DD, UTC); the last is today. */
  days: string[];
  byAgent: DaySeries[];
  byEnvironment: DaySeries[];
  /** Deliveries within the days shown. */
  total: number;
  /** The latest deliveries in the whole log, newest first. */
  recent: DeliveryRow[];
  verify: VerifyStatus;
}

/** GET /api/calendar (src/ui/calendar-api.ts, lifecycle/due.ts). */
export interface UpcomingEvent {
  project: string;
  environment: string;
  name: string;
  kind: 'leaked' | 'expires' | 'rotation';
  due: string;
  day: string;
  overdue: boolean;
  days: number;
}
