import { z } from "zod";
import { EVENT_TYPES, type EventTypeInfo, METRIC_UNITS } from "../../catalog/atlas";
import { DEFAULT_REGION, REGION_NAMES, regionChoices } from "../../lib/regions";
import { ATLAS_SEVERITIES } from "../../lib/severity";
import { PROJECT_ID } from "../inputs";
import { didYouMean } from "../suggest";

/**
 * AlertRouting's inputs and outputs, defined once: `check` (check.ts)
 * validates with them, `schema.json` (the plugin's schema, the generated SDKs)
 * is made from them, and the README's argument table is tested against their
 * descriptions. `meta({ secret: true })` marks a secret, `meta({ internal: true })`
 * a field only the Node SDK sets (left out of the schema).
 *
 * The checks of matchers and thresholds depend on the event type, so the
 * schema is made for the event type the inputs name (`routingInputsSchema({
 * eventTypeName })`); made without one, it is the shape alone.
 */

export const MATCHER_OPERATORS = ["EQUALS", "CONTAINS", "STARTS_WITH", "ENDS_WITH", "NOT_EQUALS", "NOT_CONTAINS", "REGEX"] as const;

const SEVERITY_CHOICES = `severity must be one of ${ATLAS_SEVERITIES.join(", ")}`;

/** Friendly operator spellings accepted in programs; stored as the event type's spec spells them. */
const THRESHOLD_OPERATORS: Record<string, { symbol: "<" | ">"; word: "LESS_THAN" | "GREATER_THAN" }> = {
  "<": { symbol: "<", word: "LESS_THAN" },
  ">": { symbol: ">", word: "GREATER_THAN" },
  LESS_THAN: { symbol: "<", word: "LESS_THAN" },
  GREATER_THAN: { symbol: ">", word: "GREATER_THAN" },
};
const METRIC_OPERATORS: Record<string, "LESS_THAN" | "GREATER_THAN"> = {
  "<": "LESS_THAN",
  ">": "GREATER_THAN",
  LESS_THAN: "LESS_THAN",
  GREATER_THAN: "GREATER_THAN",
};

