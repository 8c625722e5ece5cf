import { migrate, openPool } from "../../../lib/postgres";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import { migrations, SCHEMA } from "./schema";
import { PgRelayStore } from "./store";
import { expectUpgraded, ackTimeoutTests, activeAlertPagesTests, inDoubtMarkTests, refusalTests, retentionTests } from "../../../test/support/relay-store";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

describe("PgRelayStore: the in-doubt mark", () => {
  inDoubtMarkTests(async () => PgRelayStore.open({ url: await server.database("doubt") }));

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
    await expectUpgraded(await PgRelayStore.open({ url }));
  });
});

describe("PgRelayStore: a refusal", () => {
  refusalTests(async () => PgRelayStore.open({ url: await server.database("refusal") }));
});

describe("PgRelayStore: active alerts a page at a time", () => {
  activeAlertPagesTests(async () => PgRelayStore.open({ url: await server.database("active_pages") }));
});

describe("PgRelayStore: PagerDuty's acknowledgement timing out", () => {
  ackTimeoutTests(async () => PgRelayStore.open({ url: await server.database("ack_timeout") }));
});

describe("PgRelayStore: retention", () => {
  retentionTests(async () => PgRelayStore.open({ url: await server.database("retention") }));
});
