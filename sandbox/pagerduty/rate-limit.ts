import type { Clock } from "../../lib/clock";

/**
 * A sliding 60-second window per key (the facts file: "approximately 120
 * calls/minute, 60 s sliding window" per routing key). Kept in memory: a
 * restart forgets it, as losing a minute of history is harmless.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
    private readonly windowMs = 60_000,
    /** Bound on tracked keys, so a flood of random keys cannot grow memory without end. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Records a hit when under the limit. `resetSeconds` says when the oldest hit leaves the window. */
  take(key: string): { allowed: boolean; remaining: number; resetSeconds: number } {
    const now = this.clock.now().getTime();
    const from = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > from);
    const resetSeconds = Math.max(1, Math.ceil(((list[0] ?? now) + this.windowMs - now) / 1000));
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return { allowed: false, remaining: 0, resetSeconds };
    }
    list.push(now);
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) this.sweep(from);
    this.hits.set(key, list);
    return { allowed: true, remaining: this.limit - list.length, resetSeconds };
  }

  private sweep(from: number): void {
    for (const [k, v] of this.hits) if (!v.some((t) => t > from)) this.hits.delete(k);
    // Still full of live keys: forget the oldest ones rather than grow.
    while (this.hits.size >= this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }
}
