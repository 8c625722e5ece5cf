/**
 * The end-to-end program of AlertNotification and AlertRoutingSet, driven by config:
 *   projectId, integrationKey (secret): a PagerDutyIntegration and an AlertNotification on the project's defaults
 *   relayUrl, relaySecret (secret), relayEventTypes (comma list), relayDelayMin: an AlertNotification through the relay
 *   setProjects (JSON {key: projectId}), integrationKey, setSeverity: an AlertRoutingSet over those projects instead
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertNotification, AlertRoutingSet, PagerDutyIntegration } from "pagerduty-as-code";

const config = new pulumi.Config();
const setProjects = config.getObject<Record<string, string>>("setProjects");

if (setProjects) {
  new AlertRoutingSet("prod", {
    projects: Object.fromEntries(
      Object.entries(setProjects).map(([k, projectId]) => [k, { projectId, integrationKey: config.requireSecret("integrationKey") }]),
    ),
    routings: { "no-primary": { eventTypeName: "NO_PRIMARY", severity: config.get("setSeverity") ?? "CRITICAL" } },
    notifications: { defaults: { selector: { defaults: true } } },
  });
} else {
  const projectId = config.require("projectId");
  const integration = new PagerDutyIntegration("pd", { projectId, integrationKey: config.requireSecret("integrationKey") });
  new AlertNotification("defaults", { integration, selector: { defaults: true } });
  const relayUrl = config.get("relayUrl");
  if (relayUrl) {
    new AlertNotification("relayed", {
      projectId,
      selector: { eventTypeNames: config.require("relayEventTypes").split(",") },
      delayMin: config.getNumber("relayDelayMin") ?? 0,
      delivery: "relay",
      relayUrl,
      relaySecret: config.requireSecret("relaySecret"),
    });
  }
}