/** The inputs' schema, for the event type the inputs name (unknown or absent: the shape alone). */
export function routingInputsSchema(ctx: { eventTypeName?: unknown } = {}) {
  const eventTypeName = String(ctx.eventTypeName);
  const eventType: EventTypeInfo | undefined = typeof ctx.eventTypeName === "string" ? EVENT_TYPES[ctx.eventTypeName] : undefined;
  const thresholdUnits = eventType?.thresholdUnits ?? [];
  return z
    .object({
      projectId: z
        .string({ error: (i) => `projectId ${i.input === undefined ? "is required" : "must be a string"}: the 24-character hexadecimal Atlas project id` })
        .regex(PROJECT_ID, { error: "projectId must be the 24-character lowercase hexadecimal Atlas project id" })
        .describe("The Atlas project id (the integration's). Changing it replaces the routing."),
      integrationInstanceId: z
        .string({ error: "integrationInstanceId must be a PagerDutyIntegration's instanceId: pass the integration to the AlertRouting" })
        .min(1)
        .optional()
        .describe(
          "The `instanceId` of the project's `PagerDutyIntegration` (native delivery): the notification references the project's PagerDuty integration, so the key is never repeated. The Node SDK's `integration` argument sets it, with `projectId` and `region`.",
        ),
      region: z
        .enum(REGION_NAMES, { error: `region must be ${regionChoices()} (normally taken from the integration)` })
        .default(DEFAULT_REGION)
        .describe("The integration's `region`: the region of the notification."),
      eventTypeName: z
        .string({ error: "eventTypeName is required, for example NO_PRIMARY or OUTSIDE_METRIC_THRESHOLD" })
        .refine((e) => EVENT_TYPES[e] !== undefined, {
          error: (i) =>
            `eventTypeName ${JSON.stringify(i.input)} is not an Atlas alert event type${didYouMean(i.input, Object.keys(EVENT_TYPES), " (see the Atlas alert event types)")}`,
        })
        .describe(
          'An Atlas alert event type, checked against the spec (`NO_PRIMARY`, `PRIMARY_ELECTED`, `TOO_MANY_ELECTIONS`, `OUTSIDE_METRIC_THRESHOLD`, …); a near miss gets "did you mean" (`NO_PRIMRY`: did you mean `NO_PRIMARY`?), as do matcher fields, metric names and units: the nearest allowed value within 3 edits and under a third of its length.',
        ),
      matchers: z
        .array(
          z
            .object(
              {
                fieldName: z
                  .string({ error: "fieldName is required (a string), for example CLUSTER_NAME" })
                  .refine((f) => !eventType || eventType.matcherFields.includes(f), {
                    error: (i) => {
                      const fields = eventType?.matcherFields ?? [];
                      const hint = didYouMean(i.input, fields);
                      const list = fields.length ? `use one of ${fields.join(", ")}` : "(none: this event type takes no matchers)";
                      return `fieldName ${JSON.stringify(i.input)} cannot be matched for ${eventTypeName}${hint ? `${hint} (${list})` : `: ${list}`}`;
                    },
                  })
                  .describe("A field the event type can be matched on, for example `CLUSTER_NAME`, `HOSTNAME`, `REPLICA_SET_NAME`."),
                operator: z
                  .enum(MATCHER_OPERATORS, { error: `operator must be one of ${MATCHER_OPERATORS.join(", ")}` })
                  .describe(`One of ${MATCHER_OPERATORS.map((o) => `\`${o}\``).join(", ")}.`),
                value: z.string({ error: "value is required (a string)" }).describe("The value to match (a valid regular expression with `REGEX`)."),
              },
              { error: MATCHERS_SHAPE },
            )
            .strict()
            .meta({ typeName: "Matcher" })
            // Atlas compiles REGEX values and refuses a pattern that does not compile (400 INVALID_ATTRIBUTE).
            .superRefine((m, ctx) => {
              if (m.operator !== "REGEX") return;
              const problem = regexProblem(m.value);
              if (problem)
                ctx.addIssue({
                  code: "custom",
                  path: ["value"],
                  message: `a REGEX matcher's value must be a valid regular expression (${problem}): fix the pattern, or use another operator to match the text literally`,
                });
            })
            // Host type matchers take the spec's host types; other fields take any string (host names, ports).
            .refine((m) => m.fieldName !== "TYPE_NAME" || !eventType?.matcherValues || eventType.matcherValues.includes(m.value), {
              error: `a TYPE_NAME matcher's value must be one of ${eventType?.matcherValues?.join(", ") ?? ""}`,
              path: ["value"],
            }),
          { error: MATCHERS_SHAPE },
        )
        .max(50, { error: "matchers: at most 50 per alert configuration" })
        .optional()
        .default([])
        .describe(
          "`{fieldName, operator, value}`: fields allowed for the event type, operators `EQUALS`, `CONTAINS`, `STARTS_WITH`, `ENDS_WITH`, `NOT_EQUALS`, `NOT_CONTAINS`, `REGEX`.",
        ),
      threshold: z
        .object(
          {
            operator: z
              .string()
              .refine((o) => o in THRESHOLD_OPERATORS, { error: 'threshold.operator must be ">" or "<" (or GREATER_THAN / LESS_THAN)' })
              .transform((o) => {
                const spelled = eventType?.thresholdOperators.some((x) => x === "<" || x === ">") ? THRESHOLD_OPERATORS[o].symbol : THRESHOLD_OPERATORS[o].word;
                return spelled;
              })
              .refine((o) => !eventType || eventType.thresholdOperators.length === 0 || eventType.thresholdOperators.includes(o), {
                error: `threshold.operator for ${eventTypeName} must be ${eventType?.thresholdOperators.join(" or ")}`,
              })
              .describe("`>` or `<` (`GREATER_THAN` / `LESS_THAN` also accepted), stored as the event type's spec spells it."),
            // int32 in the spec (GreaterThanRawThreshold...); counts, durations and days are never negative.
            threshold: z
              .number({ error: "threshold.threshold must be a whole number" })
              .int({ error: "threshold.threshold must be a whole number" })
              .min(0, { error: `threshold.threshold must be 0 or more: ${eventTypeName} counts or measures time, which is never negative` })
              .max(INT32_MAX, { error: `threshold.threshold must be at most ${INT32_MAX} (the project API stores a 32-bit integer)` })
              .describe("The limit: a whole number from 0 to 2147483647."),
            units: z
              .string({ error: `threshold.units is required: one of ${thresholdUnits.join(", ") || "the units of the event type"}` })
              .refine((u) => !eventType || thresholdUnits.includes(u), {
                error: (i) => `threshold.units for ${eventTypeName} must be one of ${thresholdUnits.join(", ")}${didYouMean(i.input, thresholdUnits)}`,
              })
              .describe("For example `HOURS`, `MINUTES`, `RAW`: the units the event type takes."),
          },
          { error: "threshold must be an object {operator, threshold, units}" },
        )
        .strict()
        .meta({ typeName: "Threshold" })
        .optional()
        .describe(
          "`{operator, threshold, units}` for event types with a limit (`TOO_MANY_ELECTIONS`: `>` 3 `RAW`; `REPLICATION_OPLOG_WINDOW_RUNNING_OUT`: `<` 1 `HOURS`). `>`/`<` and `GREATER_THAN`/`LESS_THAN` are both accepted and stored as the event type's spec spells them.",
        ),
      metricThreshold: z
        .object(
          {
            metricName: z
              .string({ error: "metricThreshold.metricName is required, for example OPLOG_SLAVE_LAG_MASTER_TIME" })
              .refine((m) => METRIC_UNITS[m] !== undefined, {
                error: (i) =>
                  `metricThreshold.metricName ${JSON.stringify(i.input)} is not an Atlas metric${didYouMean(i.input, Object.keys(METRIC_UNITS), " (see the Atlas alert metrics)")}`,
              })
              .describe("For example `OPLOG_SLAVE_LAG_MASTER_TIME`, `NORMALIZED_SYSTEM_CPU_USER`, `DISK_PARTITION_SPACE_USED_DATA`."),
            operator: z
              .string()
              .refine((o) => o in METRIC_OPERATORS, { error: "metricThreshold.operator must be GREATER_THAN or LESS_THAN" })
              .transform((o) => METRIC_OPERATORS[o])
              .describe("`GREATER_THAN` or `LESS_THAN` (`>` / `<` also accepted)."),
            threshold: z
              .number({ error: "metricThreshold.threshold must be a number" })
              .refine(Number.isFinite, { error: "metricThreshold.threshold must be a finite number" })
              .describe("The limit: 0 or more (at most 100 for percentages)."),
            units: z
              .string({ error: "metricThreshold.units is required (for example RAW, SECONDS, GIGABYTES): the metric's unit" })
              .describe("The metric's unit, for example `RAW`, `SECONDS`, `GIGABYTES`; checked per metric."),
            mode: z.literal("AVERAGE", { error: "metricThreshold.mode must be AVERAGE" }).default("AVERAGE").describe("`AVERAGE` (the only mode)."),
          },
          { error: "metricThreshold must be an object {metricName, operator, threshold, units, mode?}" },
        )
        .strict()
        .superRefine((m, ctx) => {
          const units = METRIC_UNITS[m.metricName];
          if (units && !units.includes(m.units))
            ctx.addIssue({
              code: "custom",
              path: ["units"],
              message: `metricThreshold.units for ${m.metricName} must be one of ${units.join(", ")}${didYouMean(m.units, units)}`,
            });
          const max = maxMetricThreshold(m.metricName);
          if (m.threshold < 0)
            ctx.addIssue({ code: "custom", path: ["threshold"], message: `metricThreshold.threshold must be 0 or more: ${m.metricName} is never negative` });
          else if (m.threshold > max) {
            ctx.addIssue({
              code: "custom",
              path: ["threshold"],
              message:
                max === 100
                  ? `metricThreshold.threshold must be at most 100: ${m.metricName} is a percentage`
                  : `metricThreshold.threshold must be at most ${max}: no ${m.units} value of ${m.metricName} is that large`,
            });
          }
        })
        .meta({ typeName: "MetricThreshold" })
        .optional()
        .describe("`{metricName, operator, threshold, units, mode?}` for metric event types; units are checked per metric."),
      severity: z
        .string({ error: SEVERITY_CHOICES })
        .transform((s) => s.toUpperCase())
        .pipe(z.enum(ATLAS_SEVERITIES, { error: SEVERITY_CHOICES }))
        .optional()
        .describe("`INFO`, `WARNING`, `ERROR`, `CRITICAL` (any case): the alert configuration's `severityOverride`, which becomes the PagerDuty severity."),
      delayMin: z
        .number({ error: "delayMin must be a whole number of minutes" })
        .int({ error: "delayMin must be a whole number of minutes" })
        .min(0, { error: "delayMin must be 0 or more minutes" })
        .max(1440, { error: "delayMin must be at most 1440 minutes" })
        .default(0)
        .describe("Minutes the project waits before notifying."),
      enabled: z.boolean({ error: "enabled must be true or false" }).default(true).describe("Enabling or disabling alone is a PATCH."),
      delivery: z
        .enum(["native", "relay"], { error: 'delivery must be "native" (the project sends to PagerDuty) or "relay" (through the relay\'s webhook)' })
        .default("native")
        .describe(
          "`native`: a `PAGER_DUTY` notification, the project sends to PagerDuty. `relay`: a `WEBHOOK` notification to the relay (`relayUrl`, `relaySecret`), which forwards with severity mapping and acknowledgement sync.",
        ),
      relayUrl: z
        .url({ protocol: /^https?$/, error: "relayUrl must be the relay's http(s) URL, for example https://relay.example.com/atlas/webhook" })
        .superRefine((url, ctx) => {
          const problem = relayUrlProblem(url);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional()
        .describe(
          "With `relay`: the relay's webhook URL (`https`, or `http` on a loopback address; no user info or query string: it stays visible to reviewers).",
        ),
      relaySecret: z
        .string({ error: "relaySecret must be a string of at least 16 characters" })
        .min(16, { error: "relaySecret must be at least 16 characters: the webhook secret the relay checks" })
        .optional()
        .describe("With `relay`: the webhook secret the relay checks (at least 16 characters). Always stored as a secret.")
        .meta({ secret: true }),
      importId: z
        .string()
        .regex(/^[0-9a-f]{24}\/[0-9a-f]{24}$/, { error: "the import id of an AlertRouting is <projectId>/<alertConfigId>" })
        .optional()
        .describe("Set by the Node SDK from the `import` resource option: create adopts that alert configuration.")
        .meta({ internal: true }),
    })
    .strict()
    .superRefine((v, ctx) => {
      const info = EVENT_TYPES[v.eventTypeName];
      if (info && v.threshold && !info.threshold)
        ctx.addIssue({
          code: "custom",
          path: ["threshold"],
          message: `${v.eventTypeName} takes no threshold${info.metricThreshold ? ": use metricThreshold" : ""}`,
        });
      if (info && v.metricThreshold && !info.metricThreshold)
        ctx.addIssue({
          code: "custom",
          path: ["metricThreshold"],
          message: `${v.eventTypeName} takes no metricThreshold${info.threshold ? ": use threshold" : ""}`,
        });
      if (info?.metricThreshold && !info.threshold && !v.metricThreshold)
        ctx.addIssue({
          code: "custom",
          path: ["metricThreshold"],
          message: `${v.eventTypeName} needs a metricThreshold (metricName, operator, threshold, units)`,
        });
      if (v.threshold && v.metricThreshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: "set threshold or metricThreshold, not both" });
      if (v.delivery === "native" && !v.integrationInstanceId) {
        ctx.addIssue({
          code: "custom",
          path: ["integration"],
          message:
            "integration is required: pass the project's PagerDutyIntegration (its notification references the project's PagerDuty integration), or use delivery \"relay\" with projectId",
        });
      }
      if (v.delivery === "relay") {
        if (!v.relayUrl) ctx.addIssue({ code: "custom", path: ["relayUrl"], message: 'delivery "relay" needs relayUrl: the relay\'s webhook URL' });
        if (!v.relaySecret)
          ctx.addIssue({ code: "custom", path: ["relaySecret"], message: 'delivery "relay" needs relaySecret: the webhook secret the relay checks' });
      } else if (v.relayUrl || v.relaySecret) {
        ctx.addIssue({ code: "custom", path: [v.relayUrl ? "relayUrl" : "relaySecret"], message: 'relayUrl and relaySecret only apply with delivery "relay"' });
      }
    });
}

