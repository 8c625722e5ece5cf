import { openDb } from "../../../lib/sqlite";
import { migratePagerDuty } from "../migrations";
import { countPending, deliveryOutbox, listDeliveries } from "./deliveries";

describe("PagerDuty webhook deliveries on lib/outbox", () => {
  it("moves a data file's pd_webhook_deliveries rows into the outbox once, per region, keeping ids and bodies", () => {
    const db = openDb();
    migratePagerDuty(db);
    const t = "2026-03-01T10:00:00.000Z";
    db.prepare(
      `INSERT INTO pd_webhook_subscriptions (id, region, delivery_method_id, url, secret, custom_headers, events, filter_type, active, created_at, updated_at)
       VALUES ('S1', 'US', 'D1', 'http://127.0.0.1:1/', 'secret', '[]', '["incident.triggered"]', 'account_reference', 1, ?, ?)`,
    ).run(t, t);
    const insert = db.prepare(
      `INSERT INTO pd_webhook_deliveries (id, seq, region, subscription_id, event_id, event_type, body, attempts, next_attempt_at_ms, last_status, last_error, delivered_at, dropped_at, failed_at, created_at)
       VALUES (?, ?, 'US', 'S1', 'E1', 'incident.triggered', ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
    );
    insert.run("Q1", 1, '{"event":1}', 1, 1, 200, null, "2026-03-01T10:00:01.000Z", null, t);
    insert.run("Q2", 2, '{"event":2}', 2, Date.parse(t) + 60_000, 500, "HTTP 500", null, null, t);
    insert.run("Q3", 3, '{"event":3}', 1, 1, 404, "HTTP 404", null, "2026-03-01T10:00:02.000Z", t);

    deliveryOutbox(db);
    const rows = listDeliveries(db, "US");
    expect(rows.map((r) => [r.id, r.body, r.attempts, r.last_status, r.delivered_at, r.dropped_at, r.failed_at])).toEqual([
      ["Q3", '{"event":3}', 1, 404, null, "2026-03-01T10:00:02.000Z", null],
      ["Q2", '{"event":2}', 2, 500, null, null, null],
      ["Q1", '{"event":1}', 1, 200, "2026-03-01T10:00:01.000Z", null, null],
    ]);
    expect(rows[1]).toMatchObject({ next_attempt_at_ms: Date.parse(t) + 60_000, created_at: t, last_error: "HTTP 500" });
    expect(countPending(db, "US")).toBe(1);
    expect(listDeliveries(db, "EU")).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'pd_webhook_deliveries'").get()).toBeUndefined();
  });
});
