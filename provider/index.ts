/**
 * The provider's surface for code that embeds it: the dynamic providers and
 * the types of their inputs and outputs. The provider host loads the provider
 * through `./runtime` instead (see sdk/stub.ts).
 */
export { PagerDutyIntegrationProvider } from "./integration/provider";
export { AlertRoutingProvider } from "./routing/provider";
export { AlertNotificationProvider } from "./notification/provider";
export type { IntegrationInputs, IntegrationOutputs, InitialAlertOptions, Severity } from "./integration/types";
export type { RoutingInputs, RoutingOutputs, Matcher, Threshold, MetricThreshold, AlertSeverity, Delivery } from "./routing/types";
export type { NotificationInputs, NotificationOutputs, Selector, Attachment, Skip } from "./notification/schema";
export { CONFIG_NAMESPACE, CONFIG_NAMESPACES, SETTINGS, type Region } from "./config";
export { ProviderError } from "./errors";
export { STATE_VERSION } from "./state";
