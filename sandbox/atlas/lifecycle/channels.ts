import { DEFAULT_REGION, isRegion } from "../../../lib/regions";
import type { StoredNotification } from "../alert-configs/model";
import type { Channel } from "../alerts/model";
import type { AtlasContext } from "../deps";
import { enqueueUrl } from "../notify/pagerduty";
import type { IntegrationStore } from "../store/integrations";

/** Notification types the sandbox delivers over the network; the others (GROUP, EMAIL, SLACK...) go to the sandbox inbox. */
export const DELIVERED_TYPES = ["PAGER_DUTY", "WEBHOOK"];

/**
 * Where a notification goes right now: its own key/URL, or the integration it
 * references (`integrationId`), or for WEBHOOK the project's WEBHOOK
 * integration. A string is the reason it cannot be sent.
 */
export function resolveChannel(ctx: AtlasContext, integrations: IntegrationStore, groupId: string, n: StoredNotification): Channel | string {
  const byId = typeof n.integrationId === "string" ? integrations.byId(groupId, n.integrationId) : undefined;
  if (typeof n.integrationId === "string" && !byId) return `integration ${n.integrationId} no longer exists`;
  if (n.typeName === "PAGER_DUTY") {
    const routingKey = typeof n.serviceKey === "string" ? n.serviceKey : byId?.settings.serviceKey;
    if (typeof routingKey !== "string") return "no PagerDuty service key";
    const region = byId?.settings.region ?? n.region ?? DEFAULT_REGION;
    // Validation keeps regions to the table; a row from elsewhere is refused, never sent to the default region.
    if (!isRegion(region)) return `unknown PagerDuty region ${JSON.stringify(region)}`;
    return { notifierId: n.notifierId, typeName: "PAGER_DUTY", url: enqueueUrl(ctx.pagerdutyEventsUrl[region]), routingKey };
  }
  if (n.typeName === "WEBHOOK") {
    const source = byId ?? (typeof n.webhookUrl === "string" ? undefined : integrations.get(groupId, "WEBHOOK"));
    const url = typeof n.webhookUrl === "string" ? n.webhookUrl : source?.settings.url;
    if (typeof url !== "string") return "no webhook URL (no webhookUrl and no WEBHOOK integration)";
    const secret = typeof n.webhookSecret === "string" ? n.webhookSecret : source?.settings.secret;
    const channel: Channel = { notifierId: n.notifierId, typeName: "WEBHOOK", url };
    if (typeof secret === "string" && secret) channel.secret = secret;
    return channel;
  }
  return `${n.typeName} notifications are not delivered by the sandbox`;
}
