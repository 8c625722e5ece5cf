import { startPostgres, type PostgresServer } from "../../../test/support/postgres";
import { PgBossOutbox } from "./outbox";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

// The outbox contract of lib/outbox (issue 8) on pg-boss, in real time (the database's clock).
let server: PostgresServer;
const opened: PgBossOutbox[] = [];
let n = 0;
const schedule = { baseMs: 100, maxMs: 1_000, jitter: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fresh(opts: { leaseMs?: number } = {}): Promise<PgBossOutbox> {
  const url = await server.database(`outbox_${++n}`);
  const o = await PgBossOutbox.open(url, { queues: ["q", "r"], leaseMs: opts.leaseMs ?? 60_000, max: 4, superviseIntervalSeconds: 1 });
  opened.push(o);
  return o;
}
const claim = (o: PgBossOutbox, owner = "w1", limit = 10) => o.claim({ queues: ["q"], owner, leaseMs: 1_000, limit, now: Date.now() });
/** Claims until something comes (a retry's startAfter, a lease the supervisor expires). */
async function claimWithin(o: PgBossOutbox, ms: number, owner = "w1") {
  const t0 = Date.now();
  for (;;) {
    const got = await claim(o, owner);
    if (got.length || Date.now() - t0 > ms) return got;
    await sleep(100);
  }
}

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(opened.map((o) => o.close()));
  await server?.destroy();
});

