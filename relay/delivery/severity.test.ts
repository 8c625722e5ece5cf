import { SeverityResolver, type SeverityFallback } from "./severity";

describe("SeverityResolver", () => {
  it.each([
    ["CRITICAL", "critical"],
    ["ERROR", "error"],
    ["WARNING", "warning"],
    ["INFO", "info"],
    [undefined, "warning"],
  ])("maps severityOverride %s to %s (route default warning)", async (override, want) => {
    const r = new SeverityResolver({ getAlertConfig: async () => ({ severityOverride: override }) }, () => undefined);
    expect(await r.severity("p", "c", "warning")).toBe(want);
  });

  it("caches for the TTL, then reads again", async () => {
    let reads = 0;
    let t = 0;
    const r = new SeverityResolver(
      {
        getAlertConfig: async () => {
          reads++;
          return { severityOverride: "INFO" };
        },
      },
      () => undefined,
      { ttlMs: 1000, now: () => t },
    );
    await r.severity("p", "c", "error");
    await r.severity("p", "c", "error");
    expect(reads).toBe(1);
    t = 1000;
    await r.severity("p", "c", "error");
    expect(reads).toBe(2);
  });

  it("a failed read: the route default, counted; the project's next sends take the default at once for the failure TTL, then it reads again", async () => {
    const fallbacks: SeverityFallback[] = [];
    let reads = 0;
    let t = 0;
    const r = new SeverityResolver(
      {
        getAlertConfig: async () => {
          reads++;
          throw new Error("503");
        },
      },
      (reason) => fallbacks.push(reason),
      { failureTtlMs: 30_000, now: () => t },
    );
    expect(await r.severity("p", "c", "critical")).toBe("critical");
    expect(await r.severity("p", "other", "critical")).toBe("critical");
    expect({ reads, fallbacks }).toEqual({ reads: 1, fallbacks: ["error", "unavailable"] });
    // Another project is not held back by this one.
    expect(await r.severity("q", "c", "info")).toBe("info");
    expect(reads).toBe(2);
    t = 30_000;
    await r.severity("p", "c", "critical");
    expect(reads).toBe(3);
  });

  it("a hung project API never holds a send longer than the budget; later sends do not wait at all; the late answer fills the cache", async () => {
    const fallbacks: SeverityFallback[] = [];
    let answer: (v: { severityOverride: string }) => void = () => undefined;
    let reads = 0;
    const r = new SeverityResolver(
      {
        getAlertConfig: () => {
          reads++;
          return new Promise((resolve) => (answer = resolve));
        },
      },
      (reason) => fallbacks.push(reason),
      { budgetMs: 100 },
    );
    const started = Date.now();
    // 16 sends at once (the worker's concurrency) for the same configuration share one read.
    const first = await Promise.all(Array.from({ length: 16 }, () => r.severity("p", "c", "warning")));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(first.every((s) => s === "warning")).toBe(true);
    expect(reads).toBe(1);
    const again = Date.now();
    for (let i = 0; i < 64; i++) expect(await r.severity("p", `c${i}`, "warning")).toBe("warning");
    expect(Date.now() - again).toBeLessThan(50);
    expect(reads).toBe(1);
    expect(fallbacks.filter((f) => f === "timeout")).toHaveLength(16);
    expect(fallbacks.filter((f) => f === "unavailable")).toHaveLength(64);
    answer({ severityOverride: "CRITICAL" });
    await new Promise((r) => setImmediate(r));
    expect(await r.severity("p", "c", "warning")).toBe("critical");
  });

  it("counts the budget from when the change was recorded: a send already late does not wait on top", async () => {
    const t = 10_000;
    const fallbacks: SeverityFallback[] = [];
    const r = new SeverityResolver({ getAlertConfig: () => new Promise(() => undefined) }, (reason) => fallbacks.push(reason), {
      budgetMs: 1_000,
      now: () => t,
    });
    const started = Date.now();
    // Recorded 1.5 s ago (a backlog): no wait at all.
    expect(await r.severity("p", "c", "error", t - 1_500)).toBe("error");
    expect(Date.now() - started).toBeLessThan(100);
    expect(fallbacks).toEqual(["timeout"]);
  });

  it("once a read of a project is over its budget, every send waiting on that project goes at once", async () => {
    const r = new SeverityResolver({ getAlertConfig: () => new Promise(() => undefined) }, () => undefined, { budgetMs: 300 });
    const first = r.severity("p", "c1", "error");
    await new Promise((res) => setTimeout(res, 200));
    // Started 200 ms later: it would wait until 500 ms on its own timer.
    const started = Date.now();
    const [a, b] = await Promise.all([first, r.severity("p", "c2", "error")]);
    expect([a, b]).toEqual(["error", "error"]);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it("remembers configurations read elsewhere (the reconciler)", async () => {
    const r = new SeverityResolver({ getAlertConfig: async () => Promise.reject(new Error("not called")) }, () => undefined);
    r.remember("p", "c", { severityOverride: "ERROR" });
    expect(await r.severity("p", "c", "info")).toBe("error");
  });
});
