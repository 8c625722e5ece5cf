import { z } from "zod";
import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { configProblems, CONFIG_NAMESPACE, type ProviderConfig } from "../config";
import { isUnknown, issuesToFailures, PROJECT_ID, validationCandidate } from "../inputs";
import type { IntegrationInputs } from "./types";
import { DEFAULT_REGION, REGION_NAMES, regionChoices } from "../../lib/regions";

export const DEFAULT_INITIAL_SUMMARY = "Test alert: MongoDB Atlas project is now integrated with PagerDuty (sent by Pulumi)";

/**
 * Validates and normalizes PagerDutyIntegration inputs without any network
 * call, so every failure shows at `pulumi preview`. Fields the engine does not
 * know yet (outputs of other resources) are passed through unchecked.
 */
export function checkIntegration(news: Record<string, unknown>, config: ProviderConfig | undefined): CheckResult<IntegrationInputs> {
  const unknowns = Object.keys(news).filter((k) => isUnknown(news[k]));
  const shape = z
    .object({
      projectId: z
        .string({
          error: (i) =>
            i.input === undefined
              ? "projectId is required: the 24-character hexadecimal Atlas project id (Project Settings > Project ID)"
              : "projectId must be a string: the 24-character hexadecimal Atlas project id (Project Settings > Project ID)",
        })
        .regex(PROJECT_ID, { error: "projectId must be the 24-character lowercase hexadecimal Atlas project id (Project Settings > Project ID)" }),
      integrationKey: z
        .string({ error: "integrationKey must be a string: the 32-character Integration Key of a PagerDuty Events API v2 integration" })
        .refine((k) => !k.includes("*"), {
          error:
            "integrationKey looks redacted (it contains '*'): the project API only returns the last 4 characters, supply the real key from PagerDuty (Service > Integrations)",
          abort: true,
        })
        .refine((k) => k.length === 32, {
          error: "integrationKey must be exactly 32 characters: copy the Integration Key of the service's Events API v2 integration",
          abort: true,
        })
        // The project API refuses a PAGER_DUTY serviceKey that is not "32 hexadecimal digits" (400), although PagerDuty's Events API accepts any 32 letters and digits.
        .refine((k) => /^[0-9a-fA-F]{32}$/.test(k), {
          error:
            "integrationKey must be 32 hexadecimal digits (0-9, a-f): the project API refuses other keys for a PagerDuty integration; copy the Integration Key of the service's Events API v2 integration (a ruleset key starting with R cannot be used)",
        })
        .optional(),
      pagerdutyServiceId: z
        .string({ error: "pagerdutyServiceId must be a string: a PagerDuty service id such as PXXXXXX" })
        .regex(/^[A-Z0-9]{6,14}$/, { error: "pagerdutyServiceId must be a PagerDuty service id such as PXXXXXX (the last part of the service's URL)" })
        .optional(),
      region: z
        .enum(REGION_NAMES, { error: `region must be ${regionChoices()}: the region of your PagerDuty account (EU accounts use app.eu.pagerduty.com)` })
        .default(DEFAULT_REGION),
      initialAlert: z
        .object(
          {
            summary: z
              .string({ error: "initialAlert.summary must be a string (at most 1024 characters)" })
              // PagerDuty answers 400 to a trigger whose payload.summary is missing or blank.
              .refine((t) => t.trim().length > 0, {
                error: "initialAlert.summary must not be blank: PagerDuty requires a summary; remove it to use the default",
              })
              .refine((t) => t.length <= 1024, { error: "initialAlert.summary must be at most 1024 characters (PagerDuty's limit)" })
              .default(DEFAULT_INITIAL_SUMMARY),
            severity: z
              .enum(["critical", "error", "warning", "info"], { error: "initialAlert.severity must be one of critical, error, warning, info" })
              .default("info"),
            keepOpen: z.boolean({ error: "initialAlert.keepOpen must be true or false" }).default(false),
          },
          { error: "initialAlert must be an object {summary?, severity?, keepOpen?}" },
        )
        .strict()
        .default({ summary: DEFAULT_INITIAL_SUMMARY, severity: "info", keepOpen: false }),
      importId: z
        .string()
        .regex(/^[0-9a-f]{24}\/PAGER_DUTY$/, { error: "the import id of a PagerDutyIntegration is <projectId>/PAGER_DUTY" })
        .optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      const hasKey = v.integrationKey !== undefined || unknowns.includes("integrationKey");
      const hasService = v.pagerdutyServiceId !== undefined || unknowns.includes("pagerdutyServiceId");
      if (v.importId && v.importId.split("/")[0] !== v.projectId && !unknowns.includes("projectId")) {
        ctx.addIssue({
          code: "custom",
          path: ["importId"],
          message: `the import id names project ${v.importId.split("/")[0]} but projectId is ${v.projectId}`,
        });
      }
      if (hasKey && hasService) {
        ctx.addIssue({ code: "custom", path: ["integrationKey"], message: "set either integrationKey or pagerdutyServiceId, not both" });
      } else if (!hasKey && !hasService) {
        ctx.addIssue({
          code: "custom",
          path: ["integrationKey"],
          message:
            "set integrationKey (the Integration Key of an Events API v2 integration) or pagerdutyServiceId (the provider then creates the integration on that service)",
        });
      }
    });

  const parsed = shape.safeParse(validationCandidate(news, unknowns, placeholderFor));
  const failures = parsed.success ? [] : issuesToFailures(parsed.error.issues, "PagerDutyIntegration");
  if (config) {
    failures.push(...configProblems(config));
    if (news.pagerdutyServiceId !== undefined && news.pagerdutyServiceId !== null && !config.pagerdutyToken) {
      failures.push({
        property: "pagerdutyServiceId",
        reason: `creating an integration on a PagerDuty service needs a REST API token: set --secret ${CONFIG_NAMESPACE}:pagerdutyToken (or PAGERDUTY_TOKEN), or use integrationKey instead`,
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
