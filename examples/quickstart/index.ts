/**
 * Quickstart: one project's PagerDuty integration and the alerts routed to it.
 * `npm run demo` runs it against the sandbox; the README shows how to run it
 * against real Atlas and PagerDuty.
 *
 * Program config (pulumi config set ...):
 *   projectId            the Atlas project id
 *   integrationKey       (secret) an Events API v2 Integration Key, or
 *   pagerdutyServiceId   a PagerDuty service to create the integration on
 *   region               US (default) or EU
 *   relayUrl             optional: the relay's route URL (https://relay.example.com/atlas/<routeId>)
 *   relaySecret          (secret) with relayUrl: the route's webhook secret
 */
import * as pulumi from "@pulumi/pulumi";
// The package by its name, as in your own program (inside this repository it is
// the npm workspace packages/pagerduty-as-code, assembled by every build).
import { AlertRouting, PagerDutyIntegration, type Region } from "pagerduty-as-code";

const config = new pulumi.Config();
// A region the package does not know is refused at preview, naming the ones it knows.
const region = (config.get("region") ?? "US") as Region;

const integration = new PagerDutyIntegration("atlas-to-pagerduty", {
  projectId: config.require("projectId"),
  integrationKey: config.getSecret("integrationKey"),
  pagerdutyServiceId: config.get("pagerdutyServiceId"),
  region,
  initialAlert: { summary: "Atlas project connected to PagerDuty by Pulumi (test alert, resolved automatically)" },
});

// Primary elections and replication lag page the database on-call at critical.
new AlertRouting("no-primary", { integration, eventTypeName: "NO_PRIMARY", severity: "CRITICAL" });

new AlertRouting("primary-elected", { integration, eventTypeName: "PRIMARY_ELECTED", severity: "CRITICAL" });

new AlertRouting("replication-lag", {
  integration,
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: "GREATER_THAN", threshold: 60, units: "SECONDS" },
  severity: "CRITICAL",
});

// Disk and CPU go as warnings, after a delay so short spikes do not page.
new AlertRouting("disk-space", {
  integration,
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  metricThreshold: { metricName: "DISK_PARTITION_SPACE_USED_DATA", operator: "GREATER_THAN", threshold: 80, units: "RAW" },
  severity: "WARNING",
  delayMin: 5,
});

new AlertRouting("cpu", {
  integration,
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: "GREATER_THAN", threshold: 90, units: "RAW" },
  severity: "WARNING",
  delayMin: 10,
});

// Through the relay (npm run relay): no PagerDutyIntegration needed, the relay's route holds the key.
const relayUrl = config.get("relayUrl");
if (relayUrl) {
  new AlertRouting("host-down-via-relay", {
    projectId: config.require("projectId"),
    delivery: "relay",
    relayUrl,
    relaySecret: config.requireSecret("relaySecret"),
    eventTypeName: "HOST_DOWN",
    severity: "ERROR",
  });
}

export const integrationId = integration.integrationId;
export const keyLast4 = integration.keyLast4;
export const keyConfirmed = integration.keyConfirmed;
export const initialIncidentKey = integration.initialDedupKey;
