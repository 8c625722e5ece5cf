import type { PagerDutyEvent } from "../../clients/pagerduty/events";
import { buildEvent, eventProblems, MAX_EVENT_BYTES, summaryOf, truncate } from "./event";
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
  pdRefused: null,
  ackedByRelay: false,
  ackTimedOut: false,
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

describe("PagerDuty-valid triggers whatever Atlas sends", () => {
  const P = "a".repeat(24);
  it.each<[string, Partial<AlertRecord["facts"]>, { source: string; component: string }]>([
    [
      'an empty hostnameAndPort (the finding: source "", a 400, nobody paged)',
      { hostnameAndPort: "", clusterName: "Cluster0" },
      { source: "Cluster0", component: "Cluster0" },
    ],
    ["a blank host and no cluster", { hostnameAndPort: "  " }, { source: `atlas-project-${P}`, component: `atlas-project-${P}` }],
    ["a host and a blank cluster", { hostnameAndPort: "db-1:27017", clusterName: " " }, { source: "db-1:27017", component: `atlas-project-${P}` }],
    ["a host and a cluster", { hostnameAndPort: "db-1:27017", clusterName: "Cluster0" }, { source: "db-1:27017", component: "Cluster0" }],
    ["nothing at all", {}, { source: `atlas-project-${P}`, component: `atlas-project-${P}` }],
  ])("%s", (_n, facts, want) => {
    const e = buildEvent(alert(facts), "trigger", ctx);
    expect(e.payload).toMatchObject(want);
    expect(eventProblems(e)).toEqual([]);
  });

  it.each<[string, Partial<AlertRecord["facts"]>]>([
    ["a blank event type and no text", { eventTypeName: " ", humanReadable: "  " }],
    ["a created time that is not ISO 8601", { created: "yesterday" }],
    ["an emoji at the summary's limit", { humanReadable: "🔥".repeat(2000) }],
  ])("never builds an event PagerDuty would refuse: %s", (_n, facts) => {
    const e = buildEvent(alert(facts), "trigger", ctx);
    expect(eventProblems(e)).toEqual([]);
    expect(e.payload!.summary.trim()).not.toBe("");
  });

  it("normalizes the created time to ISO 8601 and drops one that is not a time", () => {
    expect(buildEvent(alert({ created: "2026-01-01T00:00:00Z" }), "trigger", ctx).payload!.timestamp).toBe("2026-01-01T00:00:00.000Z");
    expect(buildEvent(alert({ created: "yesterday" }), "trigger", ctx).payload).not.toHaveProperty("timestamp");
  });

  it.each<[string, (e: PagerDutyEvent) => void, RegExp]>([
    ["a blank source", (e) => (e.payload!.source = " "), /payload\.source is blank/],
    ["a blank summary", (e) => (e.payload!.summary = ""), /payload\.summary is blank/],
    ["a long summary", (e) => (e.payload!.summary = "x".repeat(1025)), /payload\.summary is over 1024/],
    ["an unknown severity", (e) => (e.payload!.severity = "fatal" as never), /payload\.severity "fatal"/],
    ["a blank component", (e) => (e.payload!.component = ""), /payload\.component is blank/],
    ["a bad timestamp", (e) => (e.payload!.timestamp = "soon"), /payload\.timestamp is not ISO 8601/],
    ["a long dedup key", (e) => (e.dedup_key = "k".repeat(256)), /dedup_key must be 1-255/],
  ])("eventProblems finds %s", (_n, spoil, want) => {
    const e = buildEvent(alert(), "trigger", ctx);
    spoil(e);
    expect(eventProblems(e).join("\n")).toMatch(want);
  });

  it("truncates by characters, never splitting one", () => {
    expect(Array.from(truncate("🔥".repeat(5), 3))).toEqual(["🔥", "🔥", "…"]);
    expect(truncate("abc", 3)).toBe("abc");
  });
});
