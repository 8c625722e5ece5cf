/**
 * The provider's public surface: the two dynamic providers, one instance each
 * (Pulumi serializes the instance into every resource of its type), and the
 * types that describe their inputs and outputs.
 */
import { PagerDutyIntegrationProvider } from "./integration/provider";
import { AlertRoutingProvider } from "./routing/provider";

export { PagerDutyIntegrationProvider } from "./integration/provider";
export { AlertRoutingProvider } from "./routing/provider";
export type { IntegrationInputs, IntegrationOutputs, InitialAlertOptions, Severity } from "./integration/types";
export type { RoutingInputs, RoutingOutputs, Matcher, Threshold, MetricThreshold, AlertSeverity, Delivery } from "./routing/types";
export { CONFIG_NAMESPACE, SETTINGS, type Region } from "./config";
export { ProviderError } from "./errors";

export const integrationProvider = new PagerDutyIntegrationProvider();
export const routingProvider = new AlertRoutingProvider();
