/**
 * The one backoff formula: capped exponential growth with jitter. The schedule is data so each
 * caller (relay deliveries, sandbox webhooks, outbox retries) states its own numbers in one place.
 */
export interface BackoffSchedule {
  /** Delay cap of the first retry. */
  baseMs: number;
  /** Cap of every delay. */
  maxMs: number;
  /** Share of the delay that is random: 0 = none, 1 = full jitter (0..cap). Default 0.5. */
  jitter?: number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): `cap = min(maxMs, baseMs * 2^(attempt-1))`,
 * minus up to `jitter * cap` at random. Never negative, never above maxMs. Jitter keeps many
 * clients that failed together from retrying together.
 */
export function backoffDelay(schedule: BackoffSchedule, attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^n overflows to Infinity for huge n; min() keeps it at the cap.
  const cap = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.min(n - 1, 60));
  const jitter = Math.min(1, Math.max(0, schedule.jitter ?? 0.5));
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(cap - jitter * cap * r));
}
