/**
 * Per-routing-key pacing: a token bucket per key (PagerDuty allows about 120 events a minute per
 * key), plus a block that a 429 sets so every worker of this process waits. Keys are known by a
 * hash, never by their value. In memory: the SQLite store serves one process; a shared store
 * (PostgreSQL) implements the same interface with a row per key.
 */
import { createHash } from "node:crypto";

export interface Pacer {
  /** Takes a token for `keyId`: 0 when granted, otherwise milliseconds to wait (nothing taken). */
  take(keyId: string, now: number): Promise<number>;
  /** A 429: nobody sends on `keyId` before `until`. */
  block(keyId: string, until: number): Promise<void>;
}

/** A routing key's identity for pacing, logs and metrics: never the key itself. */
export function keyId(routingKey: string): string {
  return createHash("sha256").update(routingKey).digest("hex").slice(0, 16);
}

export class MemoryPacer implements Pacer {
  private readonly buckets = new Map<string, { tokens: number; at: number; blockedUntil: number }>();
  private readonly perMs: number;

  constructor(
    perMinute: number,
    private readonly burst: number,
  ) {
    this.perMs = perMinute / 60_000;
  }

  private bucket(id: string, now: number) {
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: this.burst, at: now, blockedUntil: 0 };
      this.buckets.set(id, b);
    }
    // No refill before `at` (a 429 block sets it to the block's end).
    if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    }
    return b;
  }

  async take(id: string, now: number): Promise<number> {
    const b = this.bucket(id, now);
    if (b.blockedUntil > now) return b.blockedUntil - now;
    // Refills summed over many calls carry float noise (0.9999999 for a whole token): allow it.
    if (b.tokens >= 1 - 1e-9) {
      b.tokens = Math.max(0, b.tokens - 1);
      return 0;
    }
    // The epsilon keeps float noise (0.999 tokens after 999 ms) from rounding a 1 ms wait up to 2.
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs - 1e-6));
  }

  async block(id: string, until: number): Promise<void> {
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = { tokens: 0, at: until, blockedUntil: 0 }));
    b.blockedUntil = Math.max(b.blockedUntil, until);
    // The bucket restarts empty when the block ends: neither what was saved before the 429 nor what
    // would refill during the block is spent in a burst afterwards (as the PostgreSQL bucket does).
    b.tokens = 0;
    b.at = b.blockedUntil;
  }
}
