import { transaction } from "../../../lib/sqlite";
import type { PdContext } from "../deps";
import { acknowledge, logTimeline, resolve } from "../domain/incident-lifecycle";
import { generatedDedupKey, last4 } from "../ids";
import { recordEvent, type EventOutcome } from "../store/events-log";
import { findEventsIntegrationByKey, type IntegrationRow } from "../store/integrations";
import { findOpenAlert, getIncident, insertAlert, insertIncident, refreshAlert, setFirstLogEntry, touchIncident, type Agent } from "../store/incidents";
import { getService } from "../store/services";
import { isoSeconds } from "../time";
import { emitIncidentEvent } from "../webhooks/outbox";
import type { AlertEvent, ChangeEvent } from "./validate";

export interface IngestResult {
  dedupKey: string;
  outcome: EventOutcome;
}

/** Events arriving through an integration act on behalf of its service. */
function serviceAgent(ctx: PdContext, integration: IntegrationRow): Agent {
  const service = getService(ctx.db, ctx.region, integration.service_id);
  return { type: "service_reference", id: integration.service_id, summary: service?.name ?? integration.service_id };
}

/**
 * Applies one valid alert event. The caller answers 202 whatever the outcome:
 * the real API is asynchronous, so unknown keys and stale follow-ups are
 * accepted and silently dropped.
 *
 * Dedup rules (facts file): one open alert per (routing key, dedup key); a
 * trigger for an open alert updates it; acknowledge/resolve only reach the
 * open alert opened through the same routing key; after resolve they are
 * dropped and a new trigger opens a new alert and incident.
 */
export function ingestAlertEvent(ctx: PdContext, ev: AlertEvent): IngestResult {
  return transaction(ctx.db, () => {
    const now = isoSeconds(ctx.clock.now());
    const dedupKey = ev.dedup_key ?? generatedDedupKey();
    const integration = findEventsIntegrationByKey(ctx.db, ctx.region, ev.routing_key);
    const outcome = integration ? apply(ctx, ev, dedupKey, integration, now) : "dropped_unknown_routing_key";
    recordEvent(
      ctx.db,
      {
        region: ctx.region,
        kind: "alert",
        received_at: now,
        event_action: ev.event_action,
        dedup_key: dedupKey,
        key_last4: last4(ev.routing_key),
        integration_id: integration?.id ?? null,
        outcome,
        summary: ev.payload?.summary ?? null,
      },
      ctx.eventsRetention,
    );
    return { dedupKey, outcome };
  });
}

function apply(ctx: PdContext, ev: AlertEvent, dedupKey: string, integration: IntegrationRow, now: string): EventOutcome {
  const agent = serviceAgent(ctx, integration);
  const open = findOpenAlert(ctx.db, integration.id, dedupKey);
  const extra = ev.payload ? { summary: ev.payload.summary, severity: ev.payload.severity } : undefined;

  if (ev.event_action === "trigger") {
    const p = ev.payload!;
    const payloadJson = JSON.stringify({ payload: p, links: ev.links ?? [], images: ev.images ?? [], client: ev.client, client_url: ev.client_url });
    if (open) {
      refreshAlert(ctx.db, open.id, { summary: p.summary, severity: p.severity, source: p.source, payload: payloadJson }, now);
      const incident = getIncident(ctx.db, ctx.region, open.incident_id)!;
      logTimeline(ctx, incident, "repeat_trigger", "events_api", agent, open.id, extra);
      touchIncident(ctx.db, incident.id, now);
      return "deduplicated";
    }
    // One incident per new alert (no alert grouping in the sandbox); its incident_key is the dedup key.
    const incident = insertIncident(ctx.db, {
      region: ctx.region,
      serviceId: integration.service_id,
      title: p.summary,
      incidentKey: dedupKey,
      urgency: "high",
      agent,
      nowIso: now,
    });
    const alert = insertAlert(ctx.db, {
      incident_id: incident.id,
      service_id: integration.service_id,
      integration_id: integration.id,
      dedup_key: dedupKey,
      summary: p.summary,
      severity: p.severity,
      source: p.source,
      payload: payloadJson,
      created_at: now,
    });
    const entry = logTimeline(ctx, incident, "trigger", "events_api", agent, alert.id, extra);
    setFirstLogEntry(ctx.db, incident.id, entry.id);
    emitIncidentEvent(ctx, getIncident(ctx.db, ctx.region, incident.id)!, "incident.triggered", agent);
    return "alert_created";
  }

  if (!open) return "dropped_no_open_alert";
  const incident = getIncident(ctx.db, ctx.region, open.incident_id)!;
  if (ev.event_action === "acknowledge") {
    acknowledge(ctx, incident, "events_api", agent, open.id, extra);
    return "acknowledged";
  }
  resolve(ctx, incident, "events_api", agent, open.id, extra);
  return "resolved";
}

/** Change events never open incidents; they are only recorded (and dropped for unknown keys). */
export function ingestChangeEvent(ctx: PdContext, ev: ChangeEvent): void {
  transaction(ctx.db, () => {
    const integration = findEventsIntegrationByKey(ctx.db, ctx.region, ev.routing_key);
    recordEvent(
      ctx.db,
      {
        region: ctx.region,
        kind: "change",
        received_at: isoSeconds(ctx.clock.now()),
        event_action: null,
        dedup_key: null,
        key_last4: last4(ev.routing_key),
        integration_id: integration?.id ?? null,
        outcome: integration ? "change_recorded" : "dropped_unknown_routing_key",
        summary: ev.payload.summary,
      },
      ctx.eventsRetention,
    );
  });
}
