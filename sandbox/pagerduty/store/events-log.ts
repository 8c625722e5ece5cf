import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { longId } from "../ids";
import { isoSeconds } from "../time";

/** What became of an accepted event; the 202 is the same whatever happens here (the API is asynchronous). */
export type EventOutcome =
  | "alert_created"
  | "deduplicated"
  | "acknowledged"
  | "resolved"
  | "change_recorded"
  | "dropped_unknown_routing_key"
  | "dropped_no_open_alert";

export interface EventLogRow {
  id: string;
  seq: number;
  region: Region;
  kind: "alert" | "change";
  received_at: string;
  event_action: string | null;
  dedup_key: string | null;
  /** Only the last four characters: the routing key is a credential. */
  key_last4: string;
  integration_id: string | null;
  outcome: EventOutcome;
  summary: string | null;
}

/** How much of the events log is kept: by age and by count, whichever removes more. */
export interface EventsRetention {
  maxAgeDays: number;
  maxEvents: number;
}

export const DEFAULT_EVENTS_RETENTION: EventsRetention = { maxAgeDays: 7, maxEvents: 200_000 };

/**
 * Appends one event and prunes what retention no longer keeps, in the
 * caller's transaction. Both deletes are index range scans (pd_events_seq,
 * pd_events_received): nearly free when there is nothing to prune.
 */
export function recordEvent(db: Db, e: Omit<EventLogRow, "id" | "seq">, retention: EventsRetention = DEFAULT_EVENTS_RETENTION): void {
  const seq = Number((db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM pd_events").get() as { n: number }).n);
  db.prepare(
    `INSERT INTO pd_events (id, seq, region, kind, received_at, event_action, dedup_key, key_last4, integration_id, outcome, summary)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(longId(), seq, e.region, e.kind, e.received_at, e.event_action, e.dedup_key, e.key_last4, e.integration_id, e.outcome, e.summary);
  pruneEvents(db, new Date(e.received_at), retention, seq);
}

/** Deletes events older than `maxAgeDays` before `now` and all but the newest `maxEvents`; returns how many. */
export function pruneEvents(db: Db, now: Date, retention: EventsRetention, lastSeq?: number): number {
  const last = lastSeq ?? Number((db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM pd_events").get() as { n: number }).n);
  const cutoff = isoSeconds(new Date(now.getTime() - retention.maxAgeDays * 86_400_000));
  const byCount = db.prepare("DELETE FROM pd_events WHERE seq <= ?").run(last - retention.maxEvents).changes;
  const byAge = db.prepare("DELETE FROM pd_events WHERE received_at < ?").run(cutoff).changes;
  return Number(byCount) + Number(byAge);
}

export function recentEvents(db: Db, region: Region, limit = 50): EventLogRow[] {
  return db.prepare("SELECT * FROM pd_events WHERE region = ? ORDER BY seq DESC LIMIT ?").all(region, limit) as unknown as EventLogRow[];
}
