import { backoffDelay, type BackoffSchedule } from "./backoff";

const s: BackoffSchedule = { baseMs: 100, maxMs: 1_000, jitter: 0.5 };

describe("backoffDelay", () => {
  it.each([
    // attempt, random, expected
    [1, 0, 100],
    [2, 0, 200],
    [3, 0, 400],
    [4, 0, 800],
    [5, 0, 1_000],
    [1_000, 0, 1_000],
    [1, 1, 50],
    [5, 1, 500],
    [0, 0, 100],
  ])("attempt %d with random %d waits %d ms", (attempt, r, want) => {
    expect(backoffDelay(s, attempt, () => r)).toBe(want);
  });

  it.each([
    ["no jitter", { baseMs: 10, maxMs: 100, jitter: 0 }, 3, 0.9, 40],
    ["full jitter", { baseMs: 10, maxMs: 100, jitter: 1 }, 3, 1, 0],
    ["default jitter is half", { baseMs: 10, maxMs: 100 }, 3, 1, 20],
    ["jitter above 1 is clamped", { baseMs: 10, maxMs: 100, jitter: 5 }, 3, 0.5, 20],
  ] as const)("%s", (_name, schedule, attempt, r, want) => {
    expect(backoffDelay(schedule, attempt, () => r)).toBe(want);
  });

  it("stays within [cap*(1-jitter), cap] for random draws", () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(s, 3);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
