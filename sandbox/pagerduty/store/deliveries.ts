import { SqliteOutbox, type Job } from "../../../lib/outbox";
import { migrate, type Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { longId } from "../ids";
import { getSubscriptionById } from "./subscriptions";

/** What a delivery job carries: one (event, subscription), its body frozen so retries are byte-identical. */
export interface DeliveryPayload {
  /** X-Webhook-Id: unique per (event, subscription), repeated on every retry. */
  id: string;
  region: Region;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  body: string;
}

/** A delivery as the state view shows it (the job's state in PagerDuty's words). */
export interface DeliveryRow {
  id: string;
  /** The outbox job's id. */
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

/** Each region's deliveries are their own queue of the one outbox table; both regions' apps share the database. */
export const deliveryQueue = (region: Region) => `pagerduty.webhook.${region}`;

/** A status PagerDuty retries: 429 and 5xx (null: no response). Anything else is dropped. */
export const retryableStatus = (status: number | null) => status === null || status === 429 || status >= 500;

const outboxes = new WeakMap<Db, SqliteOutbox>();

/** The webhook deliveries' outbox (lib/outbox) on this database. */
export function deliveryOutbox(db: Db): SqliteOutbox {
  let o = outboxes.get(db);
  if (!o) {
    o = new SqliteOutbox(db, { table: "pd_webhook_jobs" });
    // Data files written before lib/outbox kept deliveries in pd_webhook_deliveries: move them over once.
    const ms = (iso: string) => `CAST(ROUND((julianday(${iso}) - 2440587.5) * 86400000) AS INTEGER)`;
    migrate(db, [
      {
        name: "pagerduty/deliveries-to-lib-outbox",
        sql: `INSERT INTO pd_webhook_jobs (queue, queue_key, payload, state, attempts, run_at, last_error, last_status, created_at, updated_at)
              SELECT 'pagerduty.webhook.' || region, id,
                     json_object('id', id, 'region', region, 'subscriptionId', subscription_id, 'eventId', event_id, 'eventType', event_type, 'body', body),
                     CASE WHEN delivered_at IS NOT NULL THEN 'done' WHEN dropped_at IS NOT NULL OR failed_at IS NOT NULL THEN 'dead' ELSE 'pending' END,
                     attempts, next_attempt_at_ms, last_error, last_status, ${ms("created_at")}, ${ms("COALESCE(delivered_at, dropped_at, failed_at, created_at)")}
              FROM pd_webhook_deliveries ORDER BY seq;
              DROP TABLE pd_webhook_deliveries;`,
      },
    ]);
    outboxes.set(db, o);
  }
  return o;
}

export function toDeliveryRow(j: Job): DeliveryRow {
  const p = j.payload as DeliveryPayload;
  const at = new Date(j.updatedAt).toISOString();
  const dead = j.state === "dead";
  return {
    id: p.id,
    seq: j.id,
    region: p.region,
    subscription_id: p.subscriptionId,
    event_id: p.eventId,
    event_type: p.eventType,
    body: p.body,
    attempts: j.attempts,
    next_attempt_at_ms: j.runAt,
    locked_until_ms: j.state === "running" ? j.leaseUntil : null,
    last_status: j.lastStatus,
    last_error: j.lastError,
    delivered_at: j.state === "done" ? at : null,
    // Dead letters: a non-retryable answer was dropped; retryable failures were given up.
    dropped_at: dead && !retryableStatus(j.lastStatus) ? at : null,
    failed_at: dead && retryableStatus(j.lastStatus) ? at : null,
    created_at: new Date(j.createdAt).toISOString(),
  };
}

/** Queues one delivery; call inside the transaction of the change it reports. */
export function enqueueDelivery(
  db: Db,
  d: { region: Region; subscriptionId: string; eventId: string; eventType: string; body: string; nowMs: number; nowIso: string },
): DeliveryRow {
  const id = longId();
  const payload: DeliveryPayload = { id, region: d.region, subscriptionId: d.subscriptionId, eventId: d.eventId, eventType: d.eventType, body: d.body };
  // The queue key is the delivery itself: deliveries are not ordered against each other (PagerDuty's are not either).
  return toDeliveryRow(deliveryOutbox(db).enqueueSync({ queue: deliveryQueue(d.region), queueKey: id, payload }, d.nowMs));
}

/** Deliveries whose subscription still exists (deleting a subscription deletes its deliveries from view). */
function ofLiveSubscriptions(db: Db, rows: DeliveryRow[], activeOnly: boolean): DeliveryRow[] {
  const active = new Map<string, boolean>();
  return rows.filter((r) => {
    if (!active.has(r.subscription_id)) {
      const s = getSubscriptionById(db, r.subscription_id);
      active.set(r.subscription_id, s !== undefined && (!activeOnly || Boolean(s.active)));
    }
    return active.get(r.subscription_id);
  });
}

export function listDeliveries(db: Db, region: Region, limit = 100): DeliveryRow[] {
  const jobs = deliveryOutbox(db).listSync({ queue: deliveryQueue(region), limit });
  return ofLiveSubscriptions(db, jobs.map(toDeliveryRow), false);
}

/** Deliveries that will still be attempted (used by drain to know when to stop). */
export function countPending(db: Db, region: Region): number {
  const jobs = deliveryOutbox(db).listSync({ queue: deliveryQueue(region), states: ["pending", "running"], limit: 1_000_000 });
  return ofLiveSubscriptions(db, jobs.map(toDeliveryRow), true).length;
}
