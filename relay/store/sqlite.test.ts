import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { migrate, openDb } from "../../lib/sqlite";
import { MIGRATIONS, SqliteRelayStore } from "./sqlite";
import type { AlertObservation } from "./types";

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

describe("SqliteRelayStore: the in-doubt mark", () => {
  it("is committed before a send, cleared with its success, and keeps a closed alert in the reconciler's view", async () => {
    const store = new SqliteRelayStore({});
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-upgrade-"));
    try {
      const old = openDb(dir);
      migrate(old, MIGRATIONS.slice(0, 1));
      old
        .prepare(
          `INSERT INTO relay_alerts (route_id, alert_id, project_id, dedup_key, status, acknowledged, inform, updated_ms, rank, last_event, pd_state, facts, first_status, created_at, changed_at)
           VALUES ('orders', '1', ?, 'k', 'OPEN', 0, 0, 1000, 1, 'alert.open', 'triggered', '{"eventTypeName":"NO_PRIMARY"}', 'OPEN', 1, 1)`,
        )
        .run("a".repeat(24));
      old.close();
      const store = new SqliteRelayStore({ dataDir: dir });
      try {
        expect(await store.getAlert("orders", "1")).toMatchObject({ status: "OPEN", pdState: "triggered", pdAttempted: null });
        await store.markAttempt("orders", "1", "resolve", 2);
        expect((await store.getAlert("orders", "1"))?.pdAttempted).toBe("resolve");
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