/** Outputs besides the inputs (which are outputs too). */
export const routingOutputFields = {
  alertConfigId: z.string().describe("The project API's alert configuration id."),
  notifierId: z.string().describe("The project API's id of the routing's notification: updates reference it instead of repeating credentials."),
  integrationId: z.string().optional().describe("The project API id of the integration the notification references (native delivery)."),
};

const INT32_MAX = 2147483647;

const MATCHERS_SHAPE =
  'matchers must be a list of {fieldName, operator, value}, for example [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "prod" }]';

/** Percentages (disk space used, normalized CPU, memory or connections percent) cannot exceed 100; nothing exceeds 2^53 meaningfully. */
function maxMetricThreshold(metricName: string): number {
  return /PERCENT|^(MAX_)?DISK_PARTITION_SPACE_USED_|^(MAX_)?NORMALIZED_/.test(metricName) ? 100 : Number.MAX_SAFE_INTEGER;
}

/** Why `pattern` does not compile, or undefined. (Atlas compiles Java patterns; JavaScript's syntax agrees on everything a matcher needs.) */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: /, "");
  }
}

/**
 * relayUrl is shown to reviewers (not a secret), so it must not carry one:
 * no user info and no query string (the secret belongs in relaySecret), and
 * https except on a loopback address (the sandbox, a local relay).
 */
export function relayUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "relayUrl must be the relay's https URL, for example https://relay.example.com/atlas/webhook";
  }
  if (u.username || u.password) return "relayUrl must not carry user info (user:password@): put the secret in relaySecret, which is stored as a secret";
  if (u.search || u.hash) return "relayUrl must not carry a query string or fragment (it is shown in diffs and state): put any secret in relaySecret";
  const loopback = u.hostname === "localhost" || u.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
  if (u.protocol !== "https:" && !loopback) return "relayUrl must use https (http is only accepted on a loopback address such as 127.0.0.1)";
  return undefined;
}
