import { readProviderConfig } from "../config";
import { UNKNOWN } from "../inputs";
import { checkRouting } from "./check";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const INSTANCE = "0f1e2d3c4b5a6978";
const configured = readProviderConfig(
  { get: (k: string) => (({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret" }) as Record<string, string>)[k] },
  {},
);
const base = { projectId: PROJECT, integrationInstanceId: INSTANCE, region: "US", eventTypeName: "NO_PRIMARY" };
const relay = { ...base, delivery: "relay", relayUrl: "https://relay.example.com/atlas/webhook", relaySecret: "s".repeat(16) };
const disk = (threshold: number) => ({
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  metricThreshold: { metricName: "DISK_PARTITION_SPACE_USED_DATA", operator: ">", threshold, units: "RAW" },
});

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
    expect(
      checkRouting({ ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3, units: "RAW" } }, configured).inputs,
    ).toMatchObject({
      threshold: { operator: "GREATER_THAN", threshold: 3, units: "RAW" },
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["unknown event type", { ...base, eventTypeName: "NOPRIMARY" }, "eventTypeName", /not an Atlas alert event type: did you mean NO_PRIMARY\?/],
    [
      "near miss of an event type",
      { ...base, eventTypeName: "NO_PRIMRY" },
      "eventTypeName",
      /"NO_PRIMRY" is not an Atlas alert event type: did you mean NO_PRIMARY\?/,
    ],
    [
      "far miss of an event type: no guess",
      { ...base, eventTypeName: "PRIMARY_LOST" },
      "eventTypeName",
      /is not an Atlas alert event type \(see the Atlas alert event types\)$/,
    ],
    [
      "near miss of a matcher field",
      { ...base, matchers: [{ fieldName: "CLUSTER_NAMES", operator: "EQUALS", value: "x" }] },
      "matchers[0].fieldName",
      /did you mean CLUSTER_NAME\? \(use one of CLUSTER_NAME, /,
    ],
    [
      "near miss of a metric",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTR_TIME", operator: ">", threshold: 1, units: "SECONDS" },
      },
      "metricThreshold.metricName",
      /did you mean OPLOG_SLAVE_LAG_MASTER_TIME\?/,
    ],
    [
      "near miss of metric units",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1, units: "SECOND" },
      },
      "metricThreshold.units",
      /did you mean SECONDS\?/,
    ],
    [
      "near miss of threshold units",
      { ...base, eventTypeName: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", threshold: { operator: "<", threshold: 1, units: "HOUR" } },
      "threshold.units",
      /must be one of .*HOURS.*: did you mean HOURS\?/,
    ],
    ["missing event type", { ...base, eventTypeName: undefined }, "eventTypeName", /eventTypeName is required/],
    ["no integration", { ...base, integrationInstanceId: undefined }, "integration", /pass the project's PagerDutyIntegration/],
    ["matcher operator", { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "IS", value: "x" }] }, "matchers[0].operator", /EQUALS, CONTAINS/],
    [
      "matcher field for this event type",
      { ...base, matchers: [{ fieldName: "HOSTNAME", operator: "EQUALS", value: "x" }] },
      "matchers[0].fieldName",
      /use one of CLUSTER_NAME, REPLICA_SET_NAME, SHARD_NAME/,
    ],
    [
      "threshold without units",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3 } },
      "threshold.units",
      /threshold.units is required/,
    ],
    [
      "threshold units of the event type",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3, units: "HOURS" } },
      "threshold.units",
      /must be one of RAW/,
    ],
    [
      "threshold operator of the event type",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: "<", threshold: 3, units: "RAW" } },
      "threshold.operator",
      /must be GREATER_THAN/,
    ],
    [
      "threshold on a metric event",
      { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", threshold: { operator: ">", threshold: 3, units: "RAW" } },
      "threshold",
      /takes no threshold: use metricThreshold/,
    ],
    [
      "host type matcher value",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" },
        matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "LEADER" }],
      },
      "matchers[0].value",
      /PRIMARY/,
    ],
    ["metric event without metricThreshold", { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD" }, "metricThreshold", /needs a metricThreshold/],
    [
      "unknown metric",
      { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "CPU", operator: ">", threshold: 1, units: "RAW" } },
      "metricThreshold.metricName",
      /not an Atlas metric \(see the Atlas alert metrics\)$/,
    ],
    [
      "metric units",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1, units: "GIGABYTES" },
      },
      "metricThreshold.units",
      /SECONDS/,
    ],
    ["intervalMin with PagerDuty", { ...base, intervalMin: 5 }, "intervalMin", /not accepted for PagerDuty/],
    ["negative delay", { ...base, delayMin: -1 }, "delayMin", /0 or more/],
    ["fractional delay", { ...base, delayMin: 1.5 }, "delayMin", /whole number/],
    ["severity", { ...base, severity: "urgent" }, "severity", /INFO, WARNING, ERROR, CRITICAL/],
    ["delivery", { ...base, delivery: "email" }, "delivery", /"native" .* or "relay"/],
    ["relay without url", { ...base, delivery: "relay", relaySecret: "s".repeat(16) }, "relayUrl", /needs relayUrl/],
    ["relay without secret", { ...base, delivery: "relay", relayUrl: "https://relay.example.com/hook" }, "relaySecret", /needs relaySecret/],
    ["relay url on native", { ...base, relayUrl: "https://relay.example.com/hook" }, "relayUrl", /only apply with delivery "relay"/],
    ["relay url scheme", { ...base, delivery: "relay", relayUrl: "ftp://relay", relaySecret: "s".repeat(16) }, "relayUrl", /http\(s\) URL/],
    ["relay url over http", { ...relay, relayUrl: "http://relay.example.com/hook" }, "relayUrl", /must use https .* loopback/],
    ["relay url with user info", { ...relay, relayUrl: "https://user:pass@relay.example.com/hook" }, "relayUrl", /user info .* relaySecret/],
    ["relay url with a token in the query", { ...relay, relayUrl: "https://relay.example.com/hook?token=abc" }, "relayUrl", /query string .* relaySecret/],
    ["relay secret of 15 characters", { ...relay, relaySecret: "s".repeat(15) }, "relaySecret", /at least 16/],
    ["matchers not a list", { ...base, matchers: "CLUSTER_NAME=prod" }, "matchers", /matchers must be a list of \{fieldName, operator, value\}/],
    ["matcher not an object", { ...base, matchers: ["CLUSTER_NAME"] }, "matchers[0]", /matchers must be a list of \{fieldName, operator, value\}/],
    [
      "matcher value of the wrong type",
      { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: 3 }] },
      "matchers[0].value",
      /value is required \(a string\)/,
    ],
    [
      "REGEX that does not compile",
      { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "REGEX", value: "([" }] },
      "matchers[0].value",
      /valid regular expression/,
    ],
    [
      "REGEX with a dangling quantifier",
      { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "REGEX", value: "*prod" }] },
      "matchers[0].value",
      /valid regular expression/,
    ],
    [
      "negative election count",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: -1, units: "RAW" } },
      "threshold.threshold",
      /0 or more/,
    ],
    [
      "election count past int32",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 2147483648, units: "RAW" } },
      "threshold.threshold",
      /at most 2147483647/,
    ],
    [
      "threshold of the wrong type",
      { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: 3 },
      "threshold",
      /threshold must be an object \{operator, threshold, units\}/,
    ],
    [
      "threshold on an event type that takes none (units it cannot have)",
      { ...base, threshold: { operator: ">", threshold: 3, units: "pixels" } },
      "threshold",
      /NO_PRIMARY takes no threshold: remove it/,
    ],
    [
      "metricThreshold on an event type that takes none",
      { ...base, metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1, units: "SECONDS" } },
      "metricThreshold",
      /NO_PRIMARY takes no metricThreshold/,
    ],
    ["negative disk percentage", { ...base, ...disk(-0.5) }, "metricThreshold.threshold", /0 or more/],
    ["disk percentage over 100", { ...base, ...disk(100.5) }, "metricThreshold.threshold", /at most 100: .* percentage/],
    [
      "absurd metric threshold",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 1e308, units: "SECONDS" },
      },
      "metricThreshold.threshold",
      /at most 9007199254740991/,
    ],
    [
      "metricThreshold of the wrong type",
      { ...base, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: "CPU > 90" },
      "metricThreshold",
      /metricThreshold must be an object/,
    ],
    ["severity of the wrong type", { ...base, severity: 3 }, "severity", /INFO, WARNING, ERROR, CRITICAL/],
    ["project id of the wrong type", { ...base, projectId: 12 }, "projectId", /projectId must be a string/],
    ["delay past a day", { ...base, delayMin: 1441 }, "delayMin", /at most 1440/],
    ["unknown property", { ...base, serviceKey: "x" }, "serviceKey", /unknown property serviceKey/],
  ])("%s", (_name, news, property, reason) => {
    const { failures } = checkRouting(news, configured);
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it.each<[string, Record<string, unknown>]>([
    ["relay on https", relay],
    ["relay on loopback http (the sandbox)", { ...relay, relayUrl: "http://127.0.0.1:8480/hook" }],
    ["relay on localhost http", { ...relay, relayUrl: "http://localhost:9000/hook" }],
    ["relay secret of exactly 16 characters", { ...relay, relaySecret: "s".repeat(16) }],
    ["REGEX that compiles", { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "REGEX", value: "^prod-[0-9]+$" }] }],
    ['"([" with a literal operator', { ...base, matchers: [{ fieldName: "CLUSTER_NAME", operator: "CONTAINS", value: "([" }] }],
    ["zero elections", { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 0, units: "RAW" } }],
    ["int32 max elections", { ...base, eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 2147483647, units: "RAW" } }],
    ["disk at 0 %", { ...base, ...disk(0) }],
    ["disk at 100 %", { ...base, ...disk(100) }],
    [
      "non-percentage metric over 100",
      {
        ...base,
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 3600, units: "SECONDS" },
      },
    ],
    ["a day of delay", { ...base, delayMin: 1440 }],
  ])("accepts the other side of each boundary: %s", (_name, news) => {
    expect(checkRouting(news, configured).failures).toBeUndefined();
  });

  it("accepts an unknown integration id during preview", () => {
    const { inputs, failures } = checkRouting({ ...base, integrationInstanceId: UNKNOWN, region: UNKNOWN }, configured);
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ integrationInstanceId: UNKNOWN, region: UNKNOWN });
  });
});

describe("relay delivery without a PagerDutyIntegration", () => {
  it.each([
    [
      "relay: projectId is enough",
      { ...base, integrationInstanceId: undefined, delivery: "relay", relayUrl: "https://relay.example.com/atlas/orders", relaySecret: "s".repeat(16) },
      undefined,
    ],
    ["native still needs the integration", { ...base, integrationInstanceId: undefined, delivery: "native" }, "integration"],
  ])("%s", (_n, news, failing) => {
    const { failures } = checkRouting(news as any, configured);
    expect((failures ?? []).map((f) => f.property)).toEqual(failing ? [failing] : []);
  });
});
