/**
 * The shapes of the API's answers, as the page reads them (src/ui/*-api.ts sends them). The
 * page is built apart from the server code, so these are written out here.
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

/** GET /api/timeline (src/ui/audit-api.ts). */
export interface DaySeries {
  name: string;
  counts: number[];
  total: number;
}
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
export interface VerifyStatus {
  ok: boolean;
  records: number | null;
  line: number | null;
  seq: number | null;
  reason: string | null;
  summary: string;
}
export interface Timeline {
  days: string[];
  byAgent: DaySeries[];
  byEnvironment: DaySeries[];
  total: number;
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
