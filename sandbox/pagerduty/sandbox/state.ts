import type { PdContext } from "../deps";
import type { Fault } from "../faults";
import { last4 } from "../ids";
import { recentEvents } from "../store/events-log";
import { listDeliveries } from "../store/deliveries";
import { listIntegrations } from "../store/integrations";
import { listAlerts, listAllIncidents, listLogEntries, parseAgent } from "../store/incidents";
import { listServices } from "../store/services";
import { listSubscriptions } from "../store/subscriptions";

/**
 * A JSON view of this region's sandbox for tests and people: what exists and
 * what happened. Credentials appear only as their last four characters.
 */
export function sandboxState(ctx: PdContext, faults: Fault[]) {
  const { db, region } = ctx;
  return {
    region,
    services: listServices(db, region).map((s) => ({
      id: s.id,
      name: s.name,
      created_at: s.created_at,
      acknowledgement_timeout: s.acknowledgement_timeout,
      auto_resolve_timeout: s.auto_resolve_timeout,
      integrations: listIntegrations(db, s.id).map((i) => ({
        id: i.id,
        type: i.type,
        name: i.name,
        created_at: i.created_at,
        integration_key_last4: i.integration_key ? last4(i.integration_key) : null,
      })),
    })),
    incidents: listAllIncidents(db, region).map((inc) => ({
      id: inc.id,
      number: inc.number,
      status: inc.status,
      title: inc.title,
      incident_key: inc.incident_key,
      service_id: inc.service_id,
      urgency: inc.urgency,
      created_at: inc.created_at,
      updated_at: inc.updated_at,
      resolved_at: inc.resolved_at,
      alerts: listAlerts(db, inc.id).map((a) => ({
        id: a.id,
        dedup_key: a.dedup_key,
        status: a.status,
        summary: a.summary,
        severity: a.severity,
        source: a.source,
        integration_id: a.integration_id,
        created_at: a.created_at,
        resolved_at: a.resolved_at,
      })),
      timeline: listLogEntries(db, inc.id).map((e) => ({
        kind: e.kind,
        at: e.at,
        channel: e.channel,
        agent: parseAgent(e.agent),
        alert_id: e.alert_id,
        summary: e.summary,
        severity: e.severity,
      })),
    })),
    events: recentEvents(db, region, 100),
    webhook_subscriptions: listSubscriptions(db, region).map((s) => ({
      id: s.id,
      url: s.url,
      active: Boolean(s.active),
      temporarily_disabled: Boolean(s.temporarily_disabled),
      consecutive_drops: s.consecutive_drops,
      events: JSON.parse(s.events) as string[],
      filter: { type: s.filter_type, id: s.filter_id },
      secret_last4: last4(s.secret),
    })),
    webhook_deliveries: listDeliveries(db, region, 200).map((d) => ({
      id: d.id,
      subscription_id: d.subscription_id,
      event_id: d.event_id,
      event_type: d.event_type,
      attempts: d.attempts,
      last_status: d.last_status,
      last_error: d.last_error,
      next_attempt_at: new Date(d.next_attempt_at_ms).toISOString(),
      delivered_at: d.delivered_at,
      dropped_at: d.dropped_at,
      failed_at: d.failed_at,
      created_at: d.created_at,
    })),
    faults,
  };
}

export type SandboxState = ReturnType<typeof sandboxState>;
