import { NOTIFICATION_TYPES } from "../../catalog/atlas";
import { redactedFields } from "../../catalog/notifications";

/**
 * One notification of each type the catalog knows, as a person would set it up in the project UI,
 * with real (made-up) credentials: what the tests put on configurations the provider must leave
 * exactly as they were. GROUP, USER, ORG and TEAM notify by e-mail; several types carry a secret.
 */
export const SAMPLE_NOTIFICATIONS: Readonly<Record<string, Record<string, unknown>>> = {
  DATADOG: { typeName: "DATADOG", datadogApiKey: "dd0123456789abcdef0123456789abcd", datadogRegion: "EU", delayMin: 0, intervalMin: 30 },
  EMAIL: { typeName: "EMAIL", emailAddress: "dba@example.com", delayMin: 5, intervalMin: 60 },
  GROUP: { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 },
  HIP_CHAT: { typeName: "HIP_CHAT", notificationToken: "hipchat-token-0123456789", roomName: "ops", delayMin: 0, intervalMin: 60 },
  MICROSOFT_TEAMS: { typeName: "MICROSOFT_TEAMS", microsoftTeamsWebhookUrl: "https://teams.example.com/hook/secret-path-0123", delayMin: 0, intervalMin: 60 },
  OPS_GENIE: { typeName: "OPS_GENIE", opsGenieApiKey: "og0123456789abcdef0123456789abcd", opsGenieRegion: "US", delayMin: 2 },
  ORG: { typeName: "ORG", roles: ["ORG_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 },
  PAGER_DUTY: { typeName: "PAGER_DUTY", serviceKey: "0123456789abcdef0123456789abcdef", region: "EU", delayMin: 0 },
  SLACK: { typeName: "SLACK", apiToken: "xoxb-0123456789-slack-token", channelName: "#alerts", delayMin: 0, intervalMin: 60 },
  SMS: { typeName: "SMS", mobileNumber: "+15555550100", delayMin: 1, intervalMin: 60 },
  TEAM: { typeName: "TEAM", teamId: "5f00000000000000000000f1", teamName: "DBA", emailEnabled: true, smsEnabled: true, delayMin: 0, intervalMin: 60 },
  USER: { typeName: "USER", username: "oncall@example.com", emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 },
  VICTOR_OPS: { typeName: "VICTOR_OPS", victorOpsApiKey: "vo0123456789abcdef0123456789abcd", victorOpsRoutingKey: "db", delayMin: 0 },
  WEBHOOK: {
    typeName: "WEBHOOK",
    webhookUrl: "https://hooks.example.com/team/secret-path-4242",
    webhookSecret: "webhook-secret-0123456789",
    webhookBodyTemplate: '{"text": "{{humanReadable}}"}',
    delayMin: 0,
    intervalMin: 60,
  },
};

/** Every type, in the catalog's order: a test over them all fails when the catalog learns a type this table lacks. */
export function sampleNotificationsOfEveryType(): Record<string, unknown>[] {
  return NOTIFICATION_TYPES.map((t) => {
    const n = SAMPLE_NOTIFICATIONS[t];
    if (!n) throw new Error(`test/support/notifications.ts has no sample ${t} notification: add one`);
    return n;
  });
}

/** The whole stored configuration document (fields and notifications, credentials in clear). */
export function storedConfig(db: { prepare(sql: string): { get(...args: unknown[]): unknown } }, alertConfigId: string): Record<string, any> | undefined {
  const row = db.prepare("SELECT doc_json FROM atlas_alert_configs WHERE id = ?").get(alertConfigId) as { doc_json: string } | undefined;
  return row ? JSON.parse(row.doc_json) : undefined;
}

/** A notification as read, as a person editing in the UI sends it back: its redacted fields left out (kept through its notifierId). */
export function withoutRedacted(n: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(n).filter(([k, v]) => !(k in redactedFields(String(n.typeName)) && String(v).includes("*"))));
}
