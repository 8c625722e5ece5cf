import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { longId } from "../ids";

export interface DeliveryRow {
  id: string;
  seq: number;
  region: Region;
  subscription_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  next_attempt_at_ms: number;
  locked_until_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  dropped_at: string | null;
  failed_at: string | null;
  created_at: string;
}

export function enqueueDelivery(
  db: Db,
  d: { region: Region; subscriptionId: string; eventId: string; eventType: string; body: string; nowMs: number; nowIso: string },
): DeliveryRow {
  const seq = db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM pd_webhook_deliveries").get() as { n: number };
  const id = longId();
  db.prepare(
    `INSERT INTO pd_webhook_deliveries (id, seq, region, subscription_id, event_id, event_type, body, next_attempt_at_ms, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, Number(seq.n), d.region, d.subscriptionId, d.eventId, d.eventType, d.body, d.nowMs, d.nowIso);
  return getDelivery(db, id)!;
}

export function getDelivery(db: Db, id: string): DeliveryRow | undefined {
  return db.prepare("SELECT * FROM pd_webhook_deliveries WHERE id = ?").get(id) as DeliveryRow | undefined;
}

/**
 * Claims up to `limit` due deliveries of active subscriptions by setting a
 * lease (`locked_until_ms`), so a second worker on the same database (the
 * other region's app, or a restarted process) never sends the same attempt.
 * `ignoreSchedule` also claims deliveries still waiting out their backoff.
 */
export function claimDue(db: Db, region: Region, nowMs: number, leaseMs: number, limit: number, ignoreSchedule = false): DeliveryRow[] {
  const candidates = db
    .prepare(
      `SELECT d.id FROM pd_webhook_deliveries d JOIN pd_webhook_subscriptions s ON s.id = d.subscription_id
       WHERE d.region = ? AND d.delivered_at IS NULL AND d.dropped_at IS NULL AND d.failed_at IS NULL
         AND (? OR d.next_attempt_at_ms <= ?) AND (d.locked_until_ms IS NULL OR d.locked_until_ms <= ?) AND s.active = 1
       ORDER BY d.seq LIMIT ?`,
    )
    .all(region, ignoreSchedule ? 1 : 0, nowMs, nowMs, limit) as Array<{ id: string }>;
  const claim = db.prepare("UPDATE pd_webhook_deliveries SET locked_until_ms = ? WHERE id = ? AND (locked_until_ms IS NULL OR locked_until_ms <= ?)");
  const claimed: DeliveryRow[] = [];
  for (const c of candidates) {
    if (Number(claim.run(nowMs + leaseMs, c.id, nowMs).changes) === 1) claimed.push(getDelivery(db, c.id)!);
  }
  return claimed;
}

export function markDelivered(db: Db, id: string, status: number, nowIso: string): void {
  db.prepare("UPDATE pd_webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at = ?, locked_until_ms = NULL WHERE id = ?").run(status, nowIso, id);
}

export function markDropped(db: Db, id: string, status: number, nowIso: string): void {
  db.prepare("UPDATE pd_webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, dropped_at = ?, locked_until_ms = NULL WHERE id = ?").run(status, `HTTP ${status}`, nowIso, id);
}

/** A retryable failure: schedule the next attempt, or give up when attempts are exhausted. */
export function markRetry(db: Db, id: string, status: number | null, error: string, nextAttemptAtMs: number | null, nowIso: string): void {
  db.prepare(
    `UPDATE pd_webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, locked_until_ms = NULL,
       next_attempt_at_ms = COALESCE(?, next_attempt_at_ms), failed_at = CASE WHEN ? IS NULL THEN ? ELSE NULL END
     WHERE id = ?`,
  ).run(status, error, nextAttemptAtMs, nextAttemptAtMs, nowIso, id);
}

export function listDeliveries(db: Db, region: Region, limit = 100): DeliveryRow[] {
  return db.prepare("SELECT * FROM pd_webhook_deliveries WHERE region = ? ORDER BY seq DESC LIMIT ?").all(region, limit) as unknown as DeliveryRow[];
}

/** Deliveries that will still be attempted (used by drain to know when to stop). */
export function countPending(db: Db, region: Region): number {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS n FROM pd_webhook_deliveries d JOIN pd_webhook_subscriptions s ON s.id = d.subscription_id
       WHERE d.region = ? AND d.delivered_at IS NULL AND d.dropped_at IS NULL AND d.failed_at IS NULL AND s.active = 1`,
    )
    .get(region) as { n: number };
  return Number(r.n);
}
