import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { DEFAULT_REGION } from "../../lib/regions";
import { configProblems, type ProviderConfig, settingKey } from "../config";
import { isRedacted, isUnknown, issuesToFailures, validationCandidate } from "../inputs";
import { integrationInputsSchema } from "./schema";
import type { IntegrationInputs } from "./types";

export { DEFAULT_INITIAL_SUMMARY } from "./schema";

/**
 * Validates and normalizes PagerDutyIntegration inputs without any network
 * call, so every failure shows at `pulumi preview`. Fields the engine does not
 * know yet (outputs of other resources) are passed through unchecked.
 */
export function checkIntegration(
  news: Record<string, unknown>,
  config: ProviderConfig | undefined,
  olds: Record<string, unknown> = {},
): CheckResult<IntegrationInputs> {
  const unknowns = Object.keys(news).filter((k) => isUnknown(news[k]));
  // `pulumi import` reads the key redacted (the project API never returns it) and checks it as read:
  // that key, unchanged from state, is not the program's to fix until it supplies the real one.
  if (typeof news.integrationKey === "string" && isRedacted(news.integrationKey) && news.integrationKey === olds.integrationKey)
    unknowns.push("integrationKey");
  const shape = integrationInputsSchema({ unknowns });
  const parsed = shape.safeParse(validationCandidate(news, unknowns, placeholderFor, ["instanceId"]));
  const failures = parsed.success ? [] : issuesToFailures(parsed.error.issues, "PagerDutyIntegration");
  if (config) {
    failures.push(...configProblems(config));
    if (news.pagerdutyServiceId !== undefined && news.pagerdutyServiceId !== null && !config.pagerdutyToken) {
      failures.push({
        property: "pagerdutyServiceId",
        reason: `creating an integration on a PagerDuty service needs a REST API token: set --secret ${settingKey(config.namespace, "pagerdutyToken")} (or PAGERDUTY_TOKEN), or use integrationKey instead`,
      });
    }
  }
  if (failures.length > 0 || !parsed.success) return { inputs: news as unknown as IntegrationInputs, failures };
  const inputs: Record<string, unknown> = { ...parsed.data };
  for (const k of unknowns) inputs[k] = news[k];
  return { inputs: inputs as unknown as IntegrationInputs };
}

/** A value that passes validation, standing in for an unknown while the rest is checked. */
function placeholderFor(key: string): unknown {
  switch (key) {
    case "projectId":
      return "0".repeat(24);
    case "integrationKey":
      return "0".repeat(32);
    case "pagerdutyServiceId":
      return "PUNKNOWN";
    case "region":
      return DEFAULT_REGION;
    default:
      return undefined;
  }
}
