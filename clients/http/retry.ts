/**
 * The one retry policy of the HTTP client, as plain data plus pure functions
 * so it can be asserted in tests and serialized by Pulumi.
 */
import { backoffDelay } from "../../lib/backoff";
import type { UpstreamErrorCode } from "./errors";

export interface RetryPolicy {
  /** Total attempts including the first one (1 = never retry). */
  maxAttempts: number;
  /** Backoff base: the cap of the first retry's jittered delay. */
  baseDelayMs: number;
  /** Cap of the exponential backoff (Retry-After may ask for more, see maxRetryAfterMs). */
  maxDelayMs: number;
  /** Statuses worth another try (for idempotent requests; 429 for any request). */
  retryStatuses: number[];
  /** Retry timeouts and connection failures (for idempotent requests). */
  retryNetworkErrors: boolean;
  /** A Retry-After longer than this is not waited for: the request fails with RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

/**
 * The one set of retry defaults (the provider's settings fall back to these,
 * and the README documents them), and the bounds a configured policy must keep.
 */
export const RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000, timeoutMs: 10_000 } as const;
export const RETRY_BOUNDS = {
  maxAttempts: { min: 1, max: 10 },
  baseDelayMs: { min: 0, max: 60_000 },
  maxDelayMs: { min: 0, max: 300_000 },
  timeoutMs: { min: 100, max: 300_000 },
} as const;

export function defaultRetryPolicy(): RetryPolicy {
  return {
    maxAttempts: RETRY_DEFAULTS.maxAttempts,
    baseDelayMs: RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: RETRY_DEFAULTS.maxDelayMs,
    retryStatuses: [429, 500, 502, 503, 504],
    retryNetworkErrors: true,
    maxRetryAfterMs: 60_000,
  };
}

/** A policy that never retries (handy for callers that do their own thing). */
export function noRetryPolicy(): RetryPolicy {
  return { ...defaultRetryPolicy(), maxAttempts: 1 };
}

/**
 * Milliseconds asked for by a Retry-After value: delta-seconds or an HTTP date
 * (relative to `now`). Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (s === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (!/[A-Za-z]{3}/.test(s)) return undefined; // an HTTP date names its month
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * the one backoff (lib/backoff) with full jitter, a draw in
 * `[0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))]` (`random() = 0` waits the
 * whole cap), but never less than Retry-After when given.
 * Returns undefined when Retry-After asks for more than `maxRetryAfterMs`
 * (the caller should give up rather than hang).
 */
export function nextDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterHeader?: string | string[],
  random: () => number = Math.random,
  now: number = Date.now(),
): number | undefined {
  const jittered = backoffDelay({ baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: 1 }, attempt, random);
  const retryAfter = parseRetryAfter(retryAfterHeader, now);
  if (retryAfter === undefined) return jittered;
  if (retryAfter > policy.maxRetryAfterMs) return undefined;
  return Math.max(jittered, retryAfter);
}

/** GET/HEAD/OPTIONS/PUT/DELETE, or whatever the caller explicitly marks idempotent. */
export function isIdempotent(method: string, idempotent?: boolean): boolean {
  if (idempotent !== undefined) return idempotent;
  return ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].includes(method.toUpperCase());
}

/** How an attempt failed, as far as retrying is concerned. */
export type AttemptOutcome =
  | number
  | {
      code: UpstreamErrorCode;
      status?: number;
      /** The request provably never reached the server (connection refused, DNS failure). */
      notSent?: boolean;
    };

/**
 * Whether a failed attempt may be tried again (the attempt budget aside).
 * - 400 and every other 4xx except 429: never.
 * - 429: always (the request was refused before being processed), even for POST.
 * - 5xx in `retryStatuses`, timeouts, network errors: only for idempotent requests,
 *   except a connection that was never established, which is safe for any request.
 */
export function isRetryable(method: string, idempotent: boolean | undefined, outcome: AttemptOutcome, policy: RetryPolicy = defaultRetryPolicy()): boolean {
  const status = typeof outcome === "number" ? outcome : outcome.status;
  if (status !== undefined) {
    if (!policy.retryStatuses.includes(status)) return false;
    if (status === 429) return true;
    return isIdempotent(method, idempotent);
  }
  if (typeof outcome === "number") return false;
  if (outcome.code !== "TIMEOUT" && outcome.code !== "NETWORK") return false;
  if (!policy.retryNetworkErrors) return false;
  return outcome.notSent === true || isIdempotent(method, idempotent);
}
