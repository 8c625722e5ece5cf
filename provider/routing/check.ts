import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { EVENT_TYPES } from "../../catalog/atlas";
import { DEFAULT_REGION } from "../../lib/regions";
import { configProblems, type ProviderConfig } from "../config";
import { isUnknown, issuesToFailures, validationCandidate } from "../inputs";
import { routingInputsSchema } from "./schema";
import type { RoutingInputs } from "./types";

export { relayUrlProblem } from "./schema";

/**
 * Validates and normalizes AlertRouting inputs without network calls. Unknown
 * values (the integration's id during the first preview) skip their checks.
 */
export function checkRouting(news: Record<string, unknown>, config: ProviderConfig | undefined): CheckResult<RoutingInputs> {
  const unknowns = Object.keys(news).filter((k) => isUnknown(news[k]));
  const failures: Array<{ property: string; reason: string }> = [];
  if ("intervalMin" in news) {
    failures.push({
      property: "intervalMin",
      reason: "intervalMin is not accepted for PagerDuty notifications: PagerDuty re-notifies through the service's escalation policy; remove it",
    });
  }
  const eventType = typeof news.eventTypeName === "string" ? EVENT_TYPES[news.eventTypeName] : undefined;
  // A threshold on an event type that takes none is refused whole (its units or operator would only mislead).
  const skip = ["intervalMin"];
  for (const [field, takes, other] of [
    ["threshold", eventType?.threshold, "metricThreshold"],
    ["metricThreshold", eventType?.metricThreshold, "threshold"],
  ] as const) {
    if (!eventType || takes || news[field] === undefined || news[field] === null) continue;
    const alt = other === "threshold" ? eventType.threshold : eventType.metricThreshold;
    failures.push({ property: field, reason: `${String(news.eventTypeName)} takes no ${field}: ${alt ? `use ${other}` : "remove it"}` });
    skip.push(field);
  }
  const schema = routingInputsSchema({ eventTypeName: news.eventTypeName });
  const parsed = schema.safeParse(validationCandidate(news, unknowns, placeholderFor, skip));
  if (!parsed.success) failures.push(...issuesToFailures(parsed.error.issues, "AlertRouting"));
  if (config) failures.push(...configProblems(config));
  if (failures.length > 0 || !parsed.success) return { inputs: news as unknown as RoutingInputs, failures };
  const inputs: Record<string, unknown> = { ...parsed.data };
  for (const k of unknowns) inputs[k] = news[k];
  return { inputs: inputs as unknown as RoutingInputs };
}

function placeholderFor(key: string): unknown {
  switch (key) {
    case "projectId":
      return "0".repeat(24);
    case "integrationInstanceId":
      return "unknown";
    case "region":
      return DEFAULT_REGION;
    case "relayUrl":
      return "https://unknown.invalid/";
    case "relaySecret":
      return "x".repeat(16);
    default:
      return undefined;
  }
}
