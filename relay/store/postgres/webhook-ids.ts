import type { Queryable } from "./queryable";

/** PagerDuty retries a webhook for 48 hours; ids are remembered at least this long. */
export const MIN_WEBHOOK_ID_RETENTION_MS = 72 * 3600_000;

/**
 * `X-Webhook-Id`s already accepted, across replicas. `firstSeen` inside the
 * transaction that records the event: a concurrent duplicate waits on the
 * primary key and then sees the id, and a rolled-back attempt leaves no trace.
 */
export class PgWebhookIds {
  constructor(private readonly db: Queryable) {}

  /** True the first time `id` is recorded, false for a duplicate. */
  async firstSeen(id: string, db: Queryable = this.db): Promise<boolean> {
    const { rowCount } = await db.query("INSERT INTO relay.webhook_ids (webhook_id) VALUES ($1) ON CONFLICT (webhook_id) DO NOTHING", [id]);
    return rowCount === 1;
  }

  /** Forgets ids older than the retention (never less than 72 h). Returns how many. */
  async prune(retentionMs = MIN_WEBHOOK_ID_RETENTION_MS): Promise<number> {
    const keep = Math.max(retentionMs, MIN_WEBHOOK_ID_RETENTION_MS) / 1000;
    const { rowCount } = await this.db.query("DELETE FROM relay.webhook_ids WHERE received_at < now() - make_interval(secs => $1)", [keep]);
    return rowCount ?? 0;
  }
}
