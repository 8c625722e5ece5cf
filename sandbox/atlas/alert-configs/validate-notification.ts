import { DEFAULT_REGION } from "../../../lib/regions";
import { NOTIFICATION_TYPES } from "../../../catalog/atlas";
import { redactedFields } from "../../../catalog/notifications";
import { AtlasError } from "../errors";
import {
  invalidAttribute,
  invalidEnumValue,
  invalidJsonAttribute,
  missingAttribute,
  missingOneOf,
  notificationIntervalOutOfRange,
  webhookUrlNotSet,
} from "../error-codes";
import { join, objectAt, onlyKnown, optNonNegativeInt, optNumber, optString, present, reqEnum, type Obj } from "../http/body";
import { isObjectId, newObjectId } from "../ids";
import type { Integration } from "../store/integrations";
import type { StoredNotification } from "./model";
import { NOTIFICATION_RULES, type NotificationField } from "./notification-rules";

/** What validating a notification needs to know about the project. */
export interface NotifierLookup {
  /** A stored notification of this project with that notifierId. */
  byNotifierId(id: string): StoredNotification | undefined;
  integrationById(id: string): Integration | undefined;
  integrationOfType(type: string): Integration | undefined;
}

function readField(o: Obj, name: string, f: NotificationField, path: string): unknown {
  const p = join(path, name);
  const v = o[name];
  if (f.type === "boolean") {
    if (typeof v !== "boolean") throw invalidJsonAttribute(p, "true or false");
    return v;
  }
  if (f.type === "stringArray") {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw invalidJsonAttribute(p, "an array of strings");
    return v;
  }
  if (typeof v !== "string") throw invalidJsonAttribute(p, "a string");
  if (f.enum && !f.enum.includes(v)) throw invalidEnumValue(v, p, f.enum);
  const why = f.check?.(v);
  if (why) throw invalidAttribute(p, why);
  return v;
}

/**
 * Validates `notifications[index]` and returns it as stored. Credentials come
 * from the body, from the project's integration (`integrationId`), or from a
 * stored notifier (`notifierId`, so an update need not resend a key it only
 * ever sees redacted). A WEBHOOK without a URL falls back to the project's
 * WEBHOOK integration, as Atlas's "default webhook URL".
 */
export function parseNotification(raw: unknown, index: number, lookup: NotifierLookup): StoredNotification {
  const path = `notifications[${index}]`;
  const o = objectAt(raw, path);
  const typeName = reqEnum(o, "typeName", path, NOTIFICATION_TYPES);
  const rule = NOTIFICATION_RULES[typeName];
  onlyKnown(o, path, ["typeName", "delayMin", "intervalMin", "notifierId", ...Object.keys(rule.fields), ...(rule.integrationType ? ["integrationId"] : [])]);

  const out: Record<string, unknown> = { typeName };
  out.delayMin = optNonNegativeInt(o, "delayMin", path) ?? 0;
  if (present(o, "intervalMin")) {
    if (rule.noInterval)
      throw invalidAttribute(join(path, "intervalMin"), `not accepted for ${typeName} notifications (repeats are configured in the receiving service)`);
    const interval = optNumber(o, "intervalMin", path, true)!;
    if (interval < 5) throw notificationIntervalOutOfRange(join(path, "intervalMin"));
    out.intervalMin = interval;
  }
  for (const [name, f] of Object.entries(rule.fields)) {
    if (present(o, name)) out[name] = readField(o, name, f, path);
  }
  for (const name of rule.required ?? []) if (out[name] === undefined) throw missingAttribute(join(path, name));
  if (rule.emailOrSms && out.emailEnabled !== true && out.smsEnabled !== true) {
    throw new AtlasError(
      400,
      `EMAIL_OR_SMS_REQUIRED_FOR_${typeName}_NOTIFICATION`,
      `Email and/or SMS must be enabled for ${typeName.toLowerCase()} notifications.`,
      [],
      [{ field: path, description: "set emailEnabled or smsEnabled to true" }],
    );
  }

  const notifierId = optString(o, "notifierId", path);
  if (notifierId !== undefined && !isObjectId(notifierId)) throw invalidAttribute(join(path, "notifierId"), "must be 24 hexadecimal digits");
  const previous = notifierId ? lookup.byNotifierId(notifierId) : undefined;
  if (notifierId && (!previous || previous.typeName !== typeName)) {
    throw invalidAttribute(join(path, "notifierId"), `no ${typeName} notification with notifierId ${notifierId} exists in this project`);
  }

  let integration: Integration | undefined;
  const integrationId = rule.integrationType ? optString(o, "integrationId", path) : undefined;
  if (integrationId !== undefined) {
    integration = isObjectId(integrationId) ? lookup.integrationById(integrationId) : undefined;
    if (!integration || integration.type !== rule.integrationType) {
      throw invalidAttribute(join(path, "integrationId"), `is not the id of this project's ${rule.integrationType} integration`);
    }
    const both = rule.credentials.find((c) => out[c] !== undefined);
    if (both) throw invalidAttribute(join(path, both), "send either integrationId or the credentials, not both");
    out.integrationId = integrationId;
  }

  const primary = rule.credentials[0];
  if (previous && !integration) {
    // A field reads redact, left out of a body that names the stored notifier, keeps its stored
    // value: the client only ever saw it redacted (credentials, webhook secrets and templates).
    for (const name of Object.keys(redactedFields(typeName))) if (out[name] === undefined && previous[name] !== undefined) out[name] = previous[name];
  }
  if (primary && !integration && out[primary] === undefined) {
    if (previous) {
      if (previous.integrationId !== undefined) out.integrationId = previous.integrationId;
    } else if (typeName === "WEBHOOK") {
      if (!lookup.integrationOfType("WEBHOOK")) throw webhookUrlNotSet(path);
    } else {
      throw missingOneOf(path, primary, "integrationId");
    }
  }
  if (typeName === "PAGER_DUTY" && out.region === undefined) {
    const fromIntegration =
      integration?.settings.region ?? (out.integrationId ? lookup.integrationById(String(out.integrationId))?.settings.region : undefined);
    out.region = fromIntegration ?? previous?.region ?? DEFAULT_REGION;
  }
  out.notifierId = notifierId ?? newObjectId();
  return out as StoredNotification;
}
