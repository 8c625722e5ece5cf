import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { migrate, openDb } from "../../lib/sqlite";
import pino from "pino";
import { openSqliteStore } from "./data-dir";
import { MIGRATIONS, SqliteRelayStore } from "./sqlite";
import { expectUpgraded, ackTimeoutTests, activeAlertPagesTests, inDoubtMarkTests, refusalTests, retentionTests } from "../../test/support/relay-store";

describe("SqliteRelayStore: the in-doubt mark", () => {
  inDoubtMarkTests(async () => new SqliteRelayStore({}));

  it("upgrades a database an older relay made (its sandbox.sqlite, moved to relay.sqlite): its alerts read as nothing in doubt", async () => {
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
      await expectUpgraded(await openSqliteStore(dir, { waitMs: 0, log: pino({ level: "silent" }) }));
      expect(fs.readdirSync(dir).filter((f) => f.endsWith(".sqlite"))).toEqual(["relay.sqlite"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SqliteRelayStore: a refusal", () => {
  refusalTests(async () => new SqliteRelayStore({}));
});

describe("SqliteRelayStore: active alerts a page at a time", () => {
  activeAlertPagesTests(async () => new SqliteRelayStore({}));
});

describe("SqliteRelayStore: PagerDuty's acknowledgement timing out", () => {
  ackTimeoutTests(async () => new SqliteRelayStore({}));
});

describe("SqliteRelayStore: retention", () => {
  retentionTests(async () => new SqliteRelayStore({}));
});
