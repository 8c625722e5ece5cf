import type { CheckResult } from "@pulumi/pulumi/dynamic";
import { configProblems, type ProviderConfig } from "../config";
import { isUnknown, issuesToFailures, validationCandidate } from "../inputs";
import { checkRouting } from "../routing/check";
import { DELIVERY_FIELDS, NotificationArgsSchema, type NotificationInputs } from "./schema";

type Failure = { property: string; reason: string };

const RESOURCE = "AlertNotification";

/** The selection rules zod's field types cannot say: exactly one of alertConfigIds and selector; a selector that selects. */
const SelectionSchema = NotificationArgsSchema.omit(
  Object.fromEntries(DELIVERY_FIELDS.map((f) => [f, true])) as { [K in (typeof DELIVERY_FIELDS)[number]]: true },
)
  .strict()
  .superRefine((v, ctx) => {
    if (v.alertConfigIds && v.selector) ctx.addIssue({ code: "custom", path: ["selector"], message: "give alertConfigIds or selector, not both" });
    if (!v.alertConfigIds && !v.selector)
      ctx.addIssue({
        code: "custom",
        path: ["selector"],
        message:
          'alertConfigIds or selector is required: which configurations to notify from, for example selector: { defaults: true } or { eventTypeNames: ["NO_PRIMARY"] }',
      });
    const s = v.selector;
    if (s && !s.all && !s.defaults && !s.eventTypeNames)
      ctx.addIssue({ code: "custom", path: ["selector"], message: "selector selects nothing: set eventTypeNames, defaults: true or all: true" });
    if (s?.all && (s.defaults || s.eventTypeNames))
      ctx.addIssue({
        code: "custom",
        path: ["selector", "all"],
        message: "selector.all already selects every configuration: leave out eventTypeNames and defaults",
      });
  });

/**
 * Validates and normalizes AlertNotification inputs without network calls. The delivery fields
 * (integration, region, delay, delivery, relay URL and secret) follow AlertRouting's rules, so
 * they are checked by AlertRouting's own check; unknown values (preview) skip their checks.
 */
export function checkNotification(news: Record<string, unknown>, config: ProviderConfig | undefined): CheckResult<NotificationInputs> {
  const unknowns = Object.keys(news).filter((k) => isUnknown(news[k]));
  const failures: Failure[] = [];
  const selection = SelectionSchema.safeParse(validationCandidate(news, unknowns, placeholderFor, [...DELIVERY_FIELDS]));
  if (!selection.success) failures.push(...issuesToFailures(selection.error.issues, RESOURCE).map(renamed));

  // AlertRouting's check on the delivery fields alone (a stand-in event type; its other fields are not ours).
  const deliveryNews: Record<string, unknown> = { projectId: "0".repeat(24), eventTypeName: "NO_PRIMARY" };
  for (const f of DELIVERY_FIELDS) if (f in news) deliveryNews[f] = news[f];
  const delivery = checkRouting(deliveryNews, undefined);
  for (const f of delivery.failures ?? []) {
    if ([...DELIVERY_FIELDS, "integration"].includes(f.property.split(/[.[]/)[0])) failures.push(renamed(f));
  }
  if (config) failures.push(...configProblems(config));
  if (failures.length > 0 || !selection.success) return { inputs: news as unknown as NotificationInputs, failures };

  const inputs: Record<string, unknown> = { ...selection.data };
  const normalized = delivery.inputs as unknown as Record<string, unknown>;
  for (const f of DELIVERY_FIELDS) if (normalized[f] !== undefined) inputs[f] = normalized[f];
  for (const k of unknowns) inputs[k] = news[k];
  return { inputs: inputs as unknown as NotificationInputs };
}

/** A failure worded for AlertRouting, worded for this resource. */
function renamed(f: Failure): Failure {
  return { property: f.property, reason: f.reason.replace(/AlertRouting/g, RESOURCE) };
}

function placeholderFor(key: string): unknown {
  switch (key) {
    case "projectId":
      return "0".repeat(24);
    case "alertConfigIds":
      return ["0".repeat(24)];
    case "selector":
      return { all: true };
    default:
      return undefined;
  }
}
