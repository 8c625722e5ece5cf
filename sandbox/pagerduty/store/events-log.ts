import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { longId } from "../ids";

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

export function recordEvent(db: Db, e: Omit<EventLogRow, "id" | "seq">): void {
  const seq = db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM pd_events").get() as { n: number };
  db.prepare(
    `INSERT INTO pd_events (id, seq, region, kind, received_at, event_action, dedup_key, key_last4, integration_id, outcome, summary)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(longId(), Number(seq.n), e.region, e.kind, e.received_at, e.event_action, e.dedup_key, e.key_last4, e.integration_id, e.outcome, e.summary);
}

export function recentEvents(db: Db, region: Region, limit = 50): EventLogRow[] {
  return db.prepare("SELECT * FROM pd_events WHERE region = ? ORDER BY seq DESC LIMIT ?").all(region, limit) as unknown as EventLogRow[];
}
