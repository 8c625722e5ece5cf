import type { AlertStatus, PdAction, PdState } from "../domain/state";
import type { AlertRecord, IntakeDeadLetter, SentEvent } from "./types";

/**
 * Rows of the relay's tables (the same columns in SQLite and PostgreSQL) as records. SQLite
 * gives 0/1 for booleans and text for JSON; PostgreSQL gives booleans and parsed jsonb.
 */
type Row = Record<string, any>;

export function alertFromRow(r: Row): AlertRecord {
  return {
    routeId: r.route_id,
    projectId: r.project_id,
    alertId: r.alert_id,
    dedupKey: r.dedup_key,
    alertConfigId: r.alert_config_id,
    status: r.status as AlertStatus,
    acknowledged: Boolean(r.acknowledged),
    acknowledgedUntil: r.acknowledged_until,
    inform: Boolean(r.inform),
    updatedMs: Number(r.updated_ms),
    rank: Number(r.rank),
    lastEvent: r.last_event as AlertRecord["lastEvent"],
    pdState: r.pd_state as PdState,
    pdAttempted: (r.pd_attempted ?? null) as PdAction | null,
    pdRefused: (r.pd_refused ?? null) as PdAction | null,
    ackedByRelay: Boolean(r.acked_by_relay),
    ackTimedOut: Boolean(r.ack_timed_out),
    facts: typeof r.facts === "string" ? JSON.parse(r.facts) : r.facts,
    firstStatus: r.first_status as AlertStatus,
    createdAt: Number(r.created_at),
    changedAt: Number(r.changed_at),
  };
}

export function intakeDeadLetterFromRow(r: Row): IntakeDeadLetter {
  return {
    id: Number(r.id),
    routeId: r.route_id,
    reason: r.reason,
    event: r.event,
    projectId: r.project_id,
    alertId: r.alert_id,
    receivedAt: Number(r.received_at),
  };
}

export function sentFromRow(r: Row): SentEvent {
  return { routeId: r.route_id, alertId: r.alert_id, action: r.action, at: Number(r.at) };
}
