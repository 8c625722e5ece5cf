import { buildEvent, MAX_EVENT_BYTES, summaryOf } from "./event";
import type { AlertRecord } from "../store/types";

const alert = (facts: Partial<AlertRecord["facts"]> = {}): AlertRecord => ({
  routeId: "r",
  projectId: "a".repeat(24),
  alertId: "b".repeat(24),
  dedupKey: `mongodb-atlas/${"a".repeat(24)}/${"b".repeat(24)}`,
  alertConfigId: "c".repeat(24),
  status: "OPEN",
  acknowledged: false,
  acknowledgedUntil: null,
  inform: false,
  updatedMs: 0,
  rank: 1,
  lastEvent: "alert.open",
  pdState: "none",
  pdAttempted: null,
  ackedByRelay: false,
  facts: { eventTypeName: "OUTSIDE_METRIC_THRESHOLD", ...facts },
  firstStatus: "OPEN",
  createdAt: 0,
  changedAt: 0,
});
const ctx = { routingKey: "k".repeat(32), severity: "error" as const, atlasUiUrl: "https://cloud.mongodb.com" };

describe("buildEvent", () => {
  it.each([
    ["humanReadable first", { humanReadable: "Disk  full\n on db-1" }, "Disk full on db-1"],
    ["event type and cluster otherwise", { clusterName: "Cluster0" }, `OUTSIDE_METRIC_THRESHOLD on Cluster0 in project ${"a".repeat(24)}`],
  ])("summary: %s", (_n, facts, want) => {
    expect(summaryOf(alert(facts))).toBe(want);
  });

  it("truncates the summary to 1024 characters", () => {
    const e = buildEvent(alert({ humanReadable: "x".repeat(5000) }), "trigger", ctx);
    expect(e.payload!.summary).toHaveLength(1024);
  });

  it("puts links and client at the top level and details in custom_details", () => {
    const e = buildEvent(alert({ metricName: "CONNECTIONS", currentValue: { number: 5, units: "RAW" } }), "trigger", ctx);
    expect(e).toMatchObject({ event_action: "trigger", dedup_key: alert().dedupKey, client: expect.any(String), client_url: expect.stringContaining("/v2/") });
    expect(e.links?.[0].href).toContain("a".repeat(24));
    expect(e.payload!.custom_details).toMatchObject({
      alert_id: "b".repeat(24),
      alert_config_id: "c".repeat(24),
      project_id: "a".repeat(24),
      metric: "CONNECTIONS",
      value: { number: 5, units: "RAW" },
    });
    expect(e.payload!.severity).toBe("error");
  });

  it("keeps the body under 512 KB by dropping custom details", () => {
    const e = buildEvent(alert({ humanReadable: "y".repeat(600 * 1024) }), "trigger", ctx);
    expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(e.payload!.summary).toHaveLength(1024);
  });

  it.each(["acknowledge", "resolve"] as const)("%s carries only the dedup key", (action) => {
    expect(buildEvent(alert(), action, ctx)).toEqual({ routing_key: ctx.routingKey, event_action: action, dedup_key: alert().dedupKey });
  });
});
