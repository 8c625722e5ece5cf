import { SqliteOutbox, type Job } from "../../../lib/outbox";
import { migrate, type Db } from "../../../lib/sqlite";

export type OutboxStatus = "pending" | "sent" | "failed";

/** The one queue of the Atlas sandbox's jobs: notifications to PagerDuty and webhooks. */
export const NOTIFY_QUEUE = "atlas.notify";

/** What a notification job carries: the message, frozen when the alert changed. */
export interface Notification {
  id: string;
  groupId: string;
  alertId: string;
  /** The notifierId it belongs to; deliveries per (alert, channel) stay in order. */
  channel: string;
  kind: "pagerduty" | "webhook";
  /** alert.open, alert.update, ... (PagerDuty rows too, for readability). */
  event: string;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent (and signed); retries resend them unchanged. */
  body: string;
}

/** One outbound notification (a PagerDuty event or a webhook POST) and its delivery state. */
export interface OutboxEntry extends Notification {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  sentAt?: number;
  createdAt: number;
}

/** Ordering key: one (alert, channel) at a time; the group prefix lists a project's notifications. */
const queueKey = (n: Pick<Notification, "groupId" | "alertId" | "channel">) => `${n.groupId}/${n.alertId}/${n.channel}`;

function toEntry(j: Job): OutboxEntry {
  const n = j.payload as Notification;
  return {
    ...n,
    status: j.state === "done" ? "sent" : j.state === "dead" ? "failed" : "pending",
    attempts: j.attempts,
    nextAttemptAt: j.runAt,
    lastStatus: j.lastStatus ?? undefined,
    lastError: j.lastError ?? undefined,
    sentAt: j.state === "done" ? j.updatedAt : undefined,
    createdAt: j.createdAt,
  };
}

/**
 * The Atlas sandbox's notifications on the one outbox (lib/outbox): written in the same
 * transaction as the alert change, delivered later with retries by notify/outbox-worker.
 */
export class OutboxStore {
  readonly jobs: SqliteOutbox;

  constructor(db: Db) {
    this.jobs = new SqliteOutbox(db, { table: "atlas_notification_jobs" });
    // Data files written before lib/outbox kept notifications in atlas_outbox: move them over once.
    migrate(db, [
      {
        name: "atlas/outbox-to-lib-outbox",
        sql: `INSERT INTO atlas_notification_jobs (queue, queue_key, payload, state, attempts, run_at, last_error, last_status, created_at, updated_at)
              SELECT '${NOTIFY_QUEUE}', group_id || '/' || alert_id || '/' || channel,
                     json_object('id', id, 'groupId', group_id, 'alertId', alert_id, 'channel', channel, 'kind', kind, 'event', event,
                                 'url', url, 'headers', json(headers_json), 'body', body),
                     CASE status WHEN 'sent' THEN 'done' WHEN 'failed' THEN 'dead' ELSE 'pending' END,
                     attempts, next_attempt_at, last_error, last_status, created_at, COALESCE(sent_at, created_at)
              FROM atlas_outbox ORDER BY seq;
              DROP TABLE atlas_outbox;`,
      },
    ]);
  }

  /** Call inside the alert change's transaction. */
  enqueue(e: Notification & { nextAttemptAt: number; createdAt: number }): void {
    const { nextAttemptAt, createdAt, ...n } = e;
    this.jobs.enqueueSync({ queue: NOTIFY_QUEUE, queueKey: queueKey(n), payload: n, runAt: nextAttemptAt }, createdAt);
  }

  /** Records a permanent failure without ever sending (e.g. the integration was deleted). */
  enqueueFailed(e: Notification & { nextAttemptAt: number; createdAt: number; lastError: string }): void {
    const { nextAttemptAt, createdAt, lastError, ...n } = e;
    this.jobs.enqueueSync({ queue: NOTIFY_QUEUE, queueKey: queueKey(n), payload: n, runAt: nextAttemptAt, deadLetter: lastError }, createdAt);
  }

  /** A project's notifications, oldest first. */
  list(groupId: string): OutboxEntry[] {
    return this.jobs
      .listSync({ queue: NOTIFY_QUEUE, queueKeyPrefix: `${groupId}/`, limit: 10_000 })
      .reverse()
      .map(toEntry);
  }
}
