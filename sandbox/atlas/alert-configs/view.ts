import type { IntegrationStore } from "../store/integrations";
import { redactSecret, redactUrl, redactValue } from "../redact";
import type { AlertConfig, StoredNotification } from "./model";
import { redactedFields } from "../../../catalog/notifications";

/**
 * A notification as reads return it: keys partially redacted, secrets fully,
 * URLs down to host and last 4. A WEBHOOK notification relying on the
 * project's WEBHOOK integration shows that integration's (redacted) URL, as
 * the spec describes for a "default webhook URL".
 */
export function notificationView(n: StoredNotification, groupId: string, integrations: IntegrationStore): Record<string, unknown> {
  const redacted = redactedFields(n.typeName);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    const r = redacted[k];
    out[k] = r && typeof v === "string" ? redactValue(r, v) : v;
  }
  if (n.typeName === "WEBHOOK" && n.webhookUrl === undefined && n.integrationId === undefined) {
    const dflt = integrations.get(groupId, "WEBHOOK");
    if (dflt && typeof dflt.settings.url === "string") {
      out.webhookUrl = redactUrl(dflt.settings.url);
      if (n.webhookSecret === undefined && typeof dflt.settings.secret === "string") out.webhookSecret = redactSecret(dflt.settings.secret);
    }
  }
  return out;
}

/** GroupAlertsConfig as returned by every read and write. */
export function alertConfigView(c: AlertConfig, origin: string, integrations: IntegrationStore, opts: { alertsLink?: boolean } = {}): Record<string, unknown> {
  const self = `${origin}/api/atlas/v2/groups/${c.groupId}/alertConfigs/${c.id}`;
  const d = c.doc;
  const out: Record<string, unknown> = {
    id: c.id,
    groupId: c.groupId,
    created: c.created,
    updated: c.updated,
    enabled: d.enabled,
    eventTypeName: d.eventTypeName,
    matchers: d.matchers,
    notifications: d.notifications.map((n) => notificationView(n, c.groupId, integrations)),
    // Real Atlas: `self`, plus (single reads and writes) rel `<origin>/alerts` to the configuration's alerts.
    links: opts.alertsLink
      ? [
          { href: self, rel: "self" },
          { href: `${self}/alerts`, rel: `${origin}/alerts` },
        ]
      : [{ href: self, rel: "self" }],
  };
  if (d.threshold) out.threshold = d.threshold;
  if (d.metricThreshold) out.metricThreshold = d.metricThreshold;
  if (d.severityOverride) out.severityOverride = d.severityOverride;
  return out;
}
