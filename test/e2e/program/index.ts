/**
 * The end-to-end tests' program: the quickstart's shape, driven by config so
 * one program covers bad input, import and a change of project.
 *   projectId, integrationKey (secret) or pagerdutyServiceId, region
 *   routings: "true" adds two routings
 *   importId: adopt an existing integration instead of creating one
 *   relayUrl, relaySecret (secret): adds a relay routing that names the project, not the integration
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting, PagerDutyIntegration, type Region } from "pagerduty-as-code";

const config = new pulumi.Config();
const importId = config.get("importId");

const integration = new PagerDutyIntegration(
  "pd",
  {
    projectId: config.require("projectId"),
    ...(config.get("pagerdutyServiceId")
      ? { pagerdutyServiceId: config.require("pagerdutyServiceId") }
      : { integrationKey: config.requireSecret("integrationKey") }),
    region: (config.get("region") ?? "US") as Region,
  },
  importId ? { import: importId } : undefined,
);

if (config.getBoolean("routings")) {
  new AlertRouting("no-primary", { integration, eventTypeName: "NO_PRIMARY", severity: "CRITICAL" });
  new AlertRouting("cpu", {
    integration,
    eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
    metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" },
    severity: "WARNING",
    delayMin: 10,
  });
}

const relayUrl = config.get("relayUrl");
if (relayUrl) {
  new AlertRouting("relayed", {
    projectId: config.require("projectId"),
    eventTypeName: "HOST_DOWN",
    delivery: "relay",
    relayUrl,
    relaySecret: config.requireSecret("relaySecret"),
  });
}

export const integrationId = integration.integrationId;
export const initialDedupKey = integration.initialDedupKey;
export const projectId = integration.projectId;
export const keyConfirmed = integration.keyConfirmed;
