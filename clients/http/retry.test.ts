import { defaultRetryPolicy, isIdempotent, isRetryable, nextDelay, parseRetryAfter } from "./retry";
import type { AttemptOutcome, RetryPolicy } from "./retry";

const policy: RetryPolicy = { ...defaultRetryPolicy(), baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 30_000 };
const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("nextDelay: capped exponential backoff with full jitter", () => {
  test.each([
    // attempt, random, expected (lib/backoff's jitter: random 0 waits the whole cap, 1 waits 0)
    [1, 0, 100],
    [2, 0, 200],
    [3, 0.5, 200],
    [4, 0, 800],
    [5, 0, 1000], // capped
    [10, 0, 1000],
    [3, 1, 0],
  ])("attempt %i with random %f waits %i ms", (attempt, r, expected) => {
    expect(nextDelay(policy, attempt, undefined, () => r, NOW)).toBe(expected);
  });

  test.each([
    ["2", 1, 2000],
    ["0", 1, 0],
    ["1.5", 0, 1500],
    ["2", 0, 2000], // jitter cap 100 < Retry-After
    [new Date(NOW + 5000).toUTCString(), 0, 5000],
    [new Date(NOW - 5000).toUTCString(), 0.5, 50], // date in the past: plain backoff
    ["garbage", 0.5, 50],
    [["3", "9"], 0, 3000],
  ] as [string | string[], number, number][])("Retry-After %p (random %f) waits %i ms", (header, r, expected) => {
    expect(nextDelay(policy, 1, header, () => r, NOW)).toBe(expected);
  });

  test("never less than Retry-After even when backoff would be shorter, never more than backoff when it is longer", () => {
    for (let attempt = 1; attempt < 8; attempt++) {
      for (const r of [0, 0.3, 0.9]) {
        const d = nextDelay(policy, attempt, "1", () => r, NOW)!;
        expect(d).toBeGreaterThanOrEqual(1000);
        expect(d).toBeLessThanOrEqual(Math.max(1000, policy.maxDelayMs));
      }
    }
  });

  test("a Retry-After beyond maxRetryAfterMs means give up", () => {
    expect(nextDelay(policy, 1, "31", () => 0, NOW)).toBeUndefined();
    expect(nextDelay(policy, 1, "30", () => 0, NOW)).toBe(30_000);
  });
});

describe("parseRetryAfter", () => {
  test.each([
    [undefined, undefined],
    ["", undefined],
    ["120", 120_000],
    [" 7 ", 7000],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
    ["-1", undefined],
    ["soon", undefined],
  ])("%p → %p", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("isRetryable", () => {
  test.each<[string, boolean | undefined, AttemptOutcome, boolean]>([
    ["GET", undefined, 500, true],
    ["GET", undefined, 502, true],
    ["GET", undefined, 503, true],
    ["GET", undefined, 504, true],
    ["GET", undefined, 501, false],
    ["GET", undefined, 429, true],
    ["GET", undefined, 400, false],
    ["GET", undefined, 401, false],
    ["GET", undefined, 403, false],
    ["GET", undefined, 404, false],
    ["GET", undefined, 409, false],
    ["PUT", undefined, 503, true],
    ["DELETE", undefined, 503, true],
    ["POST", undefined, 503, false],
    ["PATCH", undefined, 503, false],
    ["PATCH", true, 503, true],
    ["POST", true, 500, true], // PagerDuty events: idempotent by dedup key
    ["POST", true, 400, false],
    ["POST", undefined, 429, true], // refused before being processed
    ["GET", false, 503, false],
    ["GET", undefined, { code: "NETWORK" }, true],
    ["GET", undefined, { code: "TIMEOUT" }, true],
    ["POST", undefined, { code: "TIMEOUT" }, false],
    ["POST", undefined, { code: "NETWORK" }, false],
    ["POST", undefined, { code: "NETWORK", notSent: true }, true],
    ["GET", undefined, { code: "BAD_REQUEST" }, false],
  ])("%s (idempotent=%p) after %p → %p", (method, idempotent, outcome, expected) => {
    expect(isRetryable(method, idempotent, outcome, policy)).toBe(expected);
  });

  test("retryNetworkErrors=false stops network retries", () => {
    expect(isRetryable("GET", undefined, { code: "NETWORK" }, { ...policy, retryNetworkErrors: false })).toBe(false);
  });

  test("idempotent methods", () => {
    expect(["GET", "put", "DELETE", "HEAD"].every((m) => isIdempotent(m))).toBe(true);
    expect(["POST", "PATCH"].some((m) => isIdempotent(m))).toBe(false);
    expect(isIdempotent("POST", true)).toBe(true);
  });
});
