import type { Clock } from "../../../lib/clock";

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until one token is back (only when refused). */
  retryAfter: number;
}

/**
 * One token bucket per key (project id): `capacity` requests in a burst,
 * refilled continuously at `refillPerSecond`, time from the sandbox clock so
 * tests can step it.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {}

  take(key: string): RateDecision {
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + (Math.max(0, now - b.at) / 1000) * this.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, limit: this.capacity, remaining: Math.floor(b.tokens), retryAfter: 0 };
    }
    const retryAfter = this.refillPerSecond > 0 ? Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond)) : 3600;
    return { allowed: false, limit: this.capacity, remaining: 0, retryAfter };
  }
}
