import { openDb } from "../../../lib/sqlite";
import { migrateAtlas } from "./migrations";
import { OutboxStore } from "./outbox";

describe("Atlas notifications on lib/outbox", () => {
  it("moves a data file's atlas_outbox rows (pending, sent, failed) into the outbox once, in order", () => {
    const db = openDb();
    migrateAtlas(db);
    const insert = db.prepare(
      `INSERT INTO atlas_outbox (id, group_id, alert_id, channel, kind, event, url, headers_json, body, status, attempts, next_attempt_at, last_status, last_error, sent_at, created_at)
       VALUES (?, 'g1', 'a1', 'n1', 'pagerduty', ?, 'http://127.0.0.1:1/v2/enqueue', '{"content-type":"application/json"}', '{"event_action":"trigger"}', ?, ?, ?, ?, ?, ?, 1000)`,
    );
    insert.run("o1", "alert.open", "sent", 1, 1000, 202, null, 1500);
    insert.run("o2", "alert.update", "pending", 1, 9000, 503, "HTTP 503", null);
    insert.run("o3", "alert.close", "failed", 1, 1000, 400, "HTTP 400", null);
    db.prepare("UPDATE atlas_outbox SET group_id = 'g2' WHERE id = 'o3'").run();

    const store = new OutboxStore(db);
    expect(store.list("g1")).toMatchObject([
      {
        id: "o1",
        event: "alert.open",
        status: "sent",
        attempts: 1,
        lastStatus: 202,
        sentAt: 1500,
        headers: { "content-type": "application/json" },
        body: '{"event_action":"trigger"}',
      },
      { id: "o2", event: "alert.update", status: "pending", attempts: 1, nextAttemptAt: 9000, lastStatus: 503, lastError: "HTTP 503", createdAt: 1000 },
    ]);
    expect(store.list("g2")).toMatchObject([{ id: "o3", status: "failed", lastStatus: 400 }]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'atlas_outbox'").get()).toBeUndefined();
    // The moved pending job is the one the worker claims, and a second open changes nothing.
    expect(
      store.jobs.claimSync({ queues: ["atlas.notify"], owner: "w", leaseMs: 1000, limit: 10, now: 9000 }).map((j) => (j.payload as { id: string }).id),
    ).toEqual(["o2"]);
    new OutboxStore(db);
    expect(store.list("g1")).toHaveLength(2);
  });
});
