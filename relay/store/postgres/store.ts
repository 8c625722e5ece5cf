import { transaction } from "../../../lib/postgres";
import type { Pacer } from "../../delivery/pacer";
import { dedupKeyFor, EVENT_RANK, PD_ORDER, type AlertStatus, type PdAction, type PdState } from "../../domain/state";
import {
  QUEUES,
  type AlertObservation,
  type AlertRecord,
  type IntakeDeadLetter,
  type ObserveResult,
  type PdWebhookPayload,
  type RelayStore,
  type SentEvent,
} from "../types";
import { PgBossOutbox } from "./outbox";
import type { Queryable } from "./queryable";
import { PgPacer } from "./pacer";
import { PgSingletonSchedule } from "./singleton";
import { PgWebhookIds } from "./webhook-ids";
import { alertFromRow, intakeDeadLetterFromRow, sentFromRow } from "../rows";

export interface PgRelayStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** A claimed job not settled within this time goes to another replica (default 60 s). */
  leaseMs?: number;
  /** Connections per pool (pg-boss's and the store's; default 10). */
  max?: number;
  /** How often expired leases are looked for (default 5 s). */
  superviseIntervalSeconds?: number;
  applicationName?: string;
}

/** Alerts the project or PagerDuty may still show open: domain/state mayHaveIncident in SQL, as in the SQLite store. */
const ACTIVE = "(status IN ('OPEN','TRACKING') OR pd_state IN ('triggered','acknowledged') OR (pd_state = 'none' AND pd_attempted IS NOT NULL))";

/** Marks a failure to reach PostgreSQL, so intake answers 503 (relay/app.ts) rather than 500. */
function markUnavailable(err: unknown): never {
  const e = err as Error & { code?: string; storeUnavailable?: boolean };
  const code = String(e?.code ?? "");
  if (
    /^(08|57P0)/.test(code) ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? "")
  ) {
    e.storeUnavailable = true;
  }
  throw err;
}

/**
 * The relay's state on PostgreSQL, for several replicas: the same tables as
 * the SQLite store (schema `relay`) and the outbox on pg-boss (PgBossOutbox).
 * An accepted webhook's state and its delivery job commit in one transaction;
 * the alert row moves only forward, decided under its row lock, so replicas
 * recording the open and the close of one alert at once end on the close.
 */
export class PgRelayStore implements RelayStore {
  readonly kind = "postgres" as const;

  private constructor(readonly outbox: PgBossOutbox) {}

  /** Connects, runs migrations (advisory-locked: replicas may start together) and starts pg-boss. */
  static async open(opts: PgRelayStoreOptions): Promise<PgRelayStore> {
    const outbox = await PgBossOutbox.open(opts.url, {
      queues: [QUEUES.deliver, QUEUES.pdWebhook],
      leaseMs: opts.leaseMs,
      max: opts.max,
      superviseIntervalSeconds: opts.superviseIntervalSeconds,
      applicationName: opts.applicationName ?? "pagerduty-relay",
    });
    return new PgRelayStore(outbox);
  }

  /** Pacing shared with the other replicas through this database. */
  pacer(perMinute: number, burst: number): Pacer {
    return new PgPacer(this.pool, perMinute, burst);
  }

  /** A job run once per interval across all replicas (the reconciler). Call start() on it. */
  singleton(name: string, intervalMs: number, handler: () => Promise<void>, onError?: (err: unknown) => void): PgSingletonSchedule {
    return new PgSingletonSchedule(this.outbox.boss, name, intervalMs, handler, onError);
  }

  private get pool() {
    return this.outbox.pool;
  }

  private enqueue(c: Queryable, routeId: string, alertId: string, now: number) {
    const key = `${routeId}/${alertId}`;
    return this.outbox.enqueueIn(c, { queue: QUEUES.deliver, queueKey: key, dedupeKey: `deliver/${key}`, payload: { routeId, alertId } }, now);
  }

  async observeAlert(o: AlertObservation, now: number): Promise<ObserveResult> {
    return this.observe(o, now).catch(markUnavailable);
  }

