import { redactedFields } from "../../../catalog/notifications";
import { NOTIFICATION_RULES } from "../alert-configs/notification-rules";
import type { StoredNotification } from "../alert-configs/model";
import type { Alert } from "../alerts/model";
import { humanReadable, summarize } from "./describe";

/**
 * Who a notification of a type the sandbox does not send (GROUP, USER, TEAM,
 * EMAIL, SMS, ORG, SLACK, DATADOG...) is addressed to: its plain fields
 * (roles, emailAddress, username, channelName, regions), never a credential
 * or anything the API redacts.
 */
export function recipientOf(n: StoredNotification): Record<string, unknown> {
  const rule = NOTIFICATION_RULES[n.typeName];
  const out: Record<string, unknown> = {};
  const redacted = redactedFields(n.typeName);
  for (const name of Object.keys(rule?.fields ?? {})) {
    if (redacted[name] || rule.credentials.includes(name) || n[name] === undefined) continue;
    out[name] = n[name];
  }
  if (typeof n.integrationId === "string") out.integrationId = n.integrationId;
  return out;
}

const VERB: Record<string, string> = { "alert.open": "opened", "alert.close": "closed", "alert.cancel": "cancelled" };

/** What the recipient reads: the subject line and the text Atlas's webhooks call humanReadable. */
export function messageOf(a: Alert, event: string): { subject: string; body: string } {
  return { subject: `Alert ${VERB[event] ?? event}: ${summarize(a)}`, body: humanReadable(a) };
}
