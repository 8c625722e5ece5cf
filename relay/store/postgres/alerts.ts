import type { Queryable } from "./queryable";

export type AlertStatus = "TRACKING" | "OPEN" | "CLOSED" | "CANCELLED";
export type PdState = "none" | "triggered" | "acknowledged" | "resolved";

/** One observation of a project alert (a webhook, a reconcile read). */
export interface AlertObservation {
  dedupKey: string;
  routeId: string;
  status: AlertStatus;
  acknowledged: boolean;
  inform: boolean;
  /** The alert's `updated`, epoch ms. */
  updatedMs: number;
  /** Event order for ties: open < update < acknowledge < close/cancel. */
  rank: number;
  body?: unknown;
}

export interface AlertRow extends AlertObservation {
  pdState: PdState;
  /** The last action whose send started (its outcome may be unknown after a crash). */
  pdAttempted: "trigger" | "acknowledge" | "resolve" | null;
}

/**
 * The alerts table on PostgreSQL. `record` is an upsert that moves the row
 * only forward (the rule of relay/domain/state.ts `isNewer`: closed and
 * cancelled stay; a terminal status wins; later `updated` wins; ties go to the
 * later event), decided inside the statement so two replicas recording the
 * open and the close of one alert at once end on the close.
 */
export class PgAlerts {
  constructor(private readonly db: Queryable) {}

  /** Records `o` when it is newer; returns whether the stored state changed. */
  async record(o: AlertObservation, db: Queryable = this.db): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO relay.alerts AS a (dedup_key, route_id, status, acknowledged, inform, updated_ms, rank, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (dedup_key) DO UPDATE SET
         status = EXCLUDED.status,
         acknowledged = a.acknowledged OR EXCLUDED.acknowledged,
         inform = EXCLUDED.inform,
         updated_ms = EXCLUDED.updated_ms,
         rank = EXCLUDED.rank,
         body = EXCLUDED.body,
         changed_at = now()
       WHERE a.status NOT IN ('CLOSED','CANCELLED')
         AND (EXCLUDED.status IN ('CLOSED','CANCELLED')
              OR EXCLUDED.updated_ms > a.updated_ms
              OR (EXCLUDED.updated_ms = a.updated_ms AND EXCLUDED.rank > a.rank))`,
      [o.dedupKey, o.routeId, o.status, o.acknowledged, o.inform, o.updatedMs, o.rank, o.body === undefined ? null : JSON.stringify(o.body)],
    );
    return rowCount === 1;
  }

  async get(dedupKey: string, db: Queryable = this.db): Promise<AlertRow | undefined> {
    const { rows } = await db.query("SELECT * FROM relay.alerts WHERE dedup_key = $1", [dedupKey]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      dedupKey: r.dedup_key,
      routeId: r.route_id,
      status: r.status,
      acknowledged: r.acknowledged,
      inform: r.inform,
      updatedMs: Number(r.updated_ms),
      rank: r.rank,
      body: r.body ?? undefined,
      pdState: r.pd_state,
      pdAttempted: r.pd_attempted ?? null,
    };
  }

  /** Written before a send starts, so a crash mid-send leaves the doubt on record. */
  async setAttempted(dedupKey: string, action: "trigger" | "acknowledge" | "resolve", db: Queryable = this.db): Promise<void> {
    await db.query("UPDATE relay.alerts SET pd_attempted = $2 WHERE dedup_key = $1", [dedupKey, action]);
  }

  /** What PagerDuty accepted (after a 202). */
  async setPdState(dedupKey: string, pd: PdState, db: Queryable = this.db): Promise<void> {
    await db.query("UPDATE relay.alerts SET pd_state = $2 WHERE dedup_key = $1", [dedupKey, pd]);
  }
}
