import { backoffDelay } from "../backoff";
import { migrate, prepared, transaction, type Db } from "../sqlite";
import type { ClaimOptions, EnqueueInput, FailOptions, Job, JobState, ListOptions, Outbox, OutboxStats } from "./types";

interface Row {
  id: number;
  queue: string;
  queue_key: string;
  dedupe_key: string | null;
  payload: string;
  state: string;
  attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  updated_at: number;
}

function toJob<P>(r: Row): Job<P> {
  return {
    id: Number(r.id),
    queue: r.queue,
    queueKey: r.queue_key,
    dedupeKey: r.dedupe_key,
    payload: JSON.parse(r.payload) as P,
    state: r.state as JobState,
    attempts: Number(r.attempts),
    runAt: Number(r.run_at),
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    lastError: r.last_error,
    lastStatus: r.last_status === null || r.last_status === undefined ? null : Number(r.last_status),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const IDENT = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The outbox on SQLite. Every method is synchronous underneath (node:sqlite), so callers that
 * must write a job in the same transaction as their own rows use `enqueueSync` inside
 * `transaction(db, ...)`. The table name is a parameter: each owner keeps its jobs apart.
 */
export class SqliteOutbox implements Outbox {
  readonly table: string;
  private readonly commit: <T>(write: () => T) => Promise<T>;

  constructor(
    private readonly db: Db,
    opts: {
      table?: string;
      /**
       * How the async methods' writes commit; each in its own transaction by default. An owner
       * with a group commit passes it, so a worker's claims and outcomes share its fsyncs instead
       * of paying one each (with synchronous=FULL an fsync blocks the event loop).
       */
      commit?: <T>(write: () => T) => Promise<T>;
    } = {},
  ) {
    this.commit = opts.commit ?? (async (write) => transaction(db, write));
    this.table = opts.table ?? "outbox_jobs";
    if (!IDENT.test(this.table)) throw new Error(`outbox table name must match ${IDENT} (got ${JSON.stringify(this.table)})`);
    const t = this.table;
    migrate(db, [
      {
        name: `outbox/${t}/001-jobs`,
        sql: `CREATE TABLE ${t} (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                queue TEXT NOT NULL,
                queue_key TEXT NOT NULL,
                dedupe_key TEXT,
                payload TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending','running','done','dead')),
                attempts INTEGER NOT NULL DEFAULT 0,
                run_at INTEGER NOT NULL,
                lease_owner TEXT,
                lease_until INTEGER,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
              );
              CREATE UNIQUE INDEX ${t}_dedupe ON ${t} (dedupe_key) WHERE state = 'pending' AND dedupe_key IS NOT NULL;
              CREATE INDEX ${t}_live ON ${t} (queue_key, id) WHERE state IN ('pending','running');
              CREATE INDEX ${t}_due ON ${t} (state, run_at);`,
      },
      { name: `outbox/${t}/002-last-status`, sql: `ALTER TABLE ${t} ADD COLUMN last_status INTEGER;` },
    ]);
  }

  /** `enqueue` for use inside the caller's transaction. */
  enqueueSync<P>(input: EnqueueInput<P>, now: number): Job<P> {
    const t = this.table;
    if (input.deadLetter !== undefined) {
      const r = prepared(
        this.db,
        `INSERT INTO ${t} (queue, queue_key, dedupe_key, payload, state, attempts, run_at, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, 'dead', 0, ?, ?, ?, ?) RETURNING *`,
      ).get(
        input.queue,
        input.queueKey,
        input.dedupeKey ?? null,
        JSON.stringify(input.payload ?? null),
        input.runAt ?? now,
        input.deadLetter,
        now,
        now,
      ) as unknown as Row;
      return toJob<P>(r);
    }
    if (input.dedupeKey !== undefined) {
      const existing = prepared(this.db, `SELECT * FROM ${t} WHERE dedupe_key = ? AND state = 'pending'`).get(input.dedupeKey) as Row | undefined;
      if (existing) {
        // An earlier run time wins for a job never tried; a job in backoff keeps it, so a flood of
        // enqueues cannot defeat the backoff.
        const runAt = input.runAt ?? now;
        if (existing.attempts === 0 && runAt < Number(existing.run_at)) {
          prepared(this.db, `UPDATE ${t} SET run_at = ?, updated_at = ? WHERE id = ?`).run(runAt, now, existing.id);
          existing.run_at = runAt;
        }
        return toJob<P>(existing);
      }
    }
    const r = prepared(
      this.db,
      `INSERT INTO ${t} (queue, queue_key, dedupe_key, payload, state, attempts, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING *`,
    ).get(input.queue, input.queueKey, input.dedupeKey ?? null, JSON.stringify(input.payload ?? null), input.runAt ?? now, now, now) as unknown as Row;
    return toJob<P>(r);
  }

  async enqueue<P>(input: EnqueueInput<P>, now: number): Promise<Job<P>> {
    return this.commit(() => this.enqueueSync(input, now));
  }

  claimSync(opts: ClaimOptions): Job[] {
    const t = this.table;
    if (opts.queues.length === 0 || opts.limit <= 0) return [];
    const qs = opts.queues.map(() => "?").join(",");
    // A job is claimable when due (or its lease expired) and no earlier live job shares its queue key.
    const blocked = `NOT EXISTS (SELECT 1 FROM ${t} p WHERE p.queue_key = o.queue_key AND p.id < o.id AND p.state IN ('pending','running'))`;
    return transaction(this.db, () => {
      // Two searches, each in index order (state, run_at, id) so it stops after `limit` rows: one
      // query with OR sorted every due job first, which cost O(backlog) per claim under load.
      const due = prepared(
        this.db,
        `SELECT o.id, o.run_at FROM ${t} o INDEXED BY ${t}_due
           WHERE o.state = 'pending' AND o.run_at <= ? AND o.queue IN (${qs}) AND ${blocked}
           ORDER BY o.run_at, o.id LIMIT ?`,
      ).all(opts.dueBy ?? opts.now, ...opts.queues, opts.limit) as Array<{ id: number; run_at: number }>;
      const expired = prepared(
        this.db,
        `SELECT o.id, o.run_at FROM ${t} o
           WHERE o.state = 'running' AND o.lease_until <= ? AND o.queue IN (${qs}) AND ${blocked}
           ORDER BY o.run_at, o.id LIMIT ?`,
      ).all(opts.now, ...opts.queues, opts.limit) as Array<{ id: number; run_at: number }>;
      const rows = [...due, ...expired].sort((a, b) => Number(a.run_at) - Number(b.run_at) || Number(a.id) - Number(b.id)).slice(0, opts.limit);
      const claim = prepared(
        this.db,
        `UPDATE ${t} SET state = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING *`,
      );
      return rows.map((r) => toJob(claim.get(opts.owner, opts.now + opts.leaseMs, opts.now, r.id) as unknown as Row));
    });
  }

  async claim(opts: ClaimOptions): Promise<Job[]> {
    return this.commit(() => this.claimSync(opts));
  }

  private owned(id: number, owner: string): Row | undefined {
    return prepared(this.db, `SELECT * FROM ${this.table} WHERE id = ? AND state = 'running' AND lease_owner = ?`).get(id, owner) as Row | undefined;
  }

  completeSync(id: number, owner: string, now: number, status?: number): boolean {
    const r = prepared(
      this.db,
      `UPDATE ${this.table} SET state = 'done', lease_owner = NULL, lease_until = NULL, last_error = NULL, last_status = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    ).run(status ?? null, now, id, owner);
    return Number(r.changes) === 1;
  }

  async complete(id: number, owner: string, now: number, status?: number): Promise<boolean> {
    return this.commit(() => this.completeSync(id, owner, now, status));
  }

  async fail(id: number, owner: string, error: string, now: number, opts: FailOptions): Promise<JobState | undefined> {
    return this.commit(() => this.failSync(id, owner, error, now, opts));
  }

  /** `fail` for use inside the caller's transaction. */
  failSync(id: number, owner: string, error: string, now: number, opts: FailOptions): JobState | undefined {
    return transaction(this.db, () => {
      const row = this.owned(id, owner);
      if (!row) return undefined;
      const attempts = Number(row.attempts);
      if (opts.maxAttempts !== undefined && attempts >= opts.maxAttempts) {
        prepared(
          this.db,
          `UPDATE ${this.table} SET state = 'dead', lease_owner = NULL, lease_until = NULL, last_error = ?, last_status = ?, updated_at = ? WHERE id = ?`,
        ).run(error, opts.status ?? null, now, id);
        return "dead" as const;
      }
      const runAt = opts.runAt ?? now + backoffDelay(opts.schedule, attempts, opts.random);
      this.foldTwin(row, now);
      prepared(
        this.db,
        `UPDATE ${this.table} SET state = 'pending', run_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ?, last_status = ?, updated_at = ? WHERE id = ?`,
      ).run(runAt, error, opts.status ?? null, now, id);
      return "pending" as const;
    });
  }

  /**
   * Puts every running job back to pending now. Only for a database one process owns (the
   * embedded SQLite store): at start, leases held by a previous, crashed run are void.
   */
  releaseAllLeases(now: number): number {
    const t = this.table;
    return transaction(this.db, () => {
      // Of the live jobs sharing a running job's dedupe key, the oldest stays (see foldTwin).
      prepared(
        this.db,
        `UPDATE ${t} SET state = 'done', lease_owner = NULL, lease_until = NULL, last_error = 'folded into an older job with its dedupe key', updated_at = ?
           WHERE state IN ('pending','running') AND dedupe_key IN (SELECT dedupe_key FROM ${t} WHERE state = 'running' AND dedupe_key IS NOT NULL)
             AND id > (SELECT MIN(id) FROM ${t} o WHERE o.dedupe_key = ${t}.dedupe_key AND o.state IN ('pending','running'))`,
      ).run(now);
      return Number(
        prepared(
          this.db,
          `UPDATE ${t} SET state = 'pending', run_at = MIN(run_at, ?), lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE state = 'running'`,
        ).run(now, now).changes,
      );
    });
  }

  /**
   * A running job goes back to pending while a twin with its dedupe key was enqueued meanwhile
   * (allowed: the running one was not pending). At most one pending job per dedupe key, so the
   * twin folds into this older one, as its enqueue would have if this job had been pending then.
   */
  private foldTwin(row: Row, now: number): void {
    if (row.dedupe_key === null) return;
    prepared(
      this.db,
      `UPDATE ${this.table} SET state = 'done', last_error = 'folded into an older job with its dedupe key', updated_at = ? WHERE dedupe_key = ? AND state = 'pending' AND id != ?`,
    ).run(now, row.dedupe_key, row.id);
  }

  async release(id: number, owner: string, runAt: number, now: number): Promise<boolean> {
    return this.commit(() => {
      const row = this.owned(id, owner);
      if (!row) return false;
      this.foldTwin(row, now);
      const r = prepared(
        this.db,
        `UPDATE ${this.table} SET state = 'pending', run_at = ?, attempts = MAX(0, attempts - 1), lease_owner = NULL, lease_until = NULL, updated_at = ?
           WHERE id = ? AND state = 'running' AND lease_owner = ?`,
      ).run(runAt, now, id, owner);
      return Number(r.changes) === 1;
    });
  }

  async deadLetter(id: number, owner: string, error: string, now: number, status?: number): Promise<boolean> {
    return this.commit(() => this.deadLetterSync(id, owner, error, now, status));
  }

  /** `deadLetter` for use inside the caller's transaction. */
  deadLetterSync(id: number, owner: string, error: string, now: number, status?: number): boolean {
    const r = prepared(
      this.db,
      `UPDATE ${this.table} SET state = 'dead', lease_owner = NULL, lease_until = NULL, last_error = ?, last_status = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    ).run(error, status ?? null, now, id, owner);
    return Number(r.changes) === 1;
  }

  async retryDead(id: number, now: number): Promise<boolean> {
    return this.commit(() => {
      const row = prepared(this.db, `SELECT * FROM ${this.table} WHERE id = ? AND state = 'dead'`).get(id) as Row | undefined;
      if (!row) return false;
      // A pending twin with the same dedupe key already covers it: the dead letter is settled.
      if (row.dedupe_key !== null && prepared(this.db, `SELECT 1 FROM ${this.table} WHERE dedupe_key = ? AND state = 'pending'`).get(row.dedupe_key)) {
        prepared(this.db, `UPDATE ${this.table} SET state = 'done', updated_at = ? WHERE id = ?`).run(now, id);
        return true;
      }
      prepared(this.db, `UPDATE ${this.table} SET state = 'pending', attempts = 0, run_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
      return true;
    });
  }

  async get<P = unknown>(id: number): Promise<Job<P> | undefined> {
    const r = prepared(this.db, `SELECT * FROM ${this.table} WHERE id = ?`).get(id) as Row | undefined;
    return r ? toJob<P>(r) : undefined;
  }

  async list(opts: ListOptions): Promise<Job[]> {
    return this.listSync(opts);
  }

  listSync(opts: ListOptions): Job[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.states?.length) {
      where.push(`state IN (${opts.states.map(() => "?").join(",")})`);
      args.push(...opts.states);
    }
    if (opts.queue) {
      where.push("queue = ?");
      args.push(opts.queue);
    }
    if (opts.queueKeyPrefix !== undefined) {
      // substr, not LIKE: a key may hold % or _.
      where.push("substr(queue_key, 1, ?) = ?");
      args.push(opts.queueKeyPrefix.length, opts.queueKeyPrefix);
    }
    const sql = `SELECT * FROM ${this.table} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (prepared(this.db, sql).all(...args, opts.limit ?? 100) as unknown as Row[]).map((r) => toJob(r));
  }

  async stats(now: number): Promise<OutboxStats> {
    const rows = prepared(
      this.db,
      `SELECT queue, SUM(state IN ('pending','running')) AS depth, SUM(state = 'dead') AS dead,
                MIN(CASE WHEN state IN ('pending','running') THEN created_at END) AS oldest
         FROM ${this.table} WHERE state != 'done' GROUP BY queue`,
    ).all() as Array<{ queue: string; depth: number; dead: number; oldest: number | null }>;
    const out: OutboxStats = { depth: 0, oldestAgeMs: 0, dead: 0, byQueue: {} };
    let oldest: number | undefined;
    for (const r of rows) {
      out.depth += Number(r.depth);
      out.dead += Number(r.dead);
      out.byQueue[r.queue] = { depth: Number(r.depth), dead: Number(r.dead) };
      if (r.oldest !== null && (oldest === undefined || Number(r.oldest) < oldest)) oldest = Number(r.oldest);
    }
    out.oldestAgeMs = oldest === undefined ? 0 : Math.max(0, now - oldest);
    return out;
  }

  async nextRunAt(): Promise<number | undefined> {
    const r = prepared(
      this.db,
      `SELECT MIN(CASE WHEN state = 'pending' THEN run_at ELSE lease_until END) AS t FROM ${this.table} WHERE state IN ('pending','running')`,
    ).get() as { t: number | null };
    return r.t === null ? undefined : Number(r.t);
  }

  async prune(before: number): Promise<number> {
    return Number(prepared(this.db, `DELETE FROM ${this.table} WHERE state = 'done' AND updated_at < ?`).run(before).changes);
  }
}
