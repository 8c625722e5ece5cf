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
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    return b;
  }

  async take(id: string, now: number): Promise<number> {
    const b = this.bucket(id, now);
    if (b.blockedUntil > now) return b.blockedUntil - now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs));
  }

  async block(id: string, until: number): Promise<void> {
    const b = this.bucket(id, Date.now());
    b.blockedUntil = Math.max(b.blockedUntil, until);
    // What was saved up before the 429 is not spent in a burst afterwards.
    b.tokens = Math.min(b.tokens, 1);
  }
}
