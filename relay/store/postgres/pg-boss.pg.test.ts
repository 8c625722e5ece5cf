import { PgBoss, type Db as IDatabase } from "pg-boss";
import { openPool, transaction, type PgClient, type PgPool } from "../../../lib/postgres";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

// What the PostgreSQL store relies on from pg-boss, checked against a real server.
let server: PostgresServer;
const bosses: PgBoss[] = [];
const pools: PgPool[] = [];

const boss = async (url: string, opts: Partial<ConstructorParameters<typeof PgBoss>[0] & object> = {}) => {
  const b = new PgBoss({
    connectionString: url,
    schema: "jobs",
    max: 4,
    supervise: true,
    superviseIntervalSeconds: 1,
    monitorIntervalSeconds: 1,
    schedule: false,
    ...opts,
  });
  b.on("error", () => undefined);
  bosses.push(b);
  await b.start();
  return b;
};
const txDb = (c: PgClient): IDatabase => ({ executeSql: (text, values) => c.query(text, values as unknown[]) });

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(bosses.map((b) => b.stop({ graceful: false, close: true, timeout: 1000 })));
  await Promise.allSettled(pools.map((p) => p.end()));
  await server?.destroy();
});

describe("pg-boss on a real PostgreSQL", () => {
  it("starts four instances at once on a fresh database (its migrations take an advisory lock)", async () => {
    const url = await server.database("boss_race");
    const started = await Promise.all([1, 2, 3, 4].map(() => boss(url)));
    expect(started).toHaveLength(4);
    await started[0].createQueue("q");
    expect(await started[3].getQueue("q")).toMatchObject({ name: "q" });
  });

  it("key_strict_fifo: one active job per key, in order; other keys run alongside", async () => {
    const url = await server.database("boss_fifo");
    const b = await boss(url);
    await b.createQueue("fifo", { policy: "key_strict_fifo" });
    const a1 = await b.send("fifo", { n: 1 }, { singletonKey: "a" });
    const a2 = await b.send("fifo", { n: 2 }, { singletonKey: "a" });
    const b1 = await b.send("fifo", { n: 3 }, { singletonKey: "b" });
    const first = await b.fetch("fifo", { batchSize: 10 });
    expect(first.map((j) => j.id).sort()).toEqual([a1, b1].sort());
    expect(await b.fetch("fifo", { batchSize: 10 })).toEqual([]);
    await b.complete("fifo", a1!);
    const second = await b.fetch("fifo", { batchSize: 10 });
    expect(second.map((j) => j.id)).toEqual([a2]);
  });

  it("key_strict_fifo: a failed job holds its key back, so the store settles a dead letter by completing it", async () => {
    const url = await server.database("boss_failed");
    const b = await boss(url);
    await b.createQueue("fifo", { policy: "key_strict_fifo", retryLimit: 0 });
    await b.createQueue("dead");
    const a1 = await b.send("fifo", { n: 1 }, { singletonKey: "a" });
    await b.send("fifo", { n: 2 }, { singletonKey: "a" });
    await b.fetch("fifo");
    await b.fail("fifo", a1!, { error: "400" });
    expect(await b.fetch("fifo")).toEqual([]); // blocked behind the failed one
    // Dead letter as the store does it: copy to the dead queue and complete, in one transaction.
    const pool = openPool(url);
    pools.push(pool);
    await b.deleteJob("fifo", a1!);
    const next = await b.fetch("fifo");
    expect(next.map((j) => j.data)).toEqual([{ n: 2 }]);
    const a3 = await b.send("fifo", { n: 3 }, { singletonKey: "a" });
    await transaction(pool, async (c) => {
      await b.send("dead", { n: 2 }, { db: txDb(c) });
      await b.complete("fifo", next[0].id, null, { db: txDb(c) });
    });
    expect((await b.fetch("fifo")).map((j) => j.id)).toEqual([a3]);
  });

  it("send({db}) joins the caller's transaction: rolled back, no job; committed, one job", async () => {
    const url = await server.database("boss_tx");
    const b = await boss(url);
    await b.createQueue("q");
    const pool = openPool(url);
    pools.push(pool);
    await pool.query("CREATE TABLE alerts (id text PRIMARY KEY)");
    await expect(
      transaction(pool, async (c) => {
        await c.query("INSERT INTO alerts VALUES ('x')");
        await b.send("q", { alert: "x" }, { db: txDb(c) });
        throw new Error("intake failed after enqueue");
      }),
    ).rejects.toThrow("intake failed");
    expect(await b.fetch("q")).toEqual([]);
    await transaction(pool, async (c) => {
      await c.query("INSERT INTO alerts VALUES ('x')");
      await b.send("q", { alert: "x" }, { db: txDb(c) });
    });
    expect((await b.fetch("q")).map((j) => j.data)).toEqual([{ alert: "x" }]);
  });

  it("throttled sends: three replicas ticking in the same slot create one job", async () => {
    const url = await server.database("boss_slot");
    const [b1, b2, b3] = await Promise.all([boss(url), boss(url), boss(url)]);
    await b1.createQueue("tick", { policy: "exclusive" });
    const ids = await Promise.all([b1, b2, b3, b1, b2].map((b) => b.sendThrottled("tick", {}, null, 60, "reconcile")));
    expect(ids.filter(Boolean)).toHaveLength(1);
    expect(await b2.fetch("tick", { batchSize: 10 })).toHaveLength(1);
  });

  it("an active job whose worker vanished (lease expired) goes back to the queue", async () => {
    const url = await server.database("boss_lease");
    const b = await boss(url);
    await b.createQueue("fifo", { policy: "key_strict_fifo", expireInSeconds: 1, retryLimit: 1000, retryDelay: 0 });
    const id = await b.send("fifo", {}, { singletonKey: "a" });
    const [j] = await b.fetch("fifo");
    expect(j.id).toBe(id);
    // Never completed: the supervisor retries it after expireInSeconds.
    const t0 = Date.now();
    let again: Awaited<ReturnType<typeof b.fetch>> = [];
    while (again.length === 0 && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 250));
      again = await b.fetch("fifo");
    }
    expect(again.map((x) => x.id)).toEqual([id]);
    expect(again[0].retryCount).toBe(1);
  }, 30_000);
});
