import { openDb } from "../sqlite";
import { SqliteOutbox } from "./sqlite";
import type { FailOptions } from "./types";

const schedule = { baseMs: 100, maxMs: 1_000, jitter: 0 };
const fresh = () => new SqliteOutbox(openDb(), { table: "test_jobs" });
const claim = (o: SqliteOutbox, now: number, owner = "w1", limit = 10) => o.claim({ queues: ["q"], owner, leaseMs: 1_000, limit, now });

describe("SqliteOutbox", () => {
  it("enqueues, claims under a lease and completes", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: { n: 1 } }, 0);
    expect(j).toMatchObject({ state: "pending", attempts: 0, runAt: 0, payload: { n: 1 } });
    const [c] = await claim(o, 0);
    expect(c).toMatchObject({ id: j.id, state: "running", attempts: 1, leaseOwner: "w1", leaseUntil: 1_000 });
    expect(await claim(o, 10, "w2")).toEqual([]);
    expect(await o.complete(j.id, "w2", 20)).toBe(false);
    expect(await o.complete(j.id, "w1", 20)).toBe(true);
    expect((await o.get(j.id))?.state).toBe("done");
  });

  it("gives an expired lease to another worker, and the first one's completion is refused", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: null }, 0);
    await claim(o, 0, "w1");
    const [again] = await claim(o, 1_000, "w2");
    expect(again).toMatchObject({ id: j.id, leaseOwner: "w2", attempts: 2 });
    expect(await o.complete(j.id, "w1", 1_001)).toBe(false);
    expect(await o.complete(j.id, "w2", 1_001)).toBe(true);
  });

  it("runs one job per queue key at a time, in enqueue order; other keys run alongside", async () => {
    const o = fresh();
    const a1 = await o.enqueue({ queue: "q", queueKey: "a", payload: 1 }, 0);
    const a2 = await o.enqueue({ queue: "q", queueKey: "a", payload: 2 }, 0);
    const b1 = await o.enqueue({ queue: "q", queueKey: "b", payload: 3 }, 0);
    expect((await claim(o, 0)).map((j) => j.id)).toEqual([a1.id, b1.id]);
    await o.complete(a1.id, "w1", 1);
    expect((await claim(o, 1)).map((j) => j.id)).toEqual([a2.id]);
  });

  it("keeps one pending job per dedupe key; a running one does not absorb a new request", async () => {
    const o = fresh();
    const a = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 1 }, 0);
    const same = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 2 }, 0);
    expect(same.id).toBe(a.id);
    await claim(o, 0);
    const next = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 3 }, 0);
    expect(next.id).not.toBe(a.id);
    expect(await claim(o, 0)).toEqual([]); // waits behind the running one
  });

  // A twin enqueued while its dedupe key's job was running: that job going back to pending (a
  // failure, a rate-limit wait, a restart after a crash) must not break "one pending per key".
  it.each<[string, (o: SqliteOutbox, id: number) => Promise<unknown>]>([
    ["a failure", (o, id) => o.fail(id, "w1", "503", 10, { schedule })],
    ["a release", (o, id) => o.release(id, "w1", 10, 10)],
    ["a restart releasing every lease", async (o) => o.releaseAllLeases(10)],
  ])("after %s the running job and its pending twin fold into one pending job", async (_n, back) => {
    const o = fresh();
    const a = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 1 }, 0);
    await claim(o, 0);
    const twin = await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 1 }, 0);
    await back(o, a.id);
    expect((await o.list({ states: ["pending", "running"] })).map((j) => j.id)).toEqual([a.id]);
    expect((await o.get(twin.id))?.state).toBe("done");
    expect((await o.enqueue({ queue: "q", queueKey: "k", dedupeKey: "d", payload: 1 }, 10)).id).toBe(a.id);
  });

  it.each<[string, Partial<FailOptions>, number, string, number]>([
    // name, options, attempts before failing, expected state, expected runAt (failed at t=0)
    ["first failure backs off base", {}, 1, "pending", 100],
    ["third failure backs off 4x base", {}, 3, "pending", 400],
    ["backoff is capped", {}, 9, "pending", 1_000],
    ["an explicit runAt wins (Retry-After)", { runAt: 5_000 }, 1, "pending", 5_000],
    ["maxAttempts reached: dead letter", { maxAttempts: 2 }, 2, "dead", 0],
    ["no maxAttempts: retried forever", {}, 50, "pending", 1_000],
  ])("fail: %s", async (_name, opts, attempts, state, runAt) => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: null }, 0);
    for (let i = 1; i < attempts; i++) {
      await claim(o, 10_000_000 * i);
      await o.fail(j.id, "w1", "boom", 0, { schedule, runAt: 0 });
    }
    await claim(o, 10_000_000 * attempts);
    expect(await o.fail(j.id, "w1", "boom", 0, { schedule, ...opts })).toBe(state);
    const after = await o.get(j.id);
    expect(after).toMatchObject({ state, attempts, lastError: "boom", leaseOwner: null });
    if (state === "pending") expect(after?.runAt).toBe(runAt);
  });

  it("release puts a job back without counting the attempt", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: null }, 0);
    await claim(o, 0);
    expect(await o.release(j.id, "w1", 500, 1)).toBe(true);
    expect(await o.get(j.id)).toMatchObject({ state: "pending", attempts: 0, runAt: 500 });
    expect(await claim(o, 499)).toEqual([]);
    expect(await claim(o, 500)).toHaveLength(1);
  });

  it("dead letters stay until a person retries them, and do not block later jobs of the key", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: 1 }, 0);
    await claim(o, 0);
    expect(await o.deadLetter(j.id, "w1", "400 Bad Request", 1)).toBe(true);
    expect(await claim(o, 100_000)).toEqual([]);
    const later = await o.enqueue({ queue: "q", queueKey: "k", payload: 2 }, 2);
    expect((await claim(o, 3)).map((x) => x.id)).toEqual([later.id]);
    expect((await o.list({ states: ["dead"] })).map((x) => x.id)).toEqual([j.id]);
    expect(await o.retryDead(j.id, 10)).toBe(true);
    expect(await o.get(j.id)).toMatchObject({ state: "pending", attempts: 0, runAt: 10 });
    expect(await o.retryDead(j.id, 10)).toBe(false);
  });

  it("counts depth, oldest age and dead letters per queue", async () => {
    const o = fresh();
    await o.enqueue({ queue: "q", queueKey: "a", payload: null }, 100);
    const d = await o.enqueue({ queue: "r", queueKey: "b", payload: null }, 200);
    await o.claim({ queues: ["r"], owner: "w", leaseMs: 10, limit: 1, now: 200 });
    await o.deadLetter(d.id, "w", "x", 201);
    expect(await o.stats(1_100)).toEqual({ depth: 1, oldestAgeMs: 1_000, dead: 1, byQueue: { q: { depth: 1, dead: 0 }, r: { depth: 0, dead: 1 } } });
    expect(await o.nextRunAt()).toBe(100);
  });

  it("survives a reopen of the same file (durable)", async () => {
    const dir = require("node:fs").mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "outbox-"));
    const db1 = openDb(dir);
    const o1 = new SqliteOutbox(db1);
    const j = await o1.enqueue({ queue: "q", queueKey: "k", payload: { x: 1 } }, 0);
    await o1.claim({ queues: ["q"], owner: "crashed", leaseMs: 1_000, limit: 1, now: 0 });
    db1.close();
    const o2 = new SqliteOutbox(openDb(dir));
    const [again] = await o2.claim({ queues: ["q"], owner: "restarted", leaseMs: 1_000, limit: 1, now: 1_000 });
    expect(again).toMatchObject({ id: j.id, payload: { x: 1 }, attempts: 2 });
  });

  it("releaseAllLeases gives back every running job (single-process restart)", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "k", payload: null }, 0);
    await claim(o, 0, "dead-process");
    expect(o.releaseAllLeases(10)).toBe(1);
    expect((await claim(o, 10, "new"))[0]).toMatchObject({ id: j.id, leaseOwner: "new" });
  });

  it("keeps the last attempt's status through retry, completion and dead letter", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: null }, 0);
    expect(j.lastStatus).toBeNull();
    await claim(o, 0);
    expect(await o.fail(j.id, "w1", "HTTP 503", 0, { schedule, status: 503 })).toBe("pending");
    expect(await o.get(j.id)).toMatchObject({ lastStatus: 503, lastError: "HTTP 503", runAt: 100 });
    await claim(o, 100);
    expect(await o.complete(j.id, "w1", 100, 202)).toBe(true);
    expect(await o.get(j.id)).toMatchObject({ state: "done", lastStatus: 202, lastError: null });
    const k = await o.enqueue({ queue: "q", queueKey: "b", payload: null }, 0);
    await claim(o, 0);
    expect(await o.deadLetter(k.id, "w1", "HTTP 400", 0, 400)).toBe(true);
    expect(await o.get(k.id)).toMatchObject({ state: "dead", lastStatus: 400 });
  });

  it("records a job refused before its first attempt as a dead letter, never claimed", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", dedupeKey: "d", payload: 1, deadLetter: "no integration" }, 5);
    expect(j).toMatchObject({ state: "dead", attempts: 0, lastError: "no integration", runAt: 5 });
    expect(await claim(o, 10)).toEqual([]);
    // It holds no dedupe key slot: a live twin is enqueued.
    expect((await o.enqueue({ queue: "q", queueKey: "b", dedupeKey: "d", payload: 2 }, 10)).id).not.toBe(j.id);
  });

  it("claims ahead of the backoff up to dueBy, leasing from now", async () => {
    const o = fresh();
    const j = await o.enqueue({ queue: "q", queueKey: "a", payload: null, runAt: 5_000 }, 0);
    expect(await claim(o, 0)).toEqual([]);
    const [c] = await o.claim({ queues: ["q"], owner: "w1", leaseMs: 1_000, limit: 10, now: 0, dueBy: Number.MAX_SAFE_INTEGER });
    expect(c).toMatchObject({ id: j.id, leaseUntil: 1_000 });
  });

  it("lists a family of queue keys by prefix, newest first", async () => {
    const o = fresh();
    const a = await o.enqueue({ queue: "q", queueKey: "p1/x", payload: null }, 0);
    await o.enqueue({ queue: "q", queueKey: "p2/x", payload: null }, 0);
    const b = await o.enqueue({ queue: "q", queueKey: "p1/y", payload: null }, 0);
    await o.enqueue({ queue: "q", queueKey: "p1_/z", payload: null }, 0);
    expect((await o.list({ queueKeyPrefix: "p1/" })).map((j) => j.id)).toEqual([b.id, a.id]);
  });

  it("rejects a table name that is not an identifier", () => {
    expect(() => new SqliteOutbox(openDb(), { table: "jobs; DROP TABLE x" })).toThrow(/table name/);
  });
});
