import { PgBoss, type Db, type Job as BossJob } from "pg-boss";
import { backoffDelay } from "../../../lib/backoff";
import type { ClaimOptions, EnqueueInput, FailOptions, Job, JobState, ListOptions, Outbox, OutboxStats } from "../../../lib/outbox";
import { migrate, openPool, transaction, type PgClient, type PgPool } from "../../../lib/postgres";
import type { Queryable } from "./queryable";
import { JOBS_SCHEMA, migrations, SCHEMA } from "./schema";

/** Recording an outcome: about 15 s of tries, enough for a restart of PostgreSQL, well within a lease. */
const SETTLE_ATTEMPTS = 6;
const SETTLE_BACKOFF = { baseMs: 500, maxMs: 5_000 };

/**
 * The relay's outbox on PostgreSQL, run by pg-boss (jobs claimed with
 * FOR UPDATE SKIP LOCKED, leases, retries), shaped like the SQLite outbox
 * (lib/outbox, issue 8): queue key for ordering, dedupe key, attempts, run at,
 * lease, last error, dead letter.
 *
 * - Ordering: every queue is `key_strict_fifo` with the queue key as the
 *   singleton key, so across all replicas one job per key runs at a time, in
 *   enqueue order; a job waiting for its retry holds its key back.
 * - Lease: a heartbeat. The replica holding a job touches it every few seconds;
 *   a replica killed mid-job stops, and pg-boss's supervisor hands the job to
 *   another replica once the heartbeat is `heartbeatSeconds` old (default 10 s).
 *   The queue's `expireInSeconds` (the caller's lease) bounds a job that hangs.
 * - Retry at an exact time (backoff, Retry-After, rate-limit wait): pg-boss
 *   `fail` puts the job in `retry`, then `update` sets its `startAfter`, in one
 *   transaction. Waiting holds no worker.
 * - Dead letter: copied to `<queue>__dead` and completed in one transaction,
 *   so it does not hold its key back (a failed pg-boss job would, in this
 *   policy) and the next transition of the alert still goes out.
 * - Time is the database's (pg-boss's clock): the `now` arguments only stamp
 *   run-at times computed by the caller.
 *
 * Job ids are numbers from a sequence (relay.job_numbers) kept in the job's
 * data, so the relay's status page and logs see the same ids on every store;
 * pg-boss's own UUID stays inside.
 *
 * `claim`'s `leaseMs` is ignored (the lease is the queue's, set at open); its `dueBy` moves jobs due
 * by then to now before fetching.
 */
/** What the store keeps in a pg-boss job's data next to the caller's payload. */
interface Envelope<P = unknown> {
  /** the job's number (its id for callers) */
  n: number;
  p: P;
  /** dedupe key */
  d: string | null;
  /** releases so far: claims that were not attempts (rate-limit waits, shutdown) */
  r: number;
  /** last error */
  e: string | null;
  /** for a dead letter: the queue key and the attempts it had */
  k?: string;
  a?: number;
  /** status code of the last failed attempt (a completed job keeps its own in pg-boss's output) */
  s?: number | null;
}

export interface PgBossOutboxOptions {
  queues: readonly string[];
  /** A job claimed and not settled within this time goes to another worker (default 60 s). */
  leaseMs?: number;
  /** Pool size of pg-boss and of the store (default 10 each). */
  max?: number;
  /** A held job whose heartbeat is this old goes to another replica (default 10 s, at least 10). */
  heartbeatSeconds?: number;
  /** How often the supervisor looks for expired leases (default 5 s). */
  superviseIntervalSeconds?: number;
  /** Identifies this replica in pg_stat_activity. */
  applicationName?: string;
  /** The pg-boss schema (default relay_jobs). */
  schema?: string;
}

const DEAD = "__dead";
// Effectively forever (pg-boss counts retries in an integer): the caller decides when to give up.
const RETRY_FOREVER = 1_000_000_000;
// Jobs never expire while waiting, and finished ones stay a day for the status page.
const RETENTION_SECONDS = 10 * 365 * 24 * 3600;

/** pg-boss answers `{requested, affected}` though its declared type is empty. */
const affected = (r: unknown): number => Number((r as { affected?: number }).affected ?? 0);

const txDb = (c: Queryable): Db => ({ executeSql: (text, values) => c.query(text, values as unknown[]) });

