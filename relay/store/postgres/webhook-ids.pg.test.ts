import { migrate, openPool, transaction, type PgPool } from "../../../lib/postgres";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import { migrations, SCHEMA } from "./schema";
import { PgWebhookIds } from "./webhook-ids";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
let pools: PgPool[] = [];

beforeAll(async () => {
  server = await startPostgres();
  pools = [1, 2].map(() => openPool(server.url, { max: 8 }));
  await migrate(pools[0], SCHEMA, migrations);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.end()));
  await server?.destroy();
});

describe("PgWebhookIds (X-Webhook-Id dedupe across replicas)", () => {
  it("accepts an id once across two replicas racing on it", async () => {
    const [a, b] = pools.map((p) => new PgWebhookIds(p));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).firstSeen("wh-race")));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("a rolled-back intake leaves the id unseen, so PagerDuty's retry is processed", async () => {
    const ids = new PgWebhookIds(pools[0]);
    await expect(
      transaction(pools[0], async (c) => {
        expect(await ids.firstSeen("wh-rollback", c)).toBe(true);
        throw new Error("store failed");
      }),
    ).rejects.toThrow("store failed");
    expect(await ids.firstSeen("wh-rollback")).toBe(true);
    expect(await ids.firstSeen("wh-rollback")).toBe(false);
  });

  it("keeps ids at least 72 hours, whatever retention is asked for", async () => {
    const ids = new PgWebhookIds(pools[0]);
    await pools[0].query(
      "INSERT INTO relay.webhook_ids (webhook_id, received_at) VALUES ('old', now() - interval '73 hours'), ('recent', now() - interval '71 hours')",
    );
    expect(await ids.prune(3_600_000)).toBe(1);
    expect(await ids.firstSeen("recent")).toBe(false);
    expect(await ids.firstSeen("old")).toBe(true);
  });
});
