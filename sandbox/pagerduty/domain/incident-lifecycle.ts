import type { PdContext } from "../deps";
import {
  getIncident,
  insertLogEntry,
  resolveAlertsOfIncident,
  setIncidentStatus,
  touchAcknowledgement,
  type Agent,
  type IncidentRow,
  type LogKind,
} from "../store/incidents";
import { isoSeconds } from "../time";
import { emitIncidentEvent } from "../webhooks/outbox";

/**
 * Incident status transitions shared by the Events API, the REST API and the
 * timeouts. Each one writes the timeline entry and queues the webhook in the
 * caller's transaction.
 */
export type Channel = "events_api" | "rest_api" | "timeout";

export interface TransitionResult {
  incident: IncidentRow;
  /** False when the incident already was in that state (no webhook is sent then). */
  changed: boolean;
}

function log(
  ctx: PdContext,
  incident: IncidentRow,
  kind: LogKind,
  channel: Channel,
  agent: Agent,
  alertId: string | null,
  extra?: { summary?: string; severity?: string },
) {
  return insertLogEntry(ctx.db, {
    incident_id: incident.id,
    alert_id: alertId,
    kind,
    at: isoSeconds(ctx.clock.now()),
    channel,
    agent: JSON.stringify(agent),
    summary: extra?.summary ?? null,
    severity: extra?.severity ?? null,
  });
}

export function acknowledge(
  ctx: PdContext,
  incident: IncidentRow,
  channel: Channel,
  agent: Agent,
  alertId: string | null,
  extra?: { summary?: string; severity?: string },
): TransitionResult {
  const now = isoSeconds(ctx.clock.now());
  log(ctx, incident, "acknowledge", channel, agent, alertId, extra);
  if (incident.status === "acknowledged") {
    // Acknowledging again restarts the acknowledgement timeout; no new webhook.
    touchAcknowledgement(ctx.db, incident.id, agent, now);
    return { incident: getIncident(ctx.db, ctx.region, incident.id)!, changed: false };
  }
  setIncidentStatus(ctx.db, incident.id, "acknowledged", agent, now);
  const updated = getIncident(ctx.db, ctx.region, incident.id)!;
  emitIncidentEvent(ctx, updated, "incident.acknowledged", agent);
  return { incident: updated, changed: true };
}

export function unacknowledge(ctx: PdContext, incident: IncidentRow, channel: Channel, agent: Agent): TransitionResult {
  if (incident.status !== "acknowledged") return { incident, changed: false };
  log(ctx, incident, "unacknowledge", channel, agent, null);
  setIncidentStatus(ctx.db, incident.id, "triggered", agent, isoSeconds(ctx.clock.now()));
  const updated = getIncident(ctx.db, ctx.region, incident.id)!;
  emitIncidentEvent(ctx, updated, "incident.unacknowledged", agent);
  return { incident: updated, changed: true };
}

/** Resolving an incident resolves its alerts too, so later follow-ups with that dedup key are dropped. */
export function resolve(
  ctx: PdContext,
  incident: IncidentRow,
  channel: Channel,
  agent: Agent,
  alertId: string | null,
  extra?: { summary?: string; severity?: string },
): TransitionResult {
  if (incident.status === "resolved") return { incident, changed: false };
  const now = isoSeconds(ctx.clock.now());
  log(ctx, incident, "resolve", channel, agent, alertId, extra);
  resolveAlertsOfIncident(ctx.db, incident.id, now);
  setIncidentStatus(ctx.db, incident.id, "resolved", agent, now);
  const updated = getIncident(ctx.db, ctx.region, incident.id)!;
  emitIncidentEvent(ctx, updated, "incident.resolved", agent);
  return { incident: updated, changed: true };
}

export { log as logTimeline };
