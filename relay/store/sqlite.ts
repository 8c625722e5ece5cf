import { SqliteOutbox } from "../../lib/outbox";
import { alertFromRow, intakeDeadLetterFromRow, sentFromRow } from "./rows";
import { migrate, openDb, prepared, transaction, type Db } from "../../lib/sqlite";
import { dedupKeyFor, EVENT_RANK, isNewer, PD_ORDER, type AlertStatus, type PdAction, type PdState } from "../domain/state";
import {
  QUEUES,
  type AlertObservation,
  type AlertRecord,
  type IntakeDeadLetter,
  type ObserveResult,
  type PdWebhookPayload,
  type RelayStore,
  type SentEvent,
} from "./types";

/** The relay's database file in its data dir (relays before 0.3 wrote `sandbox.sqlite`: relay/store/data-dir.ts moves it). */
export const RELAY_DB_FILE = "relay.sqlite";

/** Exported for the upgrade test: a database made by an older relay gains the later ones. */
export const MIGRATIONS = [
  {
    name: "relay/001-alerts",
    sql: `CREATE TABLE relay_alerts (
            route_id TEXT NOT NULL,
            alert_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            dedup_key TEXT NOT NULL,
            alert_config_id TEXT,
            status TEXT NOT NULL,
            acknowledged INTEGER NOT NULL,
            acknowledged_until TEXT,
            inform INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            rank INTEGER NOT NULL,
            last_event TEXT NOT NULL,
            pd_state TEXT NOT NULL DEFAULT 'none',
            acked_by_relay INTEGER NOT NULL DEFAULT 0,
            facts TEXT NOT NULL,
            first_status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            changed_at INTEGER NOT NULL,
            PRIMARY KEY (route_id, alert_id)
          );
          CREATE INDEX relay_alerts_dedup ON relay_alerts (dedup_key);
          CREATE INDEX relay_alerts_changed ON relay_alerts (changed_at);
          CREATE TABLE relay_served_configs (route_id TEXT NOT NULL, alert_config_id TEXT NOT NULL, first_seen INTEGER NOT NULL, PRIMARY KEY (route_id, alert_config_id));
          CREATE TABLE relay_intake_dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, route_id TEXT NOT NULL, reason TEXT NOT NULL, event TEXT NOT NULL, project_id TEXT, alert_id TEXT, received_at INTEGER NOT NULL);
          CREATE TABLE relay_webhook_ids (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
          CREATE INDEX relay_webhook_ids_at ON relay_webhook_ids (received_at);
          CREATE TABLE relay_sent (id INTEGER PRIMARY KEY AUTOINCREMENT, route_id TEXT NOT NULL, alert_id TEXT NOT NULL, action TEXT NOT NULL, at INTEGER NOT NULL);
          CREATE TABLE relay_reconciled (route_id TEXT PRIMARY KEY, at INTEGER NOT NULL, repairs INTEGER NOT NULL);
          CREATE TABLE relay_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
  {
    // The action whose send started and whose outcome is not recorded yet (domain/state mayHaveIncident).
    name: "relay/002-pd-attempted",
    sql: "ALTER TABLE relay_alerts ADD COLUMN pd_attempted TEXT CHECK (pd_attempted IN ('trigger','acknowledge','resolve'));",
  },
  {
    // The action PagerDuty refused (400) for the alert's current state (AlertRecord.pdRefused).
    name: "relay/003-pd-refused",
    sql: "ALTER TABLE relay_alerts ADD COLUMN pd_refused TEXT CHECK (pd_refused IN ('trigger','acknowledge','resolve'));",
  },
  {
    // PagerDuty's acknowledgement timed out: no acknowledgement again until PagerDuty's own (AlertRecord.ackTimedOut).
    name: "relay/004-ack-timed-out",
    sql: "ALTER TABLE relay_alerts ADD COLUMN ack_timed_out INTEGER NOT NULL DEFAULT 0;",
  },
  {
    // Retention (pruneRetained): when a webhook last named a served configuration; dead letters by age.
    name: "relay/005-retention",
    sql: `ALTER TABLE relay_served_configs ADD COLUMN last_seen INTEGER;
          UPDATE relay_served_configs SET last_seen = first_seen;
          CREATE INDEX relay_intake_dead_letters_at ON relay_intake_dead_letters (received_at);`,
  },
];

interface AlertRow {
  route_id: string;
  alert_id: string;
  project_id: string;
  dedup_key: string;
  alert_config_id: string | null;
  status: string;
  acknowledged: number;
  acknowledged_until: string | null;
  inform: number;
  updated_ms: number;
  rank: number;
  last_event: string;
  pd_state: string;
  pd_attempted: string | null;
  pd_refused: string | null;
  acked_by_relay: number;
  ack_timed_out: number;
  facts: string;
  first_status: string;
  created_at: number;
  changed_at: number;
}

/** Alerts the project or PagerDuty may still show open (the reconciler's second pass); domain/state mayHaveIncident in SQL. */
const ACTIVE = "(status IN ('OPEN','TRACKING') OR pd_state IN ('triggered','acknowledged') OR (pd_state = 'none' AND pd_attempted IS NOT NULL))";

export interface SqliteRelayStoreOptions {
  /** Data directory; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** The data dir's lock (relay/store/data-dir.ts), held for the store's life and let go when it closes. */
  lock?: { release(): void };
}

/**
 * The embedded store: one SQLite file (WAL, synchronous commits) holding alert states and the
 * outbox, so an accepted webhook and its delivery job commit together.
 */
export class SqliteRelayStore implements RelayStore {
  readonly kind = "sqlite" as const;
  readonly db: Db;
  readonly outbox: SqliteOutbox;
  private readonly lock?: { release(): void };

  constructor(opts: SqliteRelayStoreOptions) {
    this.lock = opts.lock;
    this.db = openDb(opts.dataDir, RELAY_DB_FILE);
    // Every commit reaches the disk before the 2xx: an accepted webhook survives a power cut.
    this.db.exec("PRAGMA synchronous = FULL");
    migrate(this.db, MIGRATIONS);
    // The worker's claims and job outcomes join the group commit too: one fsync per turn, not one per job.
    this.outbox = new SqliteOutbox(this.db, { table: "relay_jobs", commit: (write) => this.grouped(write) });
    // One process owns this file (the data dir's lock, relay/store/data-dir.ts): whatever a crashed
    // previous run had leased is ours to redo now.
    this.outbox.releaseAllLeases(Date.now());
  }

  private row(routeId: string, alertId: string): AlertRow | undefined {
    return prepared(this.db, "SELECT * FROM relay_alerts WHERE route_id = ? AND alert_id = ?").get(routeId, alertId) as AlertRow | undefined;
  }

  private enqueueSync(routeId: string, alertId: string, now: number): void {
    const key = `${routeId}/${alertId}`;
    this.outbox.enqueueSync({ queue: QUEUES.deliver, queueKey: key, dedupeKey: `deliver/${key}`, payload: { routeId, alertId } }, now);
  }

  private group: Array<{ run: () => unknown; resolve: (r: any) => void; reject: (e: unknown) => void }> = [];

  /**
   * Group commit: writes issued in the same event-loop turn (webhooks being accepted, sends about
   * to start or just done, jobs claimed and finished) share one transaction, so one fsync, and each
   * caller's promise settles only after that commit: a 2xx, or a send, still follows a durable record.
   * Each write runs in its own savepoint, so one that throws is undone and fails alone.
   */
  private grouped<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.group.push({ run, resolve, reject });
      if (this.group.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const items = this.group;
    this.group = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      transaction(this.db, () => {
        for (const i of items) {
          this.db.exec("SAVEPOINT grouped_write");
          try {
            outcomes.push({ ok: true, value: i.run() });
            this.db.exec("RELEASE grouped_write");
          } catch (err) {
            this.db.exec("ROLLBACK TO grouped_write; RELEASE grouped_write");
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const i of items) i.reject(err);
      return;
    }
    for (const [n, i] of items.entries()) {
      const o = outcomes[n];
      if (o.ok) i.resolve(o.value);
      else i.reject(o.err);
    }
  }

  observeAlert(o: AlertObservation, now: number): Promise<ObserveResult> {
    return this.grouped(() => this.observeSync(o, now));
  }

  private observeSync(o: AlertObservation, now: number): ObserveResult {
    return transaction(this.db, () => {
      if (o.alertConfigId) {
        // last_seen moves at most once a day: retention needs days, not a write per webhook.
        prepared(
          this.db,
          `INSERT INTO relay_served_configs (route_id, alert_config_id, first_seen, last_seen) VALUES (?, ?, ?, ?)
             ON CONFLICT (route_id, alert_config_id) DO UPDATE SET last_seen = excluded.last_seen
             WHERE COALESCE(relay_served_configs.last_seen, relay_served_configs.first_seen) < excluded.last_seen - 86400000`,
        ).run(o.routeId, o.alertConfigId, now, now);
      }
      const rank = EVENT_RANK[o.event];
      const existing = this.row(o.routeId, o.alertId);
      if (!existing) {
        prepared(
          this.db,
          `INSERT INTO relay_alerts (route_id, alert_id, project_id, dedup_key, alert_config_id, status, acknowledged, acknowledged_until, inform, updated_ms, rank, last_event, facts, first_status, created_at, changed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          o.routeId,
          o.alertId,
          o.projectId,
          dedupKeyFor(o.projectId, o.alertId),
          o.alertConfigId,
          o.status,
          o.acknowledged ? 1 : 0,
          o.acknowledgedUntil,
          o.inform ? 1 : 0,
          o.updatedMs,
          rank,
          o.event,
          JSON.stringify(o.facts),
          o.status,
          now,
          now,
        );
        this.enqueueSync(o.routeId, o.alertId, now);
        return { outcome: "new" as const, alert: alertFromRow(this.row(o.routeId, o.alertId)!) };
      }
      const stored = { status: existing.status as AlertStatus, updatedMs: Number(existing.updated_ms), rank: Number(existing.rank) };
      if (!isNewer(stored, { status: o.status, updatedMs: o.updatedMs, rank })) return { outcome: "stale" as const, alert: alertFromRow(existing) };
      prepared(
        this.db,
        // A refusal stands for the state it was made in: a new status or acknowledgement clears it (the right-hand sides read the old row).
        `UPDATE relay_alerts SET alert_config_id = COALESCE(?, alert_config_id), status = ?, acknowledged = ?, acknowledged_until = ?, updated_ms = ?, rank = ?, last_event = ?, facts = ?, changed_at = ?,
             pd_refused = CASE WHEN status = ? AND acknowledged = ? THEN pd_refused END
           WHERE route_id = ? AND alert_id = ?`,
      ).run(
        o.alertConfigId,
        o.status,
        o.acknowledged ? 1 : 0,
        o.acknowledgedUntil,
        Math.max(o.updatedMs, stored.updatedMs),
        rank,
        o.event,
        JSON.stringify(o.facts),
        now,
        o.status,
        o.acknowledged ? 1 : 0,
        o.routeId,
        o.alertId,
      );
      this.enqueueSync(o.routeId, o.alertId, now);
      return { outcome: "advanced" as const, alert: alertFromRow(this.row(o.routeId, o.alertId)!) };
    });
  }

  async getAlert(routeId: string, alertId: string): Promise<AlertRecord | undefined> {
    const r = this.row(routeId, alertId);
    return r ? alertFromRow(r) : undefined;
  }

  async findAlertsByDedupKey(dedupKey: string): Promise<AlertRecord[]> {
    return (prepared(this.db, "SELECT * FROM relay_alerts WHERE dedup_key = ?").all(dedupKey) as unknown as AlertRow[]).map(alertFromRow);
  }

  async listAlerts(opts: { routeId?: string; limit?: number; activeOnly?: boolean }): Promise<AlertRecord[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.routeId) {
      where.push("route_id = ?");
      args.push(opts.routeId);
    }
    if (opts.activeOnly) where.push(ACTIVE);
    const sql = `SELECT * FROM relay_alerts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY changed_at DESC LIMIT ?`;
    return (prepared(this.db, sql).all(...args, opts.limit ?? 100) as unknown as AlertRow[]).map(alertFromRow);
  }

  async listActiveAlerts(routeId: string, opts: { after?: string; limit: number }): Promise<AlertRecord[]> {
    const sql = `SELECT * FROM relay_alerts WHERE route_id = ? AND alert_id > ? AND ${ACTIVE} ORDER BY alert_id LIMIT ?`;
    return (prepared(this.db, sql).all(routeId, opts.after ?? "", opts.limit) as unknown as AlertRow[]).map(alertFromRow);
  }

  async setPdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void> {
    // Only forward: a late success report never moves PagerDuty's known state back.
    const r = this.row(routeId, alertId);
    if (!r || PD_ORDER[pd] <= PD_ORDER[r.pd_state as PdState]) return;
    prepared(this.db, "UPDATE relay_alerts SET pd_state = ?, changed_at = ? WHERE route_id = ? AND alert_id = ?").run(pd, now, routeId, alertId);
  }

  markAttempt(routeId: string, alertId: string, action: PdAction | null, now: number): Promise<void> {
    return this.grouped(() => {
      prepared(this.db, "UPDATE relay_alerts SET pd_attempted = ?, changed_at = ? WHERE route_id = ? AND alert_id = ?").run(action, now, routeId, alertId);
    });
  }

  markSent(e: SentEvent, pd: PdState): Promise<void> {
    return this.grouped(() => {
      void this.setPdState(e.routeId, e.alertId, pd, e.at);
      prepared(this.db, "UPDATE relay_alerts SET pd_attempted = NULL, pd_refused = NULL WHERE route_id = ? AND alert_id = ?").run(e.routeId, e.alertId);
      void this.recordSent(e);
    });
  }

  markRefused(routeId: string, alertId: string, action: PdAction, now: number): Promise<void> {
    return this.grouped(() => {
      prepared(this.db, "UPDATE relay_alerts SET pd_refused = ?, changed_at = ? WHERE route_id = ? AND alert_id = ?").run(action, now, routeId, alertId);
    });
  }

  async notePdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void> {
    transaction(this.db, () => {
      const r = this.row(routeId, alertId);
      if (!r) return;
      let next = r.pd_state as PdState;
      if (pd === "resolved" || pd === "acknowledged") next = PD_ORDER[pd] > PD_ORDER[next] ? pd : next;
      else if (pd === "triggered" && next === "acknowledged") next = "triggered"; // unacknowledged in PagerDuty
      const timedOut = pd === "triggered" ? 1 : pd === "acknowledged" ? 0 : Number(r.ack_timed_out);
      if (next === r.pd_state && timedOut === Number(r.ack_timed_out)) return;
      prepared(this.db, "UPDATE relay_alerts SET pd_state = ?, ack_timed_out = ?, changed_at = ? WHERE route_id = ? AND alert_id = ?").run(
        next,
        timedOut,
        now,
        routeId,
        alertId,
      );
    });
  }

  async setAckedByRelay(routeId: string, alertId: string, acked: boolean, now: number): Promise<void> {
    // The project's acknowledgement now matches what the relay did to it (Atlas may not echo it back).
    prepared(this.db, "UPDATE relay_alerts SET acked_by_relay = ?, acknowledged = ?, changed_at = ? WHERE route_id = ? AND alert_id = ?").run(
      acked ? 1 : 0,
      acked ? 1 : 0,
      now,
      routeId,
      alertId,
    );
  }

  async enqueueDelivery(routeId: string, alertId: string, now: number): Promise<void> {
    transaction(this.db, () => this.enqueueSync(routeId, alertId, now));
  }

  async servedConfigs(routeId: string): Promise<string[]> {
    return (
      prepared(this.db, "SELECT alert_config_id FROM relay_served_configs WHERE route_id = ? ORDER BY alert_config_id").all(routeId) as Array<{
        alert_config_id: string;
      }>
    ).map((r) => r.alert_config_id);
  }

  async recordIntakeDeadLetter(d: Omit<IntakeDeadLetter, "id">): Promise<void> {
    prepared(this.db, "INSERT INTO relay_intake_dead_letters (route_id, reason, event, project_id, alert_id, received_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      d.routeId,
      d.reason,
      d.event,
      d.projectId,
      d.alertId,
      d.receivedAt,
    );
  }

  async listIntakeDeadLetters(limit: number): Promise<IntakeDeadLetter[]> {
    const rows = prepared(this.db, "SELECT * FROM relay_intake_dead_letters ORDER BY id DESC LIMIT ?").all(limit) as Array<Record<string, any>>;
    return rows.map(intakeDeadLetterFromRow);
  }

  async acceptPdWebhook(payload: PdWebhookPayload, now: number): Promise<boolean> {
    return transaction(this.db, () => {
      if (payload.webhookId !== null) {
        const r = prepared(this.db, "INSERT OR IGNORE INTO relay_webhook_ids (id, received_at) VALUES (?, ?)").run(payload.webhookId, now);
        if (Number(r.changes) === 0) return false;
      }
      const incident = payload.event.data.id;
      this.outbox.enqueueSync({ queue: QUEUES.pdWebhook, queueKey: `incident/${incident}`, payload }, now);
      return true;
    });
  }

  async pruneHistory(before: number): Promise<number> {
    const jobs = await this.outbox.prune(before);
    return jobs + Number(prepared(this.db, "DELETE FROM relay_sent WHERE at < ?").run(before).changes);
  }

  async pruneRetained(before: number): Promise<{ alerts: number; servedConfigs: number; intakeDeadLetters: number }> {
    const batches = async (table: string, where: string) => {
      let total = 0;
      for (;;) {
        const sql = `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT 1000)`;
        const n = Number(prepared(this.db, sql).run(before).changes);
        total += n;
        if (n < 1000) return total;
        await new Promise((r) => setImmediate(r)); // let webhooks in between batches
      }
    };
    return {
      alerts: await batches("relay_alerts", `changed_at < ? AND NOT ${ACTIVE}`),
      servedConfigs: await batches("relay_served_configs", "COALESCE(last_seen, first_seen) < ?"),
      intakeDeadLetters: await batches("relay_intake_dead_letters", "received_at < ?"),
    };
  }

  async pruneWebhookIds(before: number): Promise<number> {
    return Number(prepared(this.db, "DELETE FROM relay_webhook_ids WHERE received_at < ?").run(before).changes);
  }

  async recordSent(e: SentEvent): Promise<void> {
    prepared(this.db, "INSERT INTO relay_sent (route_id, alert_id, action, at) VALUES (?, ?, ?, ?)").run(e.routeId, e.alertId, e.action, e.at);
  }

  async recentSent(limit: number): Promise<SentEvent[]> {
    return (prepared(this.db, "SELECT * FROM relay_sent ORDER BY id DESC LIMIT ?").all(limit) as Array<Record<string, any>>).map(sentFromRow);
  }

  async setReconciled(routeId: string, at: number, repairs: number): Promise<void> {
    prepared(
      this.db,
      "INSERT INTO relay_reconciled (route_id, at, repairs) VALUES (?, ?, ?) ON CONFLICT (route_id) DO UPDATE SET at = excluded.at, repairs = excluded.repairs",
    ).run(routeId, at, repairs);
  }

  async lastReconciled(): Promise<Record<string, { at: number; repairs: number }>> {
    const out: Record<string, { at: number; repairs: number }> = {};
    for (const r of prepared(this.db, "SELECT * FROM relay_reconciled").all() as Array<Record<string, any>>)
      out[r.route_id] = { at: Number(r.at), repairs: Number(r.repairs) };
    return out;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = prepared(this.db, "SELECT value FROM relay_settings WHERE key = ?").get(key) as { value: string } | undefined;
    return r?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    prepared(this.db, "INSERT INTO relay_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  async ping(): Promise<void> {
    prepared(this.db, "SELECT 1").get();
  }
  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    this.lock?.release();
  }
}
