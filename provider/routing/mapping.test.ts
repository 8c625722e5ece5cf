import { diffRouting } from "./diff";
import { fromAlertConfig, toAlertConfig } from "./mapping";
import type { RoutingInputs, RoutingOutputs } from "./types";

const native: RoutingInputs = {
  projectId: "5f1e2d3c4b5a69788796a5b4",
  integrationInstanceId: "0f1e2d3c4b5a6978",
  region: "US",
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }],
  metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: "GREATER_THAN", threshold: 60, units: "SECONDS", mode: "AVERAGE" },
  severity: "CRITICAL",
  delayMin: 5,
  enabled: true,
  delivery: "native",
};
const relay: RoutingInputs = { ...native, delivery: "relay", relayUrl: "https://relay.example.com/atlas/hook", relaySecret: "0123456789abcdef0123" };
const INTEGRATION_ID = "6a1e2d3c4b5a69788796a5b4";

/** What the project API answers for a stored configuration: ids added, secrets redacted. */
function asStored(inputs: RoutingInputs): any {
  const body = JSON.parse(JSON.stringify(toAlertConfig(inputs, inputs.delivery === "native" ? INTEGRATION_ID : undefined)));
  const n = body.notifications[0];
  if (n.webhookSecret) n.webhookSecret = "*".repeat(n.webhookSecret.length - 4) + n.webhookSecret.slice(-4);
  if (n.webhookUrl) n.webhookUrl = "https://relay.example.com/****hook";
  return { ...body, id: "7a1e2d3c4b5a69788796a5b4", groupId: inputs.projectId, notifications: [{ ...n, notifierId: "8a1e2d3c4b5a69788796a5b4" }] };
}

describe("routing mapping", () => {
  it.each([
    ["native", native],
    ["relay", relay],
  ])("%s: a stored configuration reads back as the same inputs", (_n, inputs) => {
    const state: RoutingOutputs = {
      ...inputs,
      alertConfigId: "7a1e2d3c4b5a69788796a5b4",
      notifierId: "8a1e2d3c4b5a69788796a5b4",
      ...(inputs.delivery === "native" ? { integrationId: INTEGRATION_ID } : {}),
    };
    const live = fromAlertConfig(asStored(inputs), state);
    expect(live).toEqual(state);
    expect(diffRouting(live, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] });
  });

  it("fills API defaults so they show no drift (region US, no delay)", () => {
    const stored = asStored(native);
    delete stored.notifications[0].region;
    delete stored.notifications[0].delayMin;
    delete stored.matchers;
    const live = fromAlertConfig(stored, { ...native, alertConfigId: stored.id, notifierId: "8a1e2d3c4b5a69788796a5b4" });
    expect(live).toMatchObject({ region: "US", delayMin: 0, matchers: [] });
  });

  it.each<[string, (c: any) => void, string]>([
    ["disabled by hand", (c) => (c.enabled = false), "enabled"],
    ["severity changed", (c) => (c.severityOverride = "INFO"), "severity"],
    ["threshold changed", (c) => (c.metricThreshold.threshold = 120), "metricThreshold"],
    ["matcher removed", (c) => (c.matchers = []), "matchers"],
    ["delay changed", (c) => (c.notifications[0].delayMin = 0), "delayMin"],
    [
      "notification replaced by a raw key",
      (c) => (c.notifications[0] = { typeName: "PAGER_DUTY", serviceKey: "****", region: "US", notifierId: "8a1e2d3c4b5a69788796a5b4" }),
      "notifierId",
    ],
    ["notification pointed at another integration", (c) => (c.notifications[0].integrationId = "9a1e2d3c4b5a69788796a5b4"), "notifierId"],
  ])("drift: %s", (_n, edit, field) => {
    const stored = asStored(native);
    edit(stored);
    const state: RoutingOutputs = { ...native, alertConfigId: stored.id, notifierId: "8a1e2d3c4b5a69788796a5b4", integrationId: INTEGRATION_ID };
    const live = fromAlertConfig(stored, state);
    expect(live[field as keyof RoutingOutputs]).not.toEqual(state[field as keyof RoutingOutputs]);
    expect(diffRouting(live, native)).toMatchObject({
      changes: true,
      replaces: [],
      diffs: expect.arrayContaining([field === "notifierId" ? "delivery" : field]),
    });
  });

  it("a new instance of the integration updates the routing (its notification is re-pointed)", () => {
    const state: RoutingOutputs = {
      ...native,
      alertConfigId: "7a1e2d3c4b5a69788796a5b4",
      notifierId: "8a1e2d3c4b5a69788796a5b4",
      integrationId: INTEGRATION_ID,
    };
    expect(diffRouting(state, { ...native, integrationInstanceId: "1a2b3c4d5e6f7081" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: ["integrationInstanceId"],
    });
  });

  it("a new project replaces the routing", () => {
    const state: RoutingOutputs = { ...native, alertConfigId: "7a1e2d3c4b5a69788796a5b4", notifierId: "8a1e2d3c4b5a69788796a5b4" };
    expect(diffRouting(state, { ...native, projectId: "0123456789abcdef01234567" })).toEqual({
      changes: true,
      replaces: ["projectId"],
      deleteBeforeReplace: false,
      diffs: ["projectId"],
    });
  });

  it("sends the integration id and never a key for native delivery", () => {
    expect(toAlertConfig(native, INTEGRATION_ID, "8a1e2d3c4b5a69788796a5b4")).toEqual({
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      enabled: true,
      matchers: native.matchers,
      metricThreshold: native.metricThreshold,
      severityOverride: "CRITICAL",
      notifications: [{ typeName: "PAGER_DUTY", integrationId: INTEGRATION_ID, region: "US", delayMin: 5, notifierId: "8a1e2d3c4b5a69788796a5b4" }],
    });
  });
});
