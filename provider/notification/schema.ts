/**
 * AlertNotification's arguments and outputs, defined once as zod with a description on every field
 * (the README's table, a generated schema and the SDK's docs come from these). Validation rules of
 * the delivery fields are AlertRouting's: check.ts calls them rather than repeating them here.
 */
import { z } from "zod";
import { EVENT_TYPES } from "../../catalog/atlas";
import { REGION_NAMES } from "../../lib/regions";
import { PROJECT_ID } from "../inputs";
import { didYouMean } from "../suggest";

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** At most this many configurations named by id (a project's list is paged at 500). */
export const MAX_ALERT_CONFIG_IDS = 500;

export const SelectorSchema = z
  .object({
    eventTypeNames: z
      .array(
        z.string({ error: "selector.eventTypeNames must be a list of Atlas alert event types" }).refine((e) => EVENT_TYPES[e] !== undefined, {
          error: (i) =>
            `${JSON.stringify(i.input)} is not an Atlas alert event type${didYouMean(i.input, Object.keys(EVENT_TYPES), " (see the Atlas alert event types)")}`,
        }),
        { error: 'selector.eventTypeNames must be a list of Atlas alert event types, for example ["NO_PRIMARY"]' },
      )
      .min(1, { error: "selector.eventTypeNames must name at least one event type (or leave it out)" })
      .optional()
      .describe('Configurations of these event types (checked against the catalog, with "did you mean").'),
    defaults: z
      .boolean({ error: "selector.defaults must be true or false" })
      .optional()
      .describe(
        "The project's default configurations. Atlas marks none as default: a configuration is one when its event type (and metric, for metric alerts) is one of the recorded defaults (`catalog/default-alert-configs.ts`) and it has no matchers, however its threshold, `enabled` flag or notifications were edited since.",
      ),
    all: z
      .boolean({ error: "selector.all must be true or false" })
      .optional()
      .describe(
        "Every configuration of the project. Criteria given together must all hold (`eventTypeNames` with `defaults`: the defaults of those event types).",
      ),
  })
  .strict()
  .meta({ typeName: "AlertNotificationSelector" })
  .describe(
    "Which configurations, evaluated whenever the provider reads (`pulumi refresh`, `pulumi up --refresh`): criteria given together must all hold (`eventTypeNames` with `defaults`: the defaults of those event types).",
  );

/** The program's arguments (after `check`: defaults applied). */
export const NotificationArgsSchema = z
  .object({
    projectId: z
      .string({ error: (i) => `projectId ${i.input === undefined ? "is required" : "must be a string"}: the 24-character hexadecimal Atlas project id` })
      .regex(PROJECT_ID, { error: "projectId must be the 24-character lowercase hexadecimal Atlas project id" })
      .describe("The Atlas project (the integration's). Changing it replaces the resource (ours leaves the old project's configurations)."),
    alertConfigIds: z
      .array(
        z
          .string({ error: "alertConfigIds must be a list of alert configuration ids" })
          .regex(OBJECT_ID, { error: "an alert configuration id is 24 lowercase hexadecimal characters" }),
        {
          error: "alertConfigIds must be a list of alert configuration ids (24 hexadecimal characters each)",
        },
      )
      .min(1, { error: "alertConfigIds must name at least one configuration (or use selector)" })
      .max(MAX_ALERT_CONFIG_IDS, { error: `alertConfigIds: at most ${MAX_ALERT_CONFIG_IDS}` })
      .refine((ids) => new Set(ids).size === ids.length, { error: "alertConfigIds names a configuration twice: list each once" })
      .optional()
      .describe("The configurations, by id. Give this or `selector`. An id the project does not have fails `pulumi up` naming it."),
    selector: SelectorSchema.optional(),
    integrationInstanceId: z
      .string()
      .optional()
      .describe(
        "The `instanceId` of the project's `PagerDutyIntegration` (native delivery): the notification is `PAGER_DUTY` with the integration's `integrationId`, so the key is never repeated. The Node SDK's `integration` argument sets it, with `projectId` and `region`.",
      ),
    region: z.enum(REGION_NAMES).describe("The integration's `region`: the region of the notification."),
    delayMin: z.number().describe("Minutes before this notification is sent; the configuration's other notifications keep their own."),
    delivery: z
      .enum(["native", "relay"])
      .describe("`native`: `PAGER_DUTY`. `relay`: a `WEBHOOK` to the relay route (`relayUrl`, `relaySecret`), checked by `AlertRouting`'s rules."),
    relayUrl: z
      .string()
      .optional()
      .describe(
        "With `relay`: the relay route's webhook URL (`https`, or `http` on a loopback address; no user info or query string: it stays visible to reviewers).",
      ),
    relaySecret: z
      .string()
      .optional()
      .meta({ secret: true })
      .describe("With `relay`: the route's webhook secret (at least 16 characters). Always stored as a secret."),
  })
  .strict();

export const AttachmentSchema = z
  .object({
    alertConfigId: z.string().describe("The alert configuration."),
    notifierId: z.string().describe("The project API's id of the notification this resource added to it."),
    delayMin: z.number().describe("That notification's delay as the project API holds it."),
    target: z
      .string()
      .describe(
        "Where that notification points as the project API shows it: the PagerDuty integration's id, or the relay URL redacted to host and last 4 characters.",
      ),
  })
  .meta({ typeName: "AlertNotificationAttachment" });

export const SkipSchema = z
  .object({
    alertConfigId: z.string().describe("The alert configuration."),
    notifierId: z.string().describe("Its notification that already reaches the same integration or relay route."),
    reason: z.string().describe("Why it was skipped (also printed as a warning)."),
  })
  .meta({ typeName: "AlertNotificationSkip" });

/** Outputs besides the inputs. */
export const notificationOutputFields = {
  integrationId: z.string().optional().describe("Native delivery: the project API's id of the PagerDuty integration the notifications reference."),
  matched: z.array(z.string()).describe("The configurations the selection resolved to when the provider last read or wrote, in the project's order."),
  attachments: z.array(AttachmentSchema).describe("The configurations that carry this resource's notification."),
  skipped: z.array(SkipSchema).describe("Matched configurations left alone because they already notify the same integration or route: never paged twice."),
};

export const NotificationOutputsSchema = NotificationArgsSchema.extend(notificationOutputFields);

export type Selector = z.infer<typeof SelectorSchema>;
export type NotificationInputs = z.infer<typeof NotificationArgsSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type Skip = z.infer<typeof SkipSchema>;
export type NotificationOutputs = z.infer<typeof NotificationOutputsSchema>;

/** Inputs whose rules are AlertRouting's (provider/routing/check.ts), checked by calling it. */
export const DELIVERY_FIELDS = ["integrationInstanceId", "region", "delayMin", "delivery", "relayUrl", "relaySecret"] as const;
