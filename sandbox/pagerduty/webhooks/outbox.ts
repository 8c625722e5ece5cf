import type { PdContext } from "../deps";
import { webhookEventId } from "../ids";
import type { Agent, IncidentRow } from "../store/incidents";
import { getService } from "../store/services";
import { matchingSubscriptions, type SubscriptionRow } from "../store/subscriptions";
import { enqueueDelivery } from "../store/deliveries";
import { isoMillis } from "../time";
import { incidentEnvelope, pingEnvelope, type IncidentEventType } from "./envelope";

/**
 * Writes one delivery per matching subscription in the caller's transaction,
 * so an incident change and its webhooks commit (or roll back) together. The
 * event id is shared by all subscriptions; each delivery has its own id.
 */
export function emitIncidentEvent(ctx: PdContext, incident: IncidentRow, eventType: IncidentEventType, agent: Agent | null): void {
  const subs = matchingSubscriptions(ctx.db, ctx.region, eventType, incident.service_id);
  if (subs.length === 0) return;
  const service = getService(ctx.db, ctx.region, incident.service_id);
  if (!service) return;
  const now = ctx.clock.now();
  const eventId = webhookEventId(now.getTime());
  const body = JSON.stringify(incidentEnvelope({ eventId, eventType, occurredAt: isoMillis(now), agent, incident, service }, ctx.links));
  for (const s of subs) {
    enqueueDelivery(ctx.db, { region: ctx.region, subscriptionId: s.id, eventId, eventType, body, nowMs: now.getTime(), nowIso: now.toISOString() });
  }
}

export function emitPing(ctx: PdContext, sub: SubscriptionRow): void {
  const now = ctx.clock.now();
  const eventId = webhookEventId(now.getTime());
  const body = JSON.stringify(pingEnvelope(eventId, isoMillis(now)));
  enqueueDelivery(ctx.db, {
    region: ctx.region,
    subscriptionId: sub.id,
    eventId,
    eventType: "pagey.ping",
    body,
    nowMs: now.getTime(),
    nowIso: now.toISOString(),
  });
}
