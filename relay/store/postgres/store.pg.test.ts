import { migrate, openPool } from "../../../lib/postgres";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import type { AlertObservation } from "../types";
import { migrations, SCHEMA } from "./schema";
import { PgRelayStore } from "./store";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

const obs = (alertId: string, over: Partial<AlertObservation> = {}): AlertObservation => ({
  routeId: "orders",
  projectId: "a".repeat(24),
  alertId,
  alertConfigId: null,
  event: "alert.open",
  status: "OPEN",
  acknowledged: false,
  acknowledgedUntil: null,
  inform: false,
  updatedMs: 1_000,
  facts: { eventTypeName: "NO_PRIMARY" },
  ...over,
});

describe("PgRelayStore: the in-doubt mark", () => {
  it("is committed before a send, cleared with its success, and keeps a closed alert in the reconciler's view", async () => {
    const store = await PgRelayStore.open({ url: await server.database("doubt") });
    try {
      await store.observeAlert(obs("1"), 1);
      await store.markAttempt("orders", "1", "trigger", 2);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "none", pdAttempted: "trigger" });
      await store.observeAlert(obs("1", { event: "alert.close", status: "CLOSED", updatedMs: 2_000 }), 3);
      expect((await store.listAlerts({ activeOnly: true })).map((a) => a.alertId)).toEqual(["1"]);
      await store.markSent({ routeId: "orders", alertId: "1", action: "resolve", at: 4 }, "resolved");
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "resolved", pdAttempted: null });
      expect(await store.listAlerts({ activeOnly: true })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("upgrades a database an older relay made: its alerts read as nothing in doubt", async () => {
    const url = await server.database("upgrade");
    const pool = openPool(url, { max: 2 });
    try {
      await migrate(pool, SCHEMA, migrations.slice(0, 3));
      await pool.query(
        `INSERT INTO relay.alerts (route_id, alert_id, project_id, dedup_key, status, acknowledged, inform, updated_ms, rank, last_event, pd_state, facts, first_status, created_at, changed_at)
         VALUES ('orders', '1', $1, 'k', 'OPEN', false, false, 1000, 1, 'alert.open', 'triggered', '{"eventTypeName":"NO_PRIMARY"}', 'OPEN', 1, 1)`,
        ["a".repeat(24)],
      );
    } finally {
      await pool.end();
    }
    const store = await PgRelayStore.open({ url });
    try {
      expect(await store.getAlert("orders", "1")).toMatchObject({ status: "OPEN", pdState: "triggered", pdAttempted: null });
      await store.markAttempt("orders", "1", "resolve", 2);
      expect((await store.getAlert("orders", "1"))?.pdAttempted).toBe("resolve");
    } finally {
      await store.close();
    }
  });
});
