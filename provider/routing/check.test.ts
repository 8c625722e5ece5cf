import { readProviderConfig } from "../config";
import { UNKNOWN } from "../inputs";
import { checkRouting } from "./check";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const INSTANCE = "0f1e2d3c4b5a6978";
const configured = readProviderConfig({ get: (k: string) => ({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret" } as Record<string, string>)[k] }, {});
const base = { projectId: PROJECT, integrationInstanceId: INSTANCE, region: "US", eventTypeName: "NO_PRIMARY" };

describe("checkRouting", () => {
  it("applies defaults", () => {
    expect(checkRouting(base, configured)).toEqual({
      inputs: { ...base, matchers: [], delayMin: 0, enabled: true, delivery: "native" },
    });
  });

  it("normalizes operators and severity to what the project API stores", () => {
    const { inputs, failures } = checkRouting(
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        severity: "critical",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 60, units: "SECONDS" },
      },
      configured,
    );
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ severity: "CRITICAL", metricThreshold: { operator: "GREATER_THAN", mode: "AVERAGE" } });
    expect(checkRouting({ ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3, units: "RAW" } }, configured).inputs).toMatchObject({
      threshold: { operator: "GREATER_THAN", threshold: 3, units: "RAW" },
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["unknown event type", { ...base, eventTypeName: "NOPRIMARY" }, "eventTypeName", /not an Atlas alert event type: did you mean NO_PRIMARY\?/],
    ["near miss of an event type", { ...base, eventTypeName: "NO_PRIMRY" }, "eventTypeName", /"NO_PRIMRY" is not an Atlas alert event type: did you mean NO_PRIMARY\?/],
    ["far miss of an event type: no guess", { ...base, eventTypeName: "PRIMARY_LOST" }, "eventTypeName", /is not an Atlas alert event type \(see the Atlas alert event types\)$/],
    ["near miss of a matcher field", { ...base, matchers: [{ fieldName: "CLUSTER_NAMES", operator: "EQUALS", value: "x" }] }, "matchers[0].fieldName", /did you mean CLUSTER_NAME\? \(use one of CLUSTER_NAME, /],
    ["near miss of a metric", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTR_TIME", operator: ">", threshold: 1, units: "SECONDS" } }, "metricThreshold.metricName", /did you mean OPLOG_SLAVE_LAG_MASTER_TIME\?/],
    ["near miss of metric units", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1, units: "SECOND" } }, "metricThreshold.units", /did you mean SECONDS\?/],
    ["near miss of threshold units", { ...base, eventTypeName: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", threshold: { operator: "<", threshold: 1, units: "HOUR" } }, "threshold.units", /must be one of .*HOURS.*: did you mean HOURS\?/],
    ["missing event type", { ...base, eventTypeName: undefined }, "eventTypeName", /eventTypeName is required/],
    ["no integration", { ...base, integrationInstanceId: undefined }, "integration", /pass the project's PagerDutyIntegration/],
    ["matcher operator", { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "IS", value: "x" }] }, "matchers[0].operator", /EQUALS, CONTAINS/],
    ["matcher field for this event type", { ...base, matchers: [{ fieldName: "HOSTNAME", operator: "EQUALS", value: "x" }] }, "matchers[0].fieldName", /use one of CLUSTER_NAME, REPLICA_SET_NAME, SHARD_NAME/],
    ["threshold without units", { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3 } }, "threshold.units", /threshold.units is required/],
    ["threshold units of the event type", { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3, units: "HOURS" } }, "threshold.units", /must be one of RAW/],
    ["threshold operator of the event type", { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: "<", threshold: 3, units: "RAW" } }, "threshold.operator", /must be GREATER_THAN/],
    ["threshold on a metric event", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", threshold: { operator: ">", threshold: 3, units: "RAW" } }, "threshold", /takes no threshold: use metricThreshold/],
    ["host type matcher value", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" }, matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "LEADER" }] }, "matchers[0].value", /PRIMARY/],
    ["metric event without metricThreshold", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD" }, "metricThreshold", /needs a metricThreshold/],
    ["unknown metric", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "CPU", operator: ">", threshold: 1, units: "RAW" } }, "metricThreshold.metricName", /not an Atlas metric \(see the Atlas alert metrics\)$/],
    ["metric units", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1, units: "GIGABYTES" } }, "metricThreshold.units", /SECONDS/],
    ["intervalMin with PagerDuty", { ...base, intervalMin: 5 }, "intervalMin", /not accepted for PagerDuty/],
    ["negative delay", { ...base, delayMin: -1 }, "delayMin", /0 or more/],
    ["fractional delay", { ...base, delayMin: 1.5 }, "delayMin", /whole number/],
    ["severity", { ...base, severity: "urgent" }, "severity", /INFO, WARNING, ERROR, CRITICAL/],
    ["delivery", { ...base, delivery: "email" }, "delivery", /"native" .* or "relay"/],
    ["relay without url", { ...base, delivery: "relay", relaySecret: "s".repeat(16) }, "relayUrl", /needs relayUrl/],
    ["relay without secret", { ...base, delivery: "relay", relayUrl: "https://relay.example.com/hook" }, "relaySecret", /needs relaySecret/],
    ["relay url on native", { ...base, relayUrl: "https://relay.example.com/hook" }, "relayUrl", /only apply with delivery "relay"/],
    ["relay url scheme", { ...base, delivery: "relay", relayUrl: "ftp://relay", relaySecret: "s".repeat(16) }, "relayUrl", /http\(s\) URL/],
    ["unknown property", { ...base, serviceKey: "x" }, "serviceKey", /unknown property serviceKey/],
  ])("%s", (_name, news, property, reason) => {
    const { failures } = checkRouting(news, configured);
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it("accepts an unknown integration id during preview", () => {
    const { inputs, failures } = checkRouting({ ...base, integrationInstanceId: UNKNOWN, region: UNKNOWN }, configured);
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ integrationInstanceId: UNKNOWN, region: UNKNOWN });
  });
});
