import { SeverityResolver } from "./severity";

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
      1000,
      () => t,
    );
    await r.severity("p", "c", "error");
    await r.severity("p", "c", "error");
    expect(reads).toBe(1);
    t = 1000;
    await r.severity("p", "c", "error");
    expect(reads).toBe(2);
  });

  it("falls back to the route default and counts a failed lookup", async () => {
    const failures: unknown[] = [];
    const r = new SeverityResolver({ getAlertConfig: async () => Promise.reject(new Error("503")) }, (e) => failures.push(e));
    expect(await r.severity("p", "c", "critical")).toBe("critical");
    expect(failures).toHaveLength(1);
  });
});
