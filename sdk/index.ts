/** What programs import: the resources, the component over many projects, and their argument types. */
export { PagerDutyIntegration, type PagerDutyIntegrationArgs, type InitialAlertArgs } from "./integration";
export { AlertRouting, type AlertRoutingArgs, type ThresholdArgs, type MetricThresholdArgs } from "./routing";
export { AlertNotification, type AlertNotificationArgs, type AlertNotificationSelector } from "./notification";
export { AlertRoutingSet, type AlertRoutingSetArgs, type RoutingSetProject } from "./routing-set";
export type { Region, Severity, AlertSeverity, Delivery, Matcher, Attachment, Skip } from "../provider";