  private observe(o: AlertObservation, now: number): Promise<ObserveResult> {
    return transaction(this.pool, async (c) => {
      if (o.alertConfigId) {
        // last_seen moves at most once a day: retention needs days, not a write per webhook.
        await c.query(
          `INSERT INTO relay.served_configs AS s (route_id, alert_config_id, first_seen, last_seen) VALUES ($1, $2, $3, $3)
           ON CONFLICT (route_id, alert_config_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
           WHERE COALESCE(s.last_seen, s.first_seen) < EXCLUDED.last_seen - 86400000`,
          [o.routeId, o.alertConfigId, now],
        );
      }
      const rank = EVENT_RANK[o.event];
      const inserted = await c.query(
        `INSERT INTO relay.alerts (route_id, alert_id, project_id, dedup_key, alert_config_id, status, acknowledged, acknowledged_until, inform, updated_ms, rank, last_event, facts, first_status, created_at, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $6, $14, $14)
         ON CONFLICT (route_id, alert_id) DO NOTHING RETURNING *`,
        [
          o.routeId,
          o.alertId,
          o.projectId,
          dedupKeyFor(o.projectId, o.alertId),
          o.alertConfigId,
          o.status,
          o.acknowledged,
          o.acknowledgedUntil,
          o.inform,
          o.updatedMs,
          rank,
          o.event,
          JSON.stringify(o.facts),
          now,
        ],
      );
      if (inserted.rows[0]) {
        await this.enqueue(c, o.routeId, o.alertId, now);
        return { outcome: "new" as const, alert: alertFromRow(inserted.rows[0]) };
      }
      // Newer only (relay/domain/state isNewer): terminal stays, terminal wins, later updated wins, ties by rank.
      const advanced = await c.query(
        // A refusal stands for the state it was made in: a new status or acknowledgement clears it (the right-hand sides read the old row).
        `UPDATE relay.alerts a SET alert_config_id = COALESCE($3, a.alert_config_id), status = $4, acknowledged = $5, acknowledged_until = $6,
           updated_ms = GREATEST($7, a.updated_ms), rank = $8, last_event = $9, facts = $10, changed_at = $11,
           pd_refused = CASE WHEN a.status = $4 AND a.acknowledged = $5 THEN a.pd_refused END
         WHERE route_id = $1 AND alert_id = $2
           AND a.status NOT IN ('CLOSED','CANCELLED')
           AND ($4 IN ('CLOSED','CANCELLED') OR $7 > a.updated_ms OR ($7 = a.updated_ms AND $8 > a.rank))
         RETURNING *`,
        [o.routeId, o.alertId, o.alertConfigId, o.status, o.acknowledged, o.acknowledgedUntil, o.updatedMs, rank, o.event, JSON.stringify(o.facts), now],
      );
      if (advanced.rows[0]) {
        await this.enqueue(c, o.routeId, o.alertId, now);
        return { outcome: "advanced" as const, alert: alertFromRow(advanced.rows[0]) };
      }
      const { rows } = await c.query("SELECT * FROM relay.alerts WHERE route_id = $1 AND alert_id = $2", [o.routeId, o.alertId]);
      return { outcome: "stale" as const, alert: alertFromRow(rows[0]) };
    });
  }

  async getAlert(routeId: string, alertId: string): Promise<AlertRecord | undefined> {
    const { rows } = await this.pool.query("SELECT * FROM relay.alerts WHERE route_id = $1 AND alert_id = $2", [routeId, alertId]);
    return rows[0] ? alertFromRow(rows[0]) : undefined;
  }

  async findAlertsByDedupKey(dedupKey: string): Promise<AlertRecord[]> {
    const { rows } = await this.pool.query("SELECT * FROM relay.alerts WHERE dedup_key = $1", [dedupKey]);
    return rows.map(alertFromRow);
  }

