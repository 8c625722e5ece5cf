import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { pdId, webhookSecret } from "../ids";

export interface CustomHeader {
  name: string;
  value: string;
}

export interface SubscriptionRow {
  id: string;
  region: Region;
  delivery_method_id: string;
  description: string | null;
  url: string;
  secret: string;
  /** JSON CustomHeader[] */
  custom_headers: string;
  /** JSON string[] */
  events: string;
  filter_type: "account_reference" | "service_reference" | "team_reference";
  filter_id: string | null;
  active: number;
  temporarily_disabled: number;
  consecutive_drops: number;
  created_at: string;
  updated_at: string;
}

export interface NewSubscription {
  url: string;
  description?: string | null;
  customHeaders: CustomHeader[];
  events: string[];
  filterType: SubscriptionRow["filter_type"];
  filterId: string | null;
  active: boolean;
}

export function createSubscription(db: Db, region: Region, s: NewSubscription, nowIso: string): SubscriptionRow {
  const row: SubscriptionRow = {
    id: pdId(),
    region,
    delivery_method_id: pdId(),
    description: s.description ?? null,
    url: s.url,
    secret: webhookSecret(),
    custom_headers: JSON.stringify(s.customHeaders),
    events: JSON.stringify(s.events),
    filter_type: s.filterType,
    filter_id: s.filterId,
    active: s.active ? 1 : 0,
    temporarily_disabled: 0,
    consecutive_drops: 0,
    created_at: nowIso,
    updated_at: nowIso,
  };
  db.prepare(
    `INSERT INTO pd_webhook_subscriptions (id, region, delivery_method_id, description, url, secret, custom_headers, events, filter_type, filter_id,
       active, temporarily_disabled, consecutive_drops, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.region,
    row.delivery_method_id,
    row.description,
    row.url,
    row.secret,
    row.custom_headers,
    row.events,
    row.filter_type,
    row.filter_id,
    row.active,
    row.temporarily_disabled,
    row.consecutive_drops,
    row.created_at,
    row.updated_at,
  );
  return row;
}

export function getSubscription(db: Db, region: Region, id: string): SubscriptionRow | undefined {
  return db.prepare("SELECT * FROM pd_webhook_subscriptions WHERE id = ? AND region = ?").get(id, region) as SubscriptionRow | undefined;
}

export function getSubscriptionById(db: Db, id: string): SubscriptionRow | undefined {
  return db.prepare("SELECT * FROM pd_webhook_subscriptions WHERE id = ?").get(id) as SubscriptionRow | undefined;
}

export function listSubscriptions(db: Db, region: Region, filter: { type?: string; id?: string } = {}): SubscriptionRow[] {
  let sql = "SELECT * FROM pd_webhook_subscriptions WHERE region = ?";
  const args: string[] = [region];
  if (filter.type) {
    sql += " AND filter_type = ?";
    args.push(`${filter.type}_reference`);
  }
  if (filter.id) {
    sql += " AND filter_id = ?";
    args.push(filter.id);
  }
  sql += " ORDER BY created_at, id";
  return db.prepare(sql).all(...args) as unknown as SubscriptionRow[];
}

export function updateSubscription(
  db: Db,
  id: string,
  patch: { events?: string[]; filterType?: SubscriptionRow["filter_type"]; filterId?: string | null; active?: boolean; description?: string | null },
  nowIso: string,
): void {
  const cur = getSubscriptionById(db, id);
  if (!cur) return;
  const reactivated = patch.active === true && !cur.active;
  db.prepare(
    `UPDATE pd_webhook_subscriptions SET events = ?, filter_type = ?, filter_id = ?, active = ?, description = ?, updated_at = ?,
       temporarily_disabled = CASE WHEN ? THEN 0 ELSE temporarily_disabled END,
       consecutive_drops = CASE WHEN ? THEN 0 ELSE consecutive_drops END
     WHERE id = ?`,
  ).run(
    patch.events ? JSON.stringify(patch.events) : cur.events,
    patch.filterType ?? cur.filter_type,
    patch.filterId === undefined ? cur.filter_id : patch.filterId,
    patch.active === undefined ? cur.active : patch.active ? 1 : 0,
    patch.description === undefined ? cur.description : patch.description,
    nowIso,
    reactivated ? 1 : 0,
    reactivated ? 1 : 0,
    id,
  );
}

/** `POST /webhook_subscriptions/{id}/enable`: back to active after being disabled for dropped deliveries. */
export function enableSubscription(db: Db, id: string, nowIso: string): void {
  db.prepare("UPDATE pd_webhook_subscriptions SET active = 1, temporarily_disabled = 0, consecutive_drops = 0, updated_at = ? WHERE id = ?").run(nowIso, id);
}

export function deleteSubscription(db: Db, id: string): void {
  db.prepare("DELETE FROM pd_webhook_subscriptions WHERE id = ?").run(id);
}

/** Active subscriptions of this region that want `eventType` for a resource of `serviceId`. */
export function matchingSubscriptions(db: Db, region: Region, eventType: string, serviceId: string | null): SubscriptionRow[] {
  const rows = db
    .prepare("SELECT * FROM pd_webhook_subscriptions WHERE region = ? AND active = 1 ORDER BY created_at, id")
    .all(region) as unknown as SubscriptionRow[];
  return rows.filter((s) => {
    if (!(JSON.parse(s.events) as string[]).includes(eventType)) return false;
    if (s.filter_type === "account_reference") return true;
    if (s.filter_type === "service_reference") return serviceId !== null && s.filter_id === serviceId;
    return false; // team_reference: the sandbox has no teams, so no service belongs to one.
  });
}

/** A delivery answered 2xx: the run of drops is broken. */
export function resetDrops(db: Db, id: string): void {
  db.prepare("UPDATE pd_webhook_subscriptions SET consecutive_drops = 0 WHERE id = ?").run(id);
}

/**
 * A delivery was dropped (non-retryable 4xx). Three in a row disable the
 * subscription, as PagerDuty does. Returns true when this drop disabled it.
 */
export function recordDrop(db: Db, id: string, nowIso: string, limit = 3): boolean {
  db.prepare("UPDATE pd_webhook_subscriptions SET consecutive_drops = consecutive_drops + 1 WHERE id = ?").run(id);
  const row = db.prepare("SELECT consecutive_drops, active FROM pd_webhook_subscriptions WHERE id = ?").get(id) as
    | { consecutive_drops: number; active: number }
    | undefined;
  if (row?.active && row.consecutive_drops >= limit) {
    db.prepare("UPDATE pd_webhook_subscriptions SET active = 0, temporarily_disabled = 1, updated_at = ? WHERE id = ?").run(nowIso, id);
    return true;
  }
  return false;
}
