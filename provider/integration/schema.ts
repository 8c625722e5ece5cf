import { z } from "zod";
import { DEFAULT_REGION, REGION_NAMES, regionChoices } from "../../lib/regions";
import { PAGERDUTY_SEVERITIES } from "../../lib/severity";
import { PROJECT_ID } from "../inputs";

/**
 * PagerDutyIntegration's inputs and outputs, defined once: `check` validates
 * with them, `schema.json` (the plugin's schema, the generated SDKs) is made
 * from them, and the README's argument table is tested against their
 * descriptions. `meta({ secret: true })` marks a secret, `meta({ internal: true })`
 * a field only the Node SDK sets (left out of the schema).
 */

export const DEFAULT_INITIAL_SUMMARY = "Test alert: MongoDB Atlas project is now integrated with PagerDuty (sent by Pulumi)";

/** What check knows besides the inputs: which of them the engine does not know yet. */
export interface IntegrationSchemaContext {
  unknowns?: readonly string[];
}

const initialAlert = z
  .object(
    {
      summary: z
        .string({ error: "initialAlert.summary must be a string (at most 1024 characters)" })
        // PagerDuty answers 400 to a trigger whose payload.summary is missing or blank.
        .refine((t) => t.trim().length > 0, {
          error: "initialAlert.summary must not be blank: PagerDuty requires a summary; remove it to use the default",
        })
        .refine((t) => t.length <= 1024, { error: "initialAlert.summary must be at most 1024 characters (PagerDuty's limit)" })
        .default(DEFAULT_INITIAL_SUMMARY)
        .describe("Summary of the initial alert (at most 1024 characters)."),
      severity: z
        .enum(PAGERDUTY_SEVERITIES, { error: `initialAlert.severity must be one of ${PAGERDUTY_SEVERITIES.join(", ")}` })
        .default("info")
        .describe("`critical`, `error`, `warning` or `info`."),
      keepOpen: z
        .boolean({ error: "initialAlert.keepOpen must be true or false" })
        .default(false)
        .describe(
          "Leave the initial incident open (it pages on-call) until the resource is deleted or its key changes; by default it is resolved as soon as PagerDuty accepts it.",
        ),
    },
    { error: "initialAlert must be an object {summary?, severity?, keepOpen?}" },
  )
  .strict()
  .meta({ typeName: "InitialAlert" });

export function integrationInputsSchema(ctx: IntegrationSchemaContext = {}) {
  const unknowns = ctx.unknowns ?? [];
  return z
    .object({
      projectId: z
        .string({
          error: (i) =>
            i.input === undefined
              ? "projectId is required: the 24-character hexadecimal Atlas project id (Project Settings > Project ID)"
              : "projectId must be a string: the 24-character hexadecimal Atlas project id (Project Settings > Project ID)",
        })
        .regex(PROJECT_ID, { error: "projectId must be the 24-character lowercase hexadecimal Atlas project id (Project Settings > Project ID)" })
        .describe(
          "The Atlas project id: 24 lowercase hexadecimal characters. Changing it replaces the resource, deleting the old integration first (a project has one PAGER_DUTY integration).",
        ),
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
        .optional()
        .describe(
          "The Integration Key of an Events API v2 integration: 32 hexadecimal digits (the project API refuses anything else). Always stored as a secret.",
        )
        .meta({ secret: true }),
      pagerdutyServiceId: z
        .string({ error: "pagerdutyServiceId must be a string: a PagerDuty service id such as PXXXXXX" })
        .regex(/^[A-Z0-9]{6,14}$/, { error: "pagerdutyServiceId must be a PagerDuty service id such as PXXXXXX (the last part of the service's URL)" })
        .optional()
        .describe(
          'A PagerDuty service id (`PXXXXXX`): the provider creates an Events API v2 integration named "MongoDB Atlas project …" on it through the REST API (needs the `pagerdutyToken` setting) and deletes it on destroy. The code form of "sign in to PagerDuty".',
        ),
      region: z
        .enum(REGION_NAMES, { error: `region must be ${regionChoices()}: the region of your PagerDuty account (EU accounts use app.eu.pagerduty.com)` })
        .default(DEFAULT_REGION)
        .describe("`US` or `EU`: the region of the PagerDuty account. Selects the Events and REST API hosts."),
      initialAlert: initialAlert
        .default({ summary: DEFAULT_INITIAL_SUMMARY, severity: "info", keepOpen: false })
        .describe("The alert that proves the key when the integration is created or its key changes."),
      importId: z
        .string()
        .regex(/^[0-9a-f]{24}\/PAGER_DUTY$/, { error: "the import id of a PagerDutyIntegration is <projectId>/PAGER_DUTY" })
        .optional()
        .describe("Set by the Node SDK from the `import` resource option: create adopts the existing integration.")
        .meta({ internal: true }),
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
}

const pendingCleanup = z
  .object({
    action: z.string().describe("`resolveInitialAlert` or `deletePagerDutyIntegration`."),
    region: z.string().describe("The PagerDuty region of the step."),
    dedupKey: z.string().optional().describe("The incident to resolve (`resolveInitialAlert`)."),
    keyLast4: z.string().optional().describe("The last 4 characters of the key that resolves it (`resolveInitialAlert`)."),
    serviceId: z.string().optional().describe("The PagerDuty service (`deletePagerDutyIntegration`)."),
    integrationId: z.string().optional().describe("The PagerDuty integration to delete (`deletePagerDutyIntegration`)."),
  })
  .meta({ typeName: "PendingCleanup" });

/** Outputs besides the inputs (which are outputs too). */
export const integrationOutputFields = {
  integrationId: z.string().describe("The project API's id of the integration; AlertRouting notifications reference it."),
  instanceId: z
    .string()
    .describe(
      "Which incarnation of the project's integration this is: changes only when it is created anew. A native AlertRouting takes it as `integrationInstanceId`.",
    ),
  integrationKey: z.string().describe("The key in use.").meta({ secret: true }),
  keyLast4: z.string().describe("The last 4 characters of the key the project API holds (refresh compares them)."),
  keyLength: z.number().int().describe("The length of the key the project API holds."),
  keyConfirmed: z.boolean().describe("The key was found on an Events API v2 integration through the PagerDuty REST API."),
  initialDedupKey: z.string().describe("The initial alert's dedup key: the incident key to look for in PagerDuty (empty when imported)."),
  initialIncidentOpen: z.boolean().describe("The initial incident was left open (`initialAlert.keepOpen`) and is not resolved yet."),
  pagerdutyIntegrationId: z.string().optional().describe("The PagerDuty integration the key belongs to, when known."),
  createdPagerdutyIntegration: z.boolean().describe("The provider created the PagerDuty integration (`pagerdutyServiceId`) and deletes it on destroy."),
  pendingCleanup: z.array(pendingCleanup).optional().describe("Clean-up an earlier `pulumi up` could not finish; the next `pulumi up` retries it."),
  retiredKeys: z.array(z.string()).optional().describe("Keys no longer in use that a pending clean-up still needs.").meta({ secret: true }),
};
