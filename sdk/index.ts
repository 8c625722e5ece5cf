/** What programs import: the two resources and their argument types. */
export { PagerDutyIntegration, type PagerDutyIntegrationArgs, type InitialAlertArgs } from "./integration";
export { AlertRouting, type AlertRoutingArgs, type ThresholdArgs, type MetricThresholdArgs } from "./routing";
export type { Region, Severity, AlertSeverity, Delivery, Matcher } from "../provider";
