/**
 * The scale benchmark's program. Without `setProjects`: one PagerDutyIntegration and `routingCount`
 * AlertRoutings (distinct NO_PRIMARY configurations, one per cluster name). With `setProjects`
 * (JSON {key: projectId}): an AlertRoutingSet applying `routingCount` such routings and
 * `notificationCount` AlertNotifications (each on one default event type) to every project.
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting, AlertRoutingSet, PagerDutyIntegration } from "pagerduty-as-code";

/** Default event types a notification of the set attaches to, one each. */
const DEFAULT_EVENT_TYPES = ["NO_PRIMARY", "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", "CLUSTER_MONGOS_IS_MISSING", "JOINED_GROUP", "CREDIT_CARD_ABOUT_TO_EXPIRE"];

const config = new pulumi.Config();
const count = config.requireNumber("routingCount");
const routing = (i: number) => ({
  eventTypeName: "NO_PRIMARY",
  matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS" as const, value: `cluster-${i}` }],
  severity: "CRITICAL" as const,
});
const setProjects = config.getObject<Record<string, string>>("setProjects");

if (setProjects) {
  const notes = config.getNumber("notificationCount") ?? 0;
  new AlertRoutingSet("fleet", {
    projects: Object.fromEntries(
      Object.entries(setProjects).map(([k, projectId]) => [k, { projectId, integrationKey: config.requireSecret("integrationKey") }]),
    ),
    routings: Object.fromEntries(Array.from({ length: count }, (_, i) => [`no-primary-${i}`, routing(i)])),
    notifications: Object.fromEntries(
      DEFAULT_EVENT_TYPES.slice(0, notes).map((e) => [e.toLowerCase().replace(/_/g, "-"), { selector: { eventTypeNames: [e], defaults: true } }]),
    ),
  });
} else {
  const integration = new PagerDutyIntegration("pd", {
    projectId: config.require("projectId"),
    integrationKey: config.requireSecret("integrationKey"),
  });
  for (let i = 0; i < count; i++) new AlertRouting(`no-primary-${i}`, { integration, ...routing(i) });
}