describe("PgBossOutbox (pg-boss under the outbox contract)", () => {
  it("enqueues, claims under a lease and completes; another owner cannot complete it", async () => {
    const o = await fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: { n: 1 } }, Date.now());
    expect(j).toMatchObject({ state: "pending", attempts: 0, payload: { n: 1 }, queueKey: "a" });
    const [c] = await claim(o);
    expect(c).toMatchObject({ id: j.id, state: "running", attempts: 1, leaseOwner: "w1" });
    expect(await claim(o, "w2")).toEqual([]);
    expect(await o.complete(j.id, "w2", Date.now())).toBe(false);
    expect(await o.complete(j.id, "w1", Date.now())).toBe(true);
    expect((await o.get(j.id))?.state).toBe("done");
  });

  it("runs one job per queue key at a time, in enqueue order; other keys run alongside", async () => {
    const o = await fresh();
    const a1 = await o.enqueue({ queue: "q", queueKey: "a", payload: 1 }, Date.now());
    const a2 = await o.enqueue({ queue: "q", queueKey: "a", payload: 2 }, Date.now());
    const b1 = await o.enqueue({ queue: "q", queueKey: "b", payload: 3 }, Date.now());
    expect((await claim(o)).map((j) => j.id).sort()).toEqual([a1.id, b1.id].sort());
    await o.complete(a1.id, "w1", Date.now());
    expect((await claim(o)).map((j) => j.id)).toEqual([a2.id]);
  });

  it("keeps one pending job per dedupe key; a running one does not absorb a new request", async () => {
    const o = await fresh();
    const a = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 1 }, Date.now());
    const same = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 2 }, Date.now());
    expect(same.id).toBe(a.id);
    await claim(o);
    const next = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 3 }, Date.now());
    expect(next.id).not.toBe(a.id);
    expect(await claim(o)).toEqual([]); // waits behind the running one
  });

  it("a failed job comes back after its backoff, holding its key meanwhile, with its error and attempts", async () => {
    const o = await fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: null }, Date.now());
    const later = await o.enqueue({ queue: "q", queueKey: "k", payload: "later" }, Date.now());
    await claim(o);
    expect(await o.fail(j.id, "w1", "503 from PagerDuty", Date.now(), { schedule, runAt: Date.now() + 800 })).toBe("pending");
    expect(await o.get(j.id)).toMatchObject({ state: "pending", attempts: 1, lastError: "503 from PagerDuty" });
    expect(await claim(o)).toEqual([]); // neither it (not due) nor the later job of its key
    const [again] = await claimWithin(o, 5_000);
    expect(again).toMatchObject({ id: j.id, attempts: 2, lastError: "503 from PagerDuty" });
    await o.complete(j.id, "w1", Date.now());
    expect((await claim(o)).map((x) => x.id)).toEqual([later.id]);
  }, 20_000);

  it("maxAttempts reached: dead letter, which does not block later jobs of the key; a person retries it", async () => {
    const o = await fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: 1 }, Date.now());
    await claim(o);
    expect(await o.fail(j.id, "w1", "400 Bad Request", Date.now(), { schedule, maxAttempts: 1 })).toBe("dead");
    const later = await o.enqueue({ queue: "q", queueKey: "k", payload: 2 }, Date.now());
    expect((await claim(o)).map((x) => x.id)).toEqual([later.id]);
    await o.complete(later.id, "w1", Date.now());
    const [dead] = await o.list({ states: ["dead"] });
    expect(dead).toMatchObject({ state: "dead", queue: "q", queueKey: "k", payload: 1, lastError: "400 Bad Request", attempts: 1 });
    expect((await o.stats(Date.now())).dead).toBe(1);
    expect(await o.retryDead(dead.id, Date.now())).toBe(true);
    expect(await o.retryDead(dead.id, Date.now())).toBe(false);
    const [back] = await claim(o);
    expect(back).toMatchObject({ queueKey: "k", payload: 1, attempts: 1, lastError: null });
    expect((await o.stats(Date.now())).dead).toBe(0);
  });

  it("release puts a job back at a time without counting the attempt (a rate-limit wait)", async () => {
    const o = await fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: null }, Date.now());
    await claim(o);
    expect(await o.release(j.id, "w1", Date.now() + 600, Date.now())).toBe(true);
    expect(await o.get(j.id)).toMatchObject({ state: "pending", attempts: 0 });
    expect(await claim(o)).toEqual([]);
    const [again] = await claimWithin(o, 5_000);
    expect(again).toMatchObject({ id: j.id, attempts: 1 });
  }, 20_000);

  it("gives an expired lease to another worker, and the first one's completion is refused", async () => {
    const o = await fresh({ leaseMs: 1_000 });
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: null }, Date.now());
    await claim(o, "w1");
    const [again] = await claimWithin(o, 15_000, "w2");
    expect(again).toMatchObject({ id: j.id, leaseOwner: "w2", attempts: 2 });
    expect(await o.complete(j.id, "w1", Date.now())).toBe(false);
    expect(await o.complete(j.id, "w2", Date.now())).toBe(true);
  }, 30_000);

  it("enqueues inside the caller's transaction: a rollback leaves no job", async () => {
    const o = await fresh();
    await expect(
      (async () => {
        const c = await o.pool.connect();
        try {
          await c.query("BEGIN");
          await o.enqueueIn(c, { queue: "q", queueKey: "x", payload: 1 }, Date.now());
          await c.query("ROLLBACK");
        } finally {
          c.release();
        }
        throw new Error("rolled back");
      })(),
    ).rejects.toThrow("rolled back");
    expect(await claim(o)).toEqual([]);
    expect((await o.stats(Date.now())).depth).toBe(0);
  });

  it("counts depth, oldest age and dead letters per queue; next run time", async () => {
    const o = await fresh();
    const t = Date.now();
    await o.enqueue({ queue: "q", queueKey: "a", payload: null, runAt: t + 60_000 }, t);
    const d = await o.enqueue({ queue: "r", queueKey: "b", payload: null }, t);
    const [c] = await o.claim({ queues: ["r"], owner: "w", leaseMs: 10, limit: 1, now: t });
    expect(c.id).toBe(d.id);
    await o.deadLetter(d.id, "w", "x", t);
    const s = await o.stats(Date.now() + 1_000);
    expect(s).toMatchObject({ depth: 1, dead: 1, byQueue: { q: { depth: 1, dead: 0 }, r: { depth: 0, dead: 1 } } });
    expect(s.oldestAgeMs).toBeGreaterThanOrEqual(900);
    expect(Math.abs((await o.nextRunAt())! - (t + 60_000))).toBeLessThan(1_000);
  });
});
