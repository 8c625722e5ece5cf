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
      .describe('Configurations of these event types, for example `["NO_PRIMARY", "OUTSIDE_METRIC_THRESHOLD"]`.'),
    defaults: z
      .boolean({ error: "selector.defaults must be true or false" })
      .optional()
      .describe(
        "The project's default configurations: those of the event types (and metrics) Atlas gives every new project, without matchers, however their thresholds or notifications were edited since.",
      ),
    all: z.boolean({ error: "selector.all must be true or false" }).optional().describe("Every alert configuration of the project."),
  })
  .strict()
  .describe(
    "Which configurations, evaluated whenever the provider reads (`pulumi refresh`, `pulumi up --refresh`): criteria given together must all hold (`eventTypeNames` with `defaults`: the defaults of those event types).",
  );

/** The program's arguments (after `check`: defaults applied). */
export const NotificationArgsSchema = z
  .object({
    projectId: z
      .string({ error: (i) => `projectId ${i.input === undefined ? "is required" : "must be a string"}: the 24-character hexadecimal Atlas project id` })
      .regex(PROJECT_ID, { error: "projectId must be the 24-character lowercase hexadecimal Atlas project id" })
      .describe("The Atlas project whose alert configurations get the notification. Changing it replaces the resource."),
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
      .describe("The configurations to notify from, by id. Give this or `selector`."),
    selector: SelectorSchema.optional(),
    integrationInstanceId: z
      .string()
      .optional()
      .describe("Native delivery: the `instanceId` of the project's `PagerDutyIntegration` (the SDK takes it from `integration`)."),
    region: z.enum(REGION_NAMES).describe("The PagerDuty region of the notification (native delivery; the SDK takes it from `integration`)."),
    delayMin: z.number().describe("Minutes the project waits before sending this notification; the configurations' other notifications keep their own."),
    delivery: z
      .enum(["native", "relay"])
      .describe("`native`: a `PAGER_DUTY` notification referencing the project's PagerDuty integration. `relay`: a `WEBHOOK` notification to the relay."),
    relayUrl: z.string().optional().describe("Relay delivery: the relay route's webhook URL (https, or http on loopback)."),
    relaySecret: z.string().optional().describe("Relay delivery: the route's webhook secret (stored as a secret)."),
  })
  .strict();

export const AttachmentSchema = z.object({
  alertConfigId: z.string().describe("The alert configuration."),
  notifierId: z.string().describe("The project API's id of the notification this resource added to it."),
  delayMin: z.number().describe("That notification's delay as the project API holds it."),
  target: z
    .string()
    .describe(
      "Where that notification points as the project API shows it: the PagerDuty integration's id, or the relay URL redacted to host and last 4 characters.",
    ),
});

export const SkipSchema = z.object({
  alertConfigId: z.string().describe("The alert configuration."),
  notifierId: z.string().describe("Its notification that already reaches the same integration or relay route."),
  reason: z.string().describe("Why it was skipped (also printed as a warning)."),
});

export const NotificationOutputsSchema = NotificationArgsSchema.extend({
  integrationId: z.string().optional().describe("Native delivery: the project API's id of the PagerDuty integration the notifications reference."),
  matched: z.array(z.string()).describe("The configurations the selection resolved to when the provider last read or wrote, in the project's order."),
  attachments: z.array(AttachmentSchema).describe("The configurations that carry this resource's notification."),
  skipped: z.array(SkipSchema).describe("Matched configurations left alone because they already notify the same integration or route: never paged twice."),
});

export type Selector = z.infer<typeof SelectorSchema>;
export type NotificationInputs = z.infer<typeof NotificationArgsSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type Skip = z.infer<typeof SkipSchema>;
export type NotificationOutputs = z.infer<typeof NotificationOutputsSchema>;

/** Inputs whose rules are AlertRouting's (provider/routing/check.ts), checked by calling it. */
export const DELIVERY_FIELDS = ["integrationInstanceId", "region", "delayMin", "delivery", "relayUrl", "relaySecret"] as const;

/** Secret inputs and outputs. */
export const SECRET_FIELDS = ["relaySecret"] as const;
