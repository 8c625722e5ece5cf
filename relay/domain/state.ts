/**
 * The alert state machine. Atlas may deliver webhooks twice or out of order; the relay keeps the
 * latest state (by the alert's `updated`, ties broken by event order) and derives from it what
 * PagerDuty should show. Delivery is level-triggered: it sends only the transition PagerDuty
 * still lacks, so a close that arrives before its open never resolves before a trigger.
 */

export type AtlasEvent = "alert.open" | "alert.update" | "alert.acknowledge" | "alert.close" | "alert.cancel" | "alert.inform";
export const ATLAS_EVENTS: readonly AtlasEvent[] = ["alert.open", "alert.update", "alert.acknowledge", "alert.close", "alert.cancel", "alert.inform"];

export type AlertStatus = "TRACKING" | "OPEN" | "CLOSED" | "CANCELLED";

/** What PagerDuty has been told (or told the relay) about the alert. */
export type PdState = "none" | "triggered" | "acknowledged" | "resolved";

/** PagerDuty's side only moves forward: a state is never replaced by a lower one. */
export const PD_ORDER: Readonly<Record<PdState, number>> = { none: 0, triggered: 1, acknowledged: 2, resolved: 3 };

export type PdAction = "trigger" | "acknowledge" | "resolve";

/** Order of events carrying the same `updated`: open < update < acknowledge < close/cancel. */
export const EVENT_RANK: Record<AtlasEvent | "reconcile", number> = {
  "alert.inform": 1,
  "alert.open": 1,
  "alert.update": 2,
  "alert.acknowledge": 3,
  reconcile: 3,
  "alert.close": 4,
  "alert.cancel": 4,
};

export function isTerminal(s: AlertStatus): boolean {
  return s === "CLOSED" || s === "CANCELLED";
}

export interface Observed {
  status: AlertStatus;
  updatedMs: number;
  rank: number;
}

/**
 * True when `incoming` is a newer view of the alert than `stored`. A closed or cancelled alert
 * stays so (Atlas never reopens an alert id); otherwise later `updated` wins, ties go to the
 * later event in the lifecycle.
 */
export function isNewer(stored: Observed, incoming: Observed): boolean {
  if (isTerminal(stored.status)) return false;
  if (isTerminal(incoming.status)) return true;
  if (incoming.updatedMs !== stored.updatedMs) return incoming.updatedMs > stored.updatedMs;
  return incoming.rank > stored.rank;
}

export interface Level {
  status: AlertStatus;
  acknowledged: boolean;
  /** alert.inform: a point-in-time event, sent as a trigger and its resolve. */
  inform: boolean;
}

/**
 * PagerDuty may hold an open incident for the alert: it accepted a trigger, or a send started
 * (`attempted`, committed before the request) and its outcome was never recorded: the relay died
 * between PagerDuty's 202 and its own commit, or the request timed out. With `pd` still `none`,
 * any attempted action means a trigger may have landed (a resolve is only attempted after one).
 */
export function mayHaveIncident(pd: PdState, attempted: PdAction | null): boolean {
  return pd === "triggered" || pd === "acknowledged" || (pd === "none" && attempted !== null);
}

/**
 * The next event PagerDuty needs to match `level`, or undefined when it is up to date. A closed
 * alert whose trigger is in doubt gets a resolve: PagerDuty drops a resolve for a dedup key it
 * never saw, while a lost one would leave the incident open for ever.
 */
export function nextAction(level: Level, pd: PdState, attempted: PdAction | null = null, ackTimedOut = false): PdAction | undefined {
  if (level.inform) return pd === "none" ? "trigger" : pd === "triggered" || pd === "acknowledged" ? "resolve" : undefined;
  if (isTerminal(level.status)) return mayHaveIncident(pd, attempted) ? "resolve" : undefined;
  if (level.status !== "OPEN") return undefined; // TRACKING: not open yet, nobody is notified
  if (pd === "none") return "trigger";
  // PagerDuty's acknowledgement timed out (incident.unacknowledged): acknowledging again would defeat
  // the service's timeout, so not until PagerDuty acknowledges again (`ackTimedOut`).
  if (level.acknowledged && pd === "triggered" && !ackTimedOut) return "acknowledge";
  // Acknowledged stays acknowledged (the Events API cannot unacknowledge); resolved is never re-triggered.
  return undefined;
}

/** PagerDuty's state after `action` succeeded. */
export function afterAction(action: PdAction): PdState {
  return action === "trigger" ? "triggered" : action === "acknowledge" ? "acknowledged" : "resolved";
}

/**
 * The alert's state comes from the signed body's `status`; the unsigned `X-MMS-Event` header only
 * marks an inform. A header that says otherwise than the body (a close whose body is open, an open
 * whose body is closed) is not what Atlas sends, and someone may have swapped it: refused.
 */
export function eventContradicts(event: AtlasEvent, status: AlertStatus): boolean {
  if (event === "alert.close") return status !== "CLOSED";
  if (event === "alert.cancel") return status !== "CANCELLED";
  if (event === "alert.open" || event === "alert.acknowledge") return isTerminal(status);
  return false; // alert.update and alert.inform carry whatever state the alert is in
}

/** One stable dedup key per project alert: the project id keeps two projects from colliding. */
export function dedupKeyFor(projectId: string, alertId: string): string {
  return `mongodb-atlas/${projectId}/${alertId}`;
}
