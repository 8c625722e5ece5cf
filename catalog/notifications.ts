// Atlas facts about alert notifications that the spec does not state as data: which fields every
// read redacts, and how (API-NOTES: keys keep their last 4 characters, secrets are masked whole,
// URLs keep scheme, host and last 4). The sandbox redacts by this table; the provider sends these
// fields back by `notifierId` instead of echoing a redacted value when it rewrites a configuration.
import { NOTIFICATION_TYPES } from "./atlas";

/** How a field is shown on read: `key` all but the last 4 characters masked, `secret` masked whole (same length), `url` as `scheme://host/****` + last 4. */
export type Redaction = "key" | "secret" | "url";

/** Per notification type (every type of the spec's `notifications[].typeName`), the fields Atlas redacts on every read. */
export const REDACTED_NOTIFICATION_FIELDS: Readonly<Record<string, Readonly<Record<string, Redaction>>>> = {
  PAGER_DUTY: { serviceKey: "key" },
  WEBHOOK: { webhookUrl: "url", webhookSecret: "secret", webhookBodyTemplate: "secret", webhookHeadersTemplate: "secret" },
  DATADOG: { datadogApiKey: "key" },
  OPS_GENIE: { opsGenieApiKey: "key" },
  VICTOR_OPS: { victorOpsApiKey: "key" },
  SLACK: { apiToken: "key" },
  MICROSOFT_TEAMS: { microsoftTeamsWebhookUrl: "url" },
  HIP_CHAT: { notificationToken: "key" },
  EMAIL: {},
  SMS: {},
  USER: {},
  GROUP: {},
  ORG: {},
  TEAM: {},
};

/** The redacted fields of a notification type; an unknown type (one Atlas added since) has none we know of. */
export function redactedFields(typeName: string): Readonly<Record<string, Redaction>> {
  return REDACTED_NOTIFICATION_FIELDS[typeName] ?? {};
}

/** Every notification type the catalog knows, for tests that go through them all. */
export const KNOWN_NOTIFICATION_TYPES: readonly string[] = NOTIFICATION_TYPES;
