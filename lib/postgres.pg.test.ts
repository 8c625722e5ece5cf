import { startPostgres, type PostgresServer } from "../test/support/postgres";
import { migrate, openPool, transaction, type PgPool } from "./postgres";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
const pools: PgPool[] = [];
const pool = (url: string) => {
  const p = openPool(url, { max: 3 });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.end()));
  await server?.destroy();
});

const migrations = [
  { name: "t/001-a", sql: "CREATE TABLE t.a (id int PRIMARY KEY)" },
  { name: "t/002-b", sql: "CREATE TABLE t.b (id int PRIMARY KEY); INSERT INTO t.a VALUES (1)" },
];

describe("lib/postgres against a real server", () => {
  it("serves PostgreSQL on loopback, as the postgres user when run as root", async () => {
    const p = pool(server.url);
    const { rows } = await p.query(
      "SELECT current_setting('server_version_num')::int AS v, current_setting('listen_addresses') AS l, inet_server_addr()::text AS a",
    );
    expect(rows[0].v).toBeGreaterThanOrEqual(130000);
    expect(rows[0].l).toBe("127.0.0.1");
    expect(rows[0].a).toBe("127.0.0.1/32");
  });

  it("migrates once when eight processes' pools start together (advisory lock)", async () => {
    const url = await server.database("migrate_race");
    const results = await Promise.all(Array.from({ length: 8 }, () => migrate(pool(url), "t", migrations)));
    // Exactly one caller applied everything; the others found it done.
    expect(results.filter((r) => r.length === 2)).toHaveLength(1);
    expect(results.filter((r) => r.length === 0)).toHaveLength(7);
    const { rows } = await pool(url).query("SELECT count(*)::int AS n FROM t.a");
    expect(rows[0].n).toBe(1);
    expect(await migrate(pool(url), "t", [...migrations, { name: "t/003-c", sql: "CREATE TABLE t.c (id int)" }])).toEqual(["t/003-c"]);
  });

  it("a failing migration changes nothing and names itself in the error", async () => {
    const url = await server.database("migrate_fail");
    await expect(migrate(pool(url), "t", [...migrations, { name: "t/003-bad", sql: "CREATE TABLE t.nope (" }])).rejects.toThrow(
      /migration t\/003-bad failed: .*syntax/,
    );
    const { rows } = await pool(url).query("SELECT to_regclass('t.a') AS a");
    expect(rows[0].a).toBeNull();
  });

  it("transaction commits on success and rolls back on throw", async () => {
    const url = await server.database("tx");
    const p = pool(url);
    await p.query("CREATE TABLE x (v int)");
    await transaction(p, (c) => c.query("INSERT INTO x VALUES (1)"));
    await expect(
      transaction(p, async (c) => {
        await c.query("INSERT INTO x VALUES (2)");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await p.query("SELECT array_agg(v) AS v FROM x")).rows[0].v).toEqual([1]);
  });

  it("survives a server restart: the pool reconnects, a query while down fails fast", async () => {
    const p = pool(server.url);
    await p.query("SELECT 1");
    await server.stop("immediate");
    const t0 = Date.now();
    await expect(p.query("SELECT 1")).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(10_000);
    await server.start();
    await expect(p.query("SELECT 1 AS one")).resolves.toMatchObject({ rows: [{ one: 1 }] });
  }, 60_000);
});
