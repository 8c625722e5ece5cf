import type { Pacer } from "../../delivery/pacer";
import type { Queryable } from "./queryable";

/**
 * The relay's pacing shared by every replica: one token-bucket row per routing
 * key (relay.take_token, on the database clock), keyed by the key's hash
 * (delivery/pacer keyId), never the key. A job that must wait is released with
 * a run-at time, so waiting holds no worker. A 429 blocks the key for all.
 */
export class PgPacer implements Pacer {
  constructor(
    private readonly db: Queryable,
    private readonly perMinute: number,
    private readonly burst: number,
  ) {
    if (!(perMinute > 0) || !(burst >= 1)) throw new Error("pacing: eventsPerMinute must be > 0 and burst >= 1");
  }

  async take(keyId: string, _now: number): Promise<number> {
    const { rows } = await this.db.query<{ wait: number }>("SELECT relay.take_token($1, $2, $3) AS wait", [
      Buffer.from(keyId, "utf8"),
      this.perMinute,
      this.burst,
    ]);
    const wait = Number(rows[0].wait);
    return wait <= 0 ? 0 : Math.max(1, Math.ceil(wait * 1000));
  }

  async block(keyId: string, until: number): Promise<void> {
    // `until` is this replica's clock; the block is stored as a duration from the database's now.
    await this.db.query("SELECT relay.block_key($1, $2)", [Buffer.from(keyId, "utf8"), Math.max(0, until - Date.now()) / 1000]);
  }
}
