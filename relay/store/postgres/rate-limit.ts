import { createHash } from "node:crypto";
import type { Queryable } from "./queryable";

/** Per routing key: `perMinute` sustained, `burst` at once; any 60 s window holds at most perMinute + burst sends. */
export interface RatePolicy {
  perMinute: number;
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; waitMs: number };

/** The bucket row's key: SHA-256 of the routing key, so the key itself never reaches the database. */
export function routingKeyHash(routingKey: string): Buffer {
  return createHash("sha256").update(routingKey, "utf8").digest();
}

/**
 * One token bucket per routing key, shared by every replica through one row
 * (relay.take_token, atomic under the row lock, on the database clock). A caller
 * that gets `waitMs` reschedules its job for then instead of sleeping in a worker.
 */
export class PgRateLimiter {
  constructor(private readonly db: Queryable) {}

  async take(routingKey: string, policy: RatePolicy): Promise<TakeResult> {
    if (!(policy.perMinute > 0) || !(policy.burst >= 1)) throw new Error("rate policy: perMinute must be > 0 and burst >= 1");
    const { rows } = await this.db.query<{ wait: number }>("SELECT relay.take_token($1, $2, $3) AS wait", [
      routingKeyHash(routingKey),
      policy.perMinute,
      policy.burst,
    ]);
    const wait = Number(rows[0].wait);
    return wait <= 0 ? { ok: true } : { ok: false, waitMs: Math.ceil(wait * 1000) };
  }

  /** PagerDuty answered 429: no replica sends on this key for `ms`. Returns when the block ends (database time). */
  async block(routingKey: string, ms: number): Promise<Date> {
    const { rows } = await this.db.query<{ until: Date }>("SELECT relay.block_key($1, $2) AS until", [routingKeyHash(routingKey), Math.max(0, ms) / 1000]);
    return rows[0].until;
  }
}
