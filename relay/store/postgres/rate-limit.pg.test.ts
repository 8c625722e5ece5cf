import { migrate, openPool, type PgPool } from "../../../lib/postgres";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import { PgRateLimiter, routingKeyHash } from "./rate-limit";
import { migrations, SCHEMA } from "./schema";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
let pools: PgPool[] = [];
const KEY = "R0123456789abcdef0123456789abcde";

beforeAll(async () => {
  server = await startPostgres();
  pools = [1, 2, 3].map(() => openPool(server.url, { max: 8 }));
  await migrate(pools[0], SCHEMA, migrations);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.end()));
  await server?.destroy();
});

// Three pools stand for three replicas sharing the database.
const limiters = () => pools.map((p) => new PgRateLimiter(p));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PgRateLimiter (one token bucket row per routing key, shared by replicas)", () => {
  it("gives the burst at once, then says how long to wait for the next token", async () => {
    const [l] = limiters();
    const key = `${KEY}-a`;
    const policy = { perMinute: 60, burst: 3 };
    for (let i = 0; i < 3; i++) expect(await l.take(key, policy)).toEqual({ ok: true });
    const next = await l.take(key, policy);
    expect(next.ok).toBe(false);
    if (!next.ok) {
      expect(next.waitMs).toBeGreaterThan(300); // about 1 s less what refilled while the takes ran (slow on a loaded machine)
      expect(next.waitMs).toBeLessThanOrEqual(1000);
    }
  });

  it("hands out exactly the burst to 60 concurrent takes from three replicas", async () => {
    const key = `${KEY}-b`;
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => limiters()[i % 3].take(key, { perMinute: 1, burst: 7 })));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
  });

  it("never gives more than burst + rate x window in a window, under contention", async () => {
    const key = `${KEY}-c`;
    const policy = { perMinute: 600, burst: 4 }; // 10 per second
    const granted: number[] = [];
    const start = Date.now();
    await Promise.all(
      limiters().map(async (l) => {
        while (Date.now() - start < 2_000) {
          const r = await l.take(key, policy);
          if (r.ok) granted.push(Date.now());
          else await sleep(Math.min(r.waitMs, 50));
        }
      }),
    );
    // 2 s at 10/s plus the burst of 4; one token of slack for the clock read after the loop check.
    expect(granted.length).toBeLessThanOrEqual(4 + 20 + 1);
    expect(granted.length).toBeGreaterThanOrEqual(15); // and it does pace, not starve
    for (const t of granted) {
      const inSecond = granted.filter((u) => u >= t && u < t + 1_000).length;
      expect(inSecond).toBeLessThanOrEqual(4 + 10 + 1);
    }
  }, 20_000);

  it("a 429 seen by one replica blocks the key for all until the shared time; other keys go on", async () => {
    const [a, b, c] = limiters();
    const key = `${KEY}-d`;
    const policy = { perMinute: 6000, burst: 10 };
    expect(await a.take(key, policy)).toEqual({ ok: true });
    const until = await a.block(key, 1_500);
    expect(until.getTime()).toBeGreaterThan(Date.now() + 1_000);
    for (const l of [b, c]) {
      const r = await l.take(key, policy);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.waitMs).toBeGreaterThan(1_000);
    }
    expect(await b.take(`${KEY}-other`, policy)).toEqual({ ok: true });
    // A shorter block never shortens a longer one.
    await c.block(key, 10);
    expect((await b.take(key, policy)).ok).toBe(false);
    await sleep(1_700);
    expect(await c.take(key, policy)).toEqual({ ok: true });
  }, 20_000);

  it("stores a SHA-256 of the key, never the key", async () => {
    const [l] = limiters();
    await l.take(KEY, { perMinute: 100, burst: 10 });
    const { rows } = await pools[0].query("SELECT key_hash FROM relay.rate_buckets");
    expect(rows.map((r) => (r.key_hash as Buffer).toString("hex"))).toContain(routingKeyHash(KEY).toString("hex"));
    const dump = JSON.stringify((await pools[0].query("SELECT * FROM relay.rate_buckets")).rows);
    expect(dump).not.toContain(KEY);
    expect(dump).not.toContain(Buffer.from(KEY).toString("hex"));
  });

  it.each([[{ perMinute: 0, burst: 1 }], [{ perMinute: 10, burst: 0 }], [{ perMinute: Number.NaN, burst: 1 }]])(
    "rejects an unusable policy %j",
    async (policy) => {
      await expect(limiters()[0].take(KEY, policy)).rejects.toThrow(/perMinute must be > 0 and burst >= 1/);
    },
  );
});