export class PgBossOutbox implements Outbox {
  readonly boss: PgBoss;
  readonly pool: PgPool;
  private readonly schema: string;
  private readonly queues: readonly string[];
  /** Jobs this process claimed: number -> pg-boss id and attempt (retryCount) and owner, to fence a lost lease. */
  private readonly claimed = new Map<number, { id: string; retryCount: number; owner: string; queue: string; env: Envelope }>();

  private readonly heartbeat: NodeJS.Timeout;

  private constructor(boss: PgBoss, pool: PgPool, schema: string, queues: readonly string[], heartbeatSeconds: number) {
    this.boss = boss;
    this.pool = pool;
    this.schema = schema;
    this.queues = queues;
    this.heartbeat = setInterval(() => void this.touchHeld(), (heartbeatSeconds * 1000) / 3);
    this.heartbeat.unref();
  }

  /** Heartbeat of every job this process holds (pg-boss's work() does the same for its own jobs). */
  private async touchHeld(): Promise<void> {
    const byQueue = new Map<string, Array<{ id: string; retryCount: number }>>();
    for (const c of this.claimed.values()) byQueue.set(c.queue, [...(byQueue.get(c.queue) ?? []), { id: c.id, retryCount: c.retryCount }]);
    for (const [queue, jobs] of byQueue) await this.boss.touch(queue, jobs).catch(() => undefined);
  }

