/**
 * The scale benchmark's program: one PagerDutyIntegration and `routingCount`
 * AlertRoutings (distinct NO_PRIMARY configurations, one per cluster name).
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting, PagerDutyIntegration } from "pagerduty-as-code";

const config = new pulumi.Config();
const integration = new PagerDutyIntegration("pd", {
  projectId: config.require("projectId"),
  integrationKey: config.requireSecret("integrationKey"),
});
const count = config.requireNumber("routingCount");
for (let i = 0; i < count; i++) {
  new AlertRouting(`no-primary-${i}`, {
    integration,
    eventTypeName: "NO_PRIMARY",
    matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: `cluster-${i}` }],
    severity: "CRITICAL",
  });
}
