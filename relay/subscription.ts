/**
 * With a PagerDuty REST token, the relay creates (or adopts) one webhook subscription per service
 * behind its routes, pointing at its `/pagerduty` intake, so acknowledgement sync needs no manual
 * setup. PagerDuty reveals a subscription's secret only when creating it: the relay keeps it in
 * its store, and adopts on later starts only subscriptions whose secret it kept.
 */
import type { Logger } from "pino";
import type { PagerDutyRestClient } from "../clients/pagerduty/rest";
import type { RouteConfig } from "./config";
import { SYNCED_EVENTS } from "./intake/pagerduty";
import type { RelayStore } from "./store/types";

export async function ensureWebhookSubscriptions(d: { rest: PagerDutyRestClient; store: RelayStore; routes: readonly RouteConfig[]; url: string; log: Logger }): Promise<string[]> {
  const secrets: string[] = [];
  const services = new Set<string>();
  for (const r of d.routes) {
    const { found } = await d.rest.findIntegrationByKey(r.routingKey);
    if (found) services.add(found.service.id);
    else d.log.warn({ route: r.id }, "no PagerDuty service owns this route's routing key (a ruleset key?); subscribe to its service by hand");
  }
  for (const serviceId of services) {
    const existing = (await d.rest.listWebhookSubscriptions({ serviceId })).find((s) => s.delivery_method?.url === d.url);
    if (existing) {
      const kept = await d.store.getSetting(`pd-subscription-secret/${existing.id}`);
      if (kept) {
        secrets.push(kept);
        d.log.info({ subscription: existing.id, service: serviceId }, "adopted the PagerDuty webhook subscription");
      } else {
        d.log.warn({ subscription: existing.id, service: serviceId }, "a webhook subscription to this relay exists but its secret is unknown: add it to pagerduty.webhookSecrets, or delete the subscription so the relay recreates it");
      }
      continue;
    }
    const created = await d.rest.createWebhookSubscription({ url: d.url, serviceId, events: SYNCED_EVENTS, description: "pagerduty-as-code relay: acknowledgement sync" });
    const secret = created.delivery_method?.secret;
    if (secret) {
      await d.store.setSetting(`pd-subscription-secret/${created.id}`, secret);
      secrets.push(secret);
    }
    d.log.info({ subscription: created.id, service: serviceId }, "created the PagerDuty webhook subscription");
  }
  return secrets;
}