  async listAlerts(opts: { routeId?: string; limit?: number; activeOnly?: boolean }): Promise<AlertRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.routeId) {
      args.push(opts.routeId);
      where.push(`route_id = $${args.length}`);
    }
    if (opts.activeOnly) where.push(ACTIVE);
    args.push(opts.limit ?? 100);
    const { rows } = await this.pool.query(
      `SELECT * FROM relay.alerts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY changed_at DESC LIMIT $${args.length}`,
      args,
    );
    return rows.map(alertFromRow);
  }

  async listActiveAlerts(routeId: string, opts: { after?: string; limit: number }): Promise<AlertRecord[]> {
    const { rows } = await this.pool.query(`SELECT * FROM relay.alerts WHERE route_id = $1 AND alert_id > $2 AND ${ACTIVE} ORDER BY alert_id LIMIT $3`, [
      routeId,
      opts.after ?? "",
      opts.limit,
    ]);
    return rows.map(alertFromRow);
  }

  async setPdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void> {
    // Only forward: a late success report never moves PagerDuty's known state back.
    const lower = Object.entries(PD_ORDER)
      .filter(([, n]) => n < PD_ORDER[pd])
      .map(([s]) => s);
    await this.pool.query("UPDATE relay.alerts SET pd_state = $3, changed_at = $4 WHERE route_id = $1 AND alert_id = $2 AND pd_state = ANY($5)", [
      routeId,
      alertId,
      pd,
      now,
      lower,
    ]);
  }

  async notePdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void> {
    await transaction(this.pool, async (c) => {
      const { rows } = await c.query("SELECT pd_state, ack_timed_out FROM relay.alerts WHERE route_id = $1 AND alert_id = $2 FOR UPDATE", [routeId, alertId]);
      if (!rows[0]) return;
      const current = rows[0].pd_state as PdState;
      let next = current;
      if (pd === "resolved" || pd === "acknowledged") next = PD_ORDER[pd] > PD_ORDER[next] ? pd : next;
      else if (pd === "triggered" && next === "acknowledged") next = "triggered"; // unacknowledged in PagerDuty
      const timedOut = pd === "triggered" ? true : pd === "acknowledged" ? false : Boolean(rows[0].ack_timed_out);
      if (next === current && timedOut === Boolean(rows[0].ack_timed_out)) return;
      await c.query("UPDATE relay.alerts SET pd_state = $3, ack_timed_out = $4, changed_at = $5 WHERE route_id = $1 AND alert_id = $2", [
        routeId,
        alertId,
        next,
        timedOut,
        now,
      ]);
    });
  }

  async setAckedByRelay(routeId: string, alertId: string, acked: boolean, now: number): Promise<void> {
    await this.pool.query("UPDATE relay.alerts SET acked_by_relay = $3, acknowledged = $3, changed_at = $4 WHERE route_id = $1 AND alert_id = $2", [
      routeId,
      alertId,
      acked,
      now,
    ]);
  }

  async enqueueDelivery(routeId: string, alertId: string, now: number): Promise<void> {
    await transaction(this.pool, (c) => this.enqueue(c, routeId, alertId, now));
  }

  async servedConfigs(routeId: string): Promise<string[]> {
    const { rows } = await this.pool.query("SELECT alert_config_id FROM relay.served_configs WHERE route_id = $1 ORDER BY alert_config_id", [routeId]);
    return rows.map((r) => r.alert_config_id);
  }

  async recordIntakeDeadLetter(d: Omit<IntakeDeadLetter, "id">): Promise<void> {
    await this.pool.query(
      "INSERT INTO relay.intake_dead_letters (route_id, reason, event, project_id, alert_id, received_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [d.routeId, d.reason, d.event, d.projectId, d.alertId, d.receivedAt],
    );
  }

  async listIntakeDeadLetters(limit: number): Promise<IntakeDeadLetter[]> {
    const { rows } = await this.pool.query("SELECT * FROM relay.intake_dead_letters ORDER BY id DESC LIMIT $1", [limit]);
    return rows.map(intakeDeadLetterFromRow);
  }

  async acceptPdWebhook(payload: PdWebhookPayload, now: number): Promise<boolean> {
    return this.accept(payload, now).catch(markUnavailable);
  }

  private accept(payload: PdWebhookPayload, now: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      // The id and the job commit together: a duplicate racing on another replica waits on the
      // id's primary key and then finds it taken.
      if (payload.webhookId !== null && !(await new PgWebhookIds(c).firstSeen(payload.webhookId))) return false;
      await this.outbox.enqueueIn(c, { queue: QUEUES.pdWebhook, queueKey: `incident/${payload.event.data.id}`, payload }, now);
      return true;
    });
  }

  async pruneRetained(before: number): Promise<{ alerts: number; servedConfigs: number; intakeDeadLetters: number }> {
    const batches = async (table: string, where: string) => {
      let total = 0;
      for (;;) {
        const { rowCount } = await this.pool.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT 1000)`, [before]);
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < 1000) return total;
      }
    };
    return {
      alerts: await batches("relay.alerts", `changed_at < $1 AND NOT ${ACTIVE}`),
      servedConfigs: await batches("relay.served_configs", "COALESCE(last_seen, first_seen) < $1"),
      intakeDeadLetters: await batches("relay.intake_dead_letters", "received_at < $1"),
    };
  }

  async pruneWebhookIds(before: number): Promise<number> {
    const { rowCount } = await this.pool.query("DELETE FROM relay.webhook_ids WHERE received_at < to_timestamp($1::double precision / 1000)", [before]);
    return rowCount ?? 0;
  }

  async markAttempt(routeId: string, alertId: string, action: PdAction | null, now: number): Promise<void> {
    await this.pool.query("UPDATE relay.alerts SET pd_attempted = $3, changed_at = $4 WHERE route_id = $1 AND alert_id = $2", [routeId, alertId, action, now]);
  }

  async markRefused(routeId: string, alertId: string, action: PdAction, now: number): Promise<void> {
    await this.pool.query("UPDATE relay.alerts SET pd_refused = $3, changed_at = $4 WHERE route_id = $1 AND alert_id = $2", [routeId, alertId, action, now]);
  }

  async markSent(e: SentEvent, pd: PdState): Promise<void> {
    const lower = Object.entries(PD_ORDER)
      .filter(([, n]) => n < PD_ORDER[pd])
      .map(([st]) => st);
    await transaction(this.pool, async (c) => {
      await c.query("UPDATE relay.alerts SET pd_state = $3, changed_at = $4 WHERE route_id = $1 AND alert_id = $2 AND pd_state = ANY($5)", [
        e.routeId,
        e.alertId,
        pd,
        e.at,
        lower,
      ]);
      await c.query("UPDATE relay.alerts SET pd_attempted = NULL, pd_refused = NULL WHERE route_id = $1 AND alert_id = $2", [e.routeId, e.alertId]);
      await c.query("INSERT INTO relay.sent (route_id, alert_id, action, at) VALUES ($1, $2, $3, $4)", [e.routeId, e.alertId, e.action, e.at]);
    });
  }

  async pruneHistory(before: number): Promise<number> {
    const jobs = await this.outbox.prune(before);
    const { rowCount } = await this.pool.query("DELETE FROM relay.sent WHERE at < $1", [before]);
    return jobs + (rowCount ?? 0);
  }

  async recordSent(e: SentEvent): Promise<void> {
    await this.pool.query("INSERT INTO relay.sent (route_id, alert_id, action, at) VALUES ($1, $2, $3, $4)", [e.routeId, e.alertId, e.action, e.at]);
  }

  async recentSent(limit: number): Promise<SentEvent[]> {
    const { rows } = await this.pool.query("SELECT * FROM relay.sent ORDER BY id DESC LIMIT $1", [limit]);
    return rows.map(sentFromRow);
  }

  async setReconciled(routeId: string, at: number, repairs: number): Promise<void> {
    await this.pool.query(
      "INSERT INTO relay.reconciled (route_id, at, repairs) VALUES ($1, $2, $3) ON CONFLICT (route_id) DO UPDATE SET at = EXCLUDED.at, repairs = EXCLUDED.repairs",
      [routeId, at, repairs],
    );
  }

  async lastReconciled(): Promise<Record<string, { at: number; repairs: number }>> {
    const out: Record<string, { at: number; repairs: number }> = {};
    for (const r of (await this.pool.query("SELECT * FROM relay.reconciled")).rows) out[r.route_id] = { at: Number(r.at), repairs: Number(r.repairs) };
    return out;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query("SELECT value FROM relay.settings WHERE key = $1", [key]);
    return rows[0]?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.pool.query("INSERT INTO relay.settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, value]);
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }
  async close(): Promise<void> {
    await this.outbox.close();
  }
}

export type { AlertStatus };
