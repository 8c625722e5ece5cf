import { PgBoss } from "pg-boss";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import { PgSingletonSchedule } from "./singleton";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

let server: PostgresServer;
const bosses: PgBoss[] = [];
const schedules: PgSingletonSchedule[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(schedules.map((s) => s.stop()));
  await Promise.allSettled(bosses.map((b) => b.stop({ graceful: false, close: true, timeout: 1000 })));
  await server?.destroy();
});

describe("PgSingletonSchedule (the reconciler's once-per-interval run across replicas)", () => {
  it("three replicas with a 2 s interval run it once per slot, never two at once", async () => {
    const url = await server.database("singleton");
    const runs: Array<{ replica: number; at: number }> = [];
    let active = 0;
    let overlap = 0;
    const replicas = await Promise.all(
      [0, 1, 2].map(async (_i) => {
        const b = new PgBoss({ connectionString: url, schema: "relay_jobs", max: 3, schedule: false, supervise: false });
        b.on("error", () => undefined);
        bosses.push(b);
        await b.start();
        return b;
      }),
    );
    await replicas[0].createQueue("relay-reconcile", { policy: "exclusive", retryLimit: 0 });
    const t0 = Date.now();
    for (const [i, b] of replicas.entries()) {
      const s = new PgSingletonSchedule(b, "relay-reconcile", 2_000, async () => {
        active++;
        if (active > 1) overlap++;
        runs.push({ replica: i, at: Date.now() - t0 });
        await new Promise((r) => setTimeout(r, 300));
        active--;
      });
      schedules.push(s);
      await s.start();
    }
    await new Promise((r) => setTimeout(r, 9_000));
    await Promise.all(schedules.map((s) => s.stop()));
    // 9 s of 2 s slots: 4 or 5 runs (not 3 per slot), and no two at once.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(6);
    expect(overlap).toBe(0);
  }, 40_000);

  it("refuses an interval under a second", () => {
    expect(() => new PgSingletonSchedule({} as PgBoss, "x", 500, async () => undefined)).toThrow(/at least 1 second/);
  });
});