  /** Starts pg-boss (its migrations are advisory-locked, so replicas may start together) and creates the queues. */
  static async open(url: string, opts: PgBossOutboxOptions): Promise<PgBossOutbox> {
    const schema = opts.schema ?? JOBS_SCHEMA;
    const boss = new PgBoss({
      connectionString: url,
      schema,
      max: opts.max ?? 10,
      application_name: opts.applicationName,
      supervise: true,
      superviseIntervalSeconds: opts.superviseIntervalSeconds ?? 5,
      monitorIntervalSeconds: opts.superviseIntervalSeconds ?? 5,
      schedule: false,
      connectionTimeoutMillis: 5_000,
    });
    // pg-boss reports lost connections as events; without a listener they would crash the process.
    boss.on("error", () => undefined);
    await boss.start();
    const pool = openPool(url, { max: opts.max ?? 10, applicationName: opts.applicationName });
    await migrate(pool, SCHEMA, migrations);
    const expireInSeconds = Math.max(1, Math.ceil((opts.leaseMs ?? 60_000) / 1000));
    const heartbeatSeconds = Math.max(10, Math.round(opts.heartbeatSeconds ?? 10));
    for (const q of opts.queues) {
      if (q.endsWith(DEAD)) throw new Error(`queue name ${q}: the suffix ${DEAD} is reserved for dead letters`);
      const existing = await boss.getQueue(q);
      if (!existing) {
        await boss.createQueue(q, {
          policy: "key_strict_fifo",
          retryLimit: RETRY_FOREVER,
          retryDelay: 0,
          expireInSeconds,
          heartbeatSeconds,
          retentionSeconds: RETENTION_SECONDS,
          deleteAfterSeconds: 24 * 3600,
        });
      }
      if (!(await boss.getQueue(q + DEAD))) await boss.createQueue(q + DEAD, { retentionSeconds: RETENTION_SECONDS, deleteAfterSeconds: 24 * 3600 });
    }
    return new PgBossOutbox(boss, pool, schema, opts.queues, heartbeatSeconds);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.boss.stop({ graceful: false, close: true, timeout: 5_000 }).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /**
   * `enqueue` inside the caller's transaction (the intake's record of the alert). The job is not
   * read back: the store's callers do not use it, and that read was one round trip of the ~8 per
   * accepted webhook on PostgreSQL.
   */
  async enqueueIn<P>(client: Queryable, input: EnqueueInput<P>, now: number): Promise<void> {
    await this.insert(client, input, now);
  }

  async enqueue<P>(input: EnqueueInput<P>, now: number): Promise<Job<P>> {
    return transaction(this.pool, async (c) => {
      const r = await this.insert(c, input, now);
      if ("queue" in r) return r as Job<P>;
      const { rows } = await c.query(`SELECT * FROM ${this.schema}.job WHERE name = $1 AND id = $2`, [r.name, r.id]);
      return this.toJob<P>(rows[0]);
    });
  }

  /** Inserts the job (or finds the pending one with its dedupe key): that job, or the new one's name and id. */
  private async insert<P>(client: Queryable, input: EnqueueInput<P>, now: number): Promise<Job<P> | { name: string; id: string }> {
    const db = txDb(client);
    if (input.deadLetter !== undefined) {
      // Refused before its first attempt: straight to the dead letters, kept for people to see.
      const { rows: num } = await client.query<{ n: string }>("SELECT nextval('relay.job_numbers') AS n");
      const dead: Envelope<P> = { n: Number(num[0].n), p: input.payload, d: input.dedupeKey ?? null, r: 0, e: input.deadLetter, k: input.queueKey, a: 0 };
      const id = await this.boss.send(input.queue + DEAD, dead as unknown as object, { db });
      if (!id) throw new Error(`pg-boss refused a dead letter for queue ${input.queue}`);
      return { name: input.queue + DEAD, id };
    }
    if (input.dedupeKey !== undefined) {
      // Serialize enqueuers of one dedupe key, then reuse a job that has not started.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`outbox-dedupe:${input.queue}:${input.dedupeKey}`]);
      // FOR UPDATE: a job a worker is claiming right now is re-checked after the claim and no
      // longer matches (it is active), so this enqueue makes a new one; a job locked here is
      // skipped by claims until this transaction commits, and then runs on what it recorded.
      const { rows } = await client.query(
        `SELECT * FROM ${this.schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created','retry') AND data->>'d' = $3 ORDER BY created_on LIMIT 1 FOR UPDATE`,
        [input.queue, input.queueKey, input.dedupeKey],
      );
      if (rows[0]) return this.toJob<P>(rows[0]);
    }
    const { rows: num } = await client.query<{ n: string }>("SELECT nextval('relay.job_numbers') AS n");
    const env: Envelope<P> = { n: Number(num[0].n), p: input.payload, d: input.dedupeKey ?? null, r: 0, e: null };
    const startAfter = input.runAt !== undefined && input.runAt > now ? new Date(input.runAt) : undefined;
    const id = await this.boss.send(input.queue, env as unknown as object, { singletonKey: input.queueKey, startAfter, db });
    if (!id) throw new Error(`pg-boss refused a job for queue ${input.queue}`);
    return { name: input.queue, id };
  }

  async claim(opts: ClaimOptions): Promise<Job[]> {
    if (opts.dueBy !== undefined && opts.dueBy > opts.now) {
      // Jobs due by then run now, ahead of their backoff (a drain).
      await this.pool.query(
        `UPDATE ${this.schema}.job SET start_after = now() WHERE name = ANY($1) AND state IN ('created','retry') AND start_after > now() AND start_after <= $2`,
        [opts.queues, new Date(opts.dueBy)],
      );
    }
    const out: Job[] = [];
    for (const queue of opts.queues) {
      if (out.length >= opts.limit) break;
      const jobs = await this.boss.fetch<Envelope>(queue, { batchSize: opts.limit - out.length, includeMetadata: true });
      for (const j of jobs) {
        this.claimed.set(j.data.n, { id: j.id, retryCount: j.retryCount, owner: opts.owner, queue, env: j.data });
        out.push(this.fromBoss(j, opts.owner));
      }
    }
    return out;
  }

  /**
   * Records a held job's outcome. While PostgreSQL is briefly away the job stays held (its
   * heartbeat resumes with the database) and the write is tried again, so a send that went out
   * is recorded rather than left to the lease and sent a second time. Then the job is let go.
   */
  private async settle<T>(id: number, write: () => Promise<T>): Promise<T> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await write();
        } catch (err) {
          if (attempt >= SETTLE_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, backoffDelay(SETTLE_BACKOFF, attempt)));
        }
      }
    } finally {
      this.claimed.delete(id);
    }
  }

  private held(id: number, owner: string) {
    const c = this.claimed.get(id);
    return c && c.owner === owner ? c : undefined;
  }

  async complete(id: number, owner: string, _now: number, status?: number): Promise<boolean> {
    const c = this.held(id, owner);
    if (!c) return false;
    // The status is the job's output (pg-boss keeps it with the completed job).
    const r = await this.settle(id, () => this.boss.complete(c.queue, { id: c.id, retryCount: c.retryCount }, status !== undefined ? { s: status } : null));
    return affected(r) === 1;
  }

  /** Back to the queue at `runAt` (holding its key), counted as an attempt with its error. */
  private async retryAt(id: number, owner: string, runAt: number, env: Envelope): Promise<boolean> {
    const c = this.held(id, owner);
    if (!c) return false;
    return this.settle(id, () =>
      transaction(this.pool, async (client) => {
        const db = txDb(client);
        const r = await this.boss.fail(c.queue, { id: c.id, retryCount: c.retryCount }, null, { db });
        if (affected(r) !== 1) return false;
        await this.boss.update(c.queue, env as unknown as object, { id: c.id, startAfter: new Date(runAt), db });
        return true;
      }),
    );
  }

  async fail(id: number, owner: string, error: string, now: number, opts: FailOptions): Promise<JobState | undefined> {
    const c = this.held(id, owner);
    if (!c) return undefined;
    const attempts = c.retryCount + 1 - c.env.r;
    if (opts.maxAttempts !== undefined && attempts >= opts.maxAttempts) {
      return (await this.deadLetter(id, owner, error, now, opts.status)) ? "dead" : undefined;
    }
    const runAt = opts.runAt ?? now + backoffDelay(opts.schedule, attempts, opts.random);
    return (await this.retryAt(id, owner, runAt, { ...c.env, e: error, s: opts.status ?? null })) ? "pending" : undefined;
  }

  async release(id: number, owner: string, runAt: number, _now: number): Promise<boolean> {
    const c = this.held(id, owner);
    if (!c) return false;
    return this.retryAt(id, owner, runAt, { ...c.env, r: c.env.r + 1 });
  }

  async deadLetter(id: number, owner: string, error: string, _now: number, status?: number): Promise<boolean> {
    const c = this.held(id, owner);
    if (!c) return false;
    return this.settle(id, async () => {
      const { rows } = await this.pool.query(`SELECT singleton_key FROM ${this.schema}.job WHERE name = $1 AND id = $2`, [c.queue, c.id]);
      const dead: Envelope = { ...c.env, e: error, s: status ?? null, k: rows[0]?.singleton_key ?? "", a: c.retryCount + 1 - c.env.r };
      return transaction(this.pool, async (client) => {
        const db = txDb(client);
        const r = await this.boss.complete(c.queue, { id: c.id, retryCount: c.retryCount }, null, { db });
        if (affected(r) !== 1) return false;
        await this.boss.send(c.queue + DEAD, dead as unknown as object, { db });
        return true;
      });
    });
  }

  /** A person sends a dead letter again: a new pending job of its queue key, attempts reset. */
  async retryDead(id: number, _now: number): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `SELECT id, name, data FROM ${this.schema}.job WHERE name = ANY($1) AND state = 'created' AND (data->>'n')::bigint = $2 FOR UPDATE`,
        [this.queues.map((q) => q + DEAD), id],
      );
      if (!rows[0]) return false;
      const queue = String(rows[0].name).slice(0, -DEAD.length);
      const env = rows[0].data as Envelope;
      await client.query(`DELETE FROM ${this.schema}.job WHERE name = $1 AND id = $2`, [rows[0].name, rows[0].id]);
      await this.boss.send(queue, { n: env.n, p: env.p, d: env.d, r: 0, e: null } satisfies Envelope, { singletonKey: env.k ?? "", db: txDb(client) });
      return true;
    });
  }

  async get<P = unknown>(id: number): Promise<Job<P> | undefined> {
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.schema}.job WHERE name = ANY($2) AND (data->>'n')::bigint = $1 ORDER BY created_on DESC LIMIT 1`,
      [id, this.allQueues()],
    );
    return rows[0] ? this.toJob<P>(rows[0]) : undefined;
  }

  async list(opts: ListOptions): Promise<Job[]> {
    const names = opts.queue ? [opts.queue, opts.queue + DEAD] : this.allQueues();
    const states = new Set(opts.states ?? ["pending", "running", "done", "dead"]);
    const boss = [
      ...new Set(
        [...states].flatMap((s) =>
          s === "pending" ? ["created", "retry"] : s === "running" ? ["active"] : s === "done" ? ["completed", "cancelled", "failed"] : ["created"],
        ),
      ),
    ];
    // A dead letter keeps its queue key in its data (k); left(), not LIKE: a key may hold % or _.
    const prefix = opts.queueKeyPrefix ?? "";
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.schema}.job WHERE name = ANY($1) AND state::text = ANY($2)
         AND left(CASE WHEN right(name, ${DEAD.length}) = '${DEAD}' THEN coalesce(data->>'k', '') ELSE coalesce(singleton_key, '') END, length($4)) = $4
       ORDER BY created_on DESC LIMIT $3`,
      [names, boss, (opts.limit ?? 100) * 2, prefix],
    );
    const jobs = rows.map((r) => this.toJob(r)).filter((j) => states.has(j.state));
    return jobs.slice(0, opts.limit ?? 100);
  }

  async stats(now: number): Promise<OutboxStats> {
    const { rows } = await this.pool.query(
      `SELECT name, count(*) FILTER (WHERE state IN ('created','retry','active'))::int AS live, min(created_on) FILTER (WHERE state IN ('created','retry','active')) AS oldest
       FROM ${this.schema}.job WHERE name = ANY($1) GROUP BY name`,
      [this.allQueues()],
    );
    const byQueue: OutboxStats["byQueue"] = {};
    for (const q of this.queues) byQueue[q] = { depth: 0, dead: 0 };
    let depth = 0;
    let dead = 0;
    let oldest = Infinity;
    for (const r of rows) {
      const name = String(r.name);
      if (name.endsWith(DEAD)) {
        byQueue[name.slice(0, -DEAD.length)].dead = r.live;
        dead += r.live;
      } else {
        byQueue[name].depth = r.live;
        depth += r.live;
        if (r.oldest) oldest = Math.min(oldest, new Date(r.oldest).getTime());
      }
    }
    return { depth, oldestAgeMs: oldest === Infinity ? 0 : Math.max(0, now - oldest), dead, byQueue };
  }

  async nextRunAt(): Promise<number | undefined> {
    const { rows } = await this.pool.query(`SELECT min(start_after) AS t FROM ${this.schema}.job WHERE name = ANY($1) AND state IN ('created','retry')`, [
      this.queues,
    ]);
    return rows[0]?.t ? new Date(rows[0].t).getTime() : undefined;
  }

  async prune(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.schema}.job WHERE name = ANY($1) AND state = 'completed' AND completed_on < $2`, [
      this.queues,
      new Date(before),
    ]);
    return rowCount ?? 0;
  }

  private allQueues(): string[] {
    return this.queues.flatMap((q) => [q, q + DEAD]);
  }

  private fromBoss(j: BossJob<Envelope> & { createdOn?: Date; startAfter?: Date; singletonKey?: string | null }, owner: string): Job {
    const env = j.data;
    return {
      id: env.n,
      queue: j.name,
      queueKey: j.singletonKey ?? "",
      dedupeKey: env.d,
      payload: env.p,
      state: "running",
      attempts: j.retryCount + 1 - env.r,
      runAt: j.startAfter ? new Date(j.startAfter).getTime() : Date.now(),
      leaseOwner: owner,
      leaseUntil: Date.now() + j.expireInSeconds * 1000,
      lastError: env.e,
      lastStatus: env.s ?? null,
      createdAt: j.createdOn ? new Date(j.createdOn).getTime() : Date.now(),
      updatedAt: Date.now(),
    };
  }

  private toJob<P>(r: Record<string, unknown>): Job<P> {
    const env = r.data as Envelope<P>;
    const name = String(r.name);
    const isDead = name.endsWith(DEAD);
    const boss = String(r.state);
    const state: JobState = isDead ? "dead" : boss === "active" ? "running" : boss === "created" || boss === "retry" ? "pending" : "done";
    const retryCount = Number(r.retry_count);
    const date = (v: unknown) => (v ? new Date(v as string).getTime() : null);
    return {
      id: Number(env.n),
      queue: isDead ? name.slice(0, -DEAD.length) : name,
      queueKey: isDead ? (env.k ?? "") : String(r.singleton_key ?? ""),
      dedupeKey: env.d,
      payload: env.p,
      state,
      // pg-boss counts a claim of a job that ran before as a retry: claims = retry_count + 1 once started.
      attempts: isDead ? (env.a ?? 0) : r.started_on ? Math.max(0, retryCount + 1 - env.r) : 0,
      runAt: date(r.start_after) ?? 0,
      leaseOwner: null,
      leaseUntil: boss === "active" ? (date(r.started_on) ?? 0) + Number(r.expire_seconds) * 1000 : null,
      lastError: env.e,
      lastStatus: (r.output as { s?: number } | null)?.s ?? env.s ?? null,
      createdAt: date(r.created_on) ?? 0,
      updatedAt: date(r.completed_on) ?? date(r.started_on) ?? date(r.created_on) ?? 0,
    };
  }
}

export type { PgClient };
