import { REGION_NAMES } from "../../../lib/regions";
import { checkPagerDutyKey, checkSecret, checkUrl } from "../integrations/rules";

/** One field of a notification type (from its *Notification schema in the spec). */
export interface NotificationField {
  type: "string" | "boolean" | "stringArray";
  enum?: readonly string[];
  check?: (v: string) => string | undefined;
}

export interface NotificationRule {
  fields: Readonly<Record<string, NotificationField>>;
  /**
   * Credential fields: either these are sent, or `integrationId` names the
   * project's integration of type `integrationType`, or `notifierId` names a
   * stored notifier whose credentials are kept.
   */
  credentials: readonly string[];
  integrationType?: string;
  /** Fields that must be present (besides credentials). */
  required?: readonly string[];
  /** "PagerDuty, VictorOps, and OpsGenie notifications don't return this element": intervalMin refused. */
  noInterval?: boolean;
  /** Values filled in when omitted (and returned). */
  defaults?: Readonly<Record<string, unknown>>;
  /** Email and/or SMS must be enabled (EMAIL_OR_SMS_REQUIRED_FOR_...). */
  emailOrSms?: boolean;
}

const email = (v: string) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : "must be an email address");
const objectId = (v: string) => (/^[a-f0-9]{24}$/.test(v) ? undefined : "must be 24 hexadecimal digits");
const keyField: NotificationField = { type: "string", check: checkSecret };

/**
 * Every notification type of AlertsNotificationRootForGroup. Only PAGER_DUTY and WEBHOOK are delivered.
 * Which fields reads redact is catalog/notifications.ts (shared with the provider).
 */
export const NOTIFICATION_RULES: Readonly<Record<string, NotificationRule>> = {
  PAGER_DUTY: {
    fields: { serviceKey: { type: "string", check: checkPagerDutyKey }, region: { type: "string", enum: REGION_NAMES } },
    credentials: ["serviceKey"],
    integrationType: "PAGER_DUTY",
    noInterval: true,
  },
  WEBHOOK: {
    fields: {
      webhookUrl: { type: "string", check: checkUrl },
      webhookSecret: { type: "string", check: checkSecret },
      webhookBodyTemplate: { type: "string" },
      webhookHeadersTemplate: { type: "string" },
    },
    credentials: ["webhookUrl", "webhookSecret"],
    integrationType: "WEBHOOK",
  },
  EMAIL: { fields: { emailAddress: { type: "string", check: email } }, credentials: [], required: ["emailAddress"] },
  SMS: { fields: { mobileNumber: { type: "string" } }, credentials: [], required: ["mobileNumber"] },
  USER: {
    fields: { username: { type: "string", check: email }, emailEnabled: { type: "boolean" }, smsEnabled: { type: "boolean" } },
    credentials: [],
    required: ["username"],
    emailOrSms: true,
  },
  GROUP: {
    fields: { roles: { type: "stringArray" }, emailEnabled: { type: "boolean" }, smsEnabled: { type: "boolean" } },
    credentials: [],
    emailOrSms: true,
  },
  ORG: {
    fields: { roles: { type: "stringArray" }, emailEnabled: { type: "boolean" }, smsEnabled: { type: "boolean" } },
    credentials: [],
    emailOrSms: true,
  },
  TEAM: {
    fields: { teamId: { type: "string", check: objectId }, teamName: { type: "string" }, emailEnabled: { type: "boolean" }, smsEnabled: { type: "boolean" } },
    credentials: [],
    required: ["teamId"],
  },
  DATADOG: {
    fields: { datadogApiKey: keyField, datadogRegion: { type: "string", enum: ["US", "EU", "US3", "US5", "AP1", "US1_FED"] } },
    credentials: ["datadogApiKey"],
    integrationType: "DATADOG",
  },
  OPS_GENIE: {
    fields: { opsGenieApiKey: keyField, opsGenieRegion: { type: "string", enum: ["US", "EU"] } },
    credentials: ["opsGenieApiKey"],
    integrationType: "OPS_GENIE",
    noInterval: true,
  },
  VICTOR_OPS: {
    fields: { victorOpsApiKey: keyField, victorOpsRoutingKey: { type: "string" } },
    credentials: ["victorOpsApiKey"],
    integrationType: "VICTOR_OPS",
    noInterval: true,
  },
  SLACK: {
    fields: { apiToken: keyField, channelName: { type: "string" } },
    credentials: ["apiToken"],
    integrationType: "SLACK",
  },
  MICROSOFT_TEAMS: {
    fields: { microsoftTeamsWebhookUrl: { type: "string", check: checkUrl } },
    credentials: ["microsoftTeamsWebhookUrl"],
    integrationType: "MICROSOFT_TEAMS",
  },
  HIP_CHAT: {
    fields: { notificationToken: keyField, roomName: { type: "string" } },
    credentials: ["notificationToken"],
  },
};
