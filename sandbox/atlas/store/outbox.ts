import type { Db } from "../../../lib/sqlite";

export type OutboxStatus = "pending" | "sent" | "failed";

/** One outbound notification (a PagerDuty event or a webhook POST) and its delivery state. */
export interface OutboxEntry {
  id: string;
  groupId: string;
  alertId: string;
  /** The notifierId it belongs to; deliveries per (alert, channel) stay in order. */
  channel: string;
  kind: "pagerduty" | "webhook";
  /** alert.open, alert.update, ... (PagerDuty rows too, for readability). */
  event: string;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent (and signed); retries resend them unchanged. */
  body: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  sentAt?: number;
  createdAt: number;
}

interface Row {
  id: string;
  group_id: string;
  alert_id: string;
  channel: string;
  kind: string;
  event: string;
  url: string;
  headers_json: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}

function toEntry(r: Row): OutboxEntry {
  return {
    id: r.id,
    groupId: r.group_id,
    alertId: r.alert_id,
    channel: r.channel,
    kind: r.kind as OutboxEntry["kind"],
    event: r.event,
    url: r.url,
    headers: JSON.parse(r.headers_json),
    body: r.body,
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastStatus: r.last_status ?? undefined,
    lastError: r.last_error ?? undefined,
    sentAt: r.sent_at ?? undefined,
    createdAt: Number(r.created_at),
  };
}

/** The durable outbox: written in the same transaction as the alert change, delivered later with retries. */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  enqueue(e: Omit<OutboxEntry, "status" | "attempts" | "lastStatus" | "lastError" | "sentAt">): void {
    this.db
      .prepare(
        "INSERT INTO atlas_outbox (id, group_id, alert_id, channel, kind, event, url, headers_json, body, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
      )
      .run(e.id, e.groupId, e.alertId, e.channel, e.kind, e.event, e.url, JSON.stringify(e.headers), e.body, e.nextAttemptAt, e.createdAt);
  }

  /** Records a permanent failure without ever sending (e.g. the integration was deleted). */
  enqueueFailed(e: Omit<OutboxEntry, "status" | "attempts" | "lastStatus" | "sentAt">): void {
    this.enqueue(e);
    this.db.prepare("UPDATE atlas_outbox SET status = 'failed', last_error = ? WHERE id = ?").run(e.lastError ?? null, e.id);
  }

  /**
   * Pending entries due now, at most one per (alert, channel): a later event
   * (resolve) never overtakes an earlier one (trigger) still being retried.
   */
  due(nowMs: number, limit = 32): OutboxEntry[] {
    const rows = this.db
      .prepare(
        `SELECT o.* FROM atlas_outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM atlas_outbox p WHERE p.status = 'pending' AND p.alert_id = o.alert_id AND p.channel = o.channel AND p.seq < o.seq)
         ORDER BY o.seq LIMIT ?`,
      )
      .all(nowMs, limit) as unknown as Row[];
    return rows.map(toEntry);
  }

  /** When the next pending entry becomes due (undefined: none pending). */
  nextDueAt(): number | undefined {
    const r = this.db.prepare("SELECT MIN(next_attempt_at) AS t FROM atlas_outbox WHERE status = 'pending'").get() as { t: number | null };
    return r.t === null ? undefined : Number(r.t);
  }

  markSent(id: string, attempts: number, status: number, nowMs: number): void {
    this.db.prepare("UPDATE atlas_outbox SET status = 'sent', attempts = ?, last_status = ?, last_error = NULL, sent_at = ? WHERE id = ?").run(attempts, status, nowMs, id);
  }

  markRetry(id: string, attempts: number, nextAt: number, status: number | undefined, error: string): void {
    this.db.prepare("UPDATE atlas_outbox SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?").run(attempts, nextAt, status ?? null, error, id);
  }

  markFailed(id: string, attempts: number, status: number | undefined, error: string): void {
    this.db.prepare("UPDATE atlas_outbox SET status = 'failed', attempts = ?, last_status = ?, last_error = ? WHERE id = ?").run(attempts, status ?? null, error, id);
  }

  list(groupId: string): OutboxEntry[] {
    return (this.db.prepare("SELECT * FROM atlas_outbox WHERE group_id = ? ORDER BY seq").all(groupId) as unknown as Row[]).map(toEntry);
  }
}
