import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { longId, pdId } from "../ids";

export type IncidentStatus = "triggered" | "acknowledged" | "resolved";

/** Who did something: a service (events through its integration, timeouts) or a user (`From` on REST). */
export interface Agent {
  type: "service_reference" | "user_reference";
  id: string;
  summary: string;
}

export interface IncidentRow {
  id: string;
  region: Region;
  number: number;
  service_id: string;
  title: string;
  status: IncidentStatus;
  incident_key: string;
  urgency: string;
  created_at: string;
  updated_at: string;
  last_status_change_at: string;
  /** JSON of an Agent. */
  last_status_change_by: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  first_log_entry_id: string | null;
}

export interface AlertRow {
  id: string;
  incident_id: string;
  service_id: string;
  integration_id: string;
  dedup_key: string;
  status: "triggered" | "resolved";
  summary: string;
  severity: string;
  source: string;
  /** JSON of the latest trigger's payload, links and images. */
  payload: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
}

export type LogKind = "trigger" | "repeat_trigger" | "acknowledge" | "unacknowledge" | "resolve";

export interface LogEntryRow {
  id: string;
  seq: number;
  incident_id: string;
  alert_id: string | null;
  kind: LogKind;
  at: string;
  /** `events_api`, `rest_api` or `timeout`. */
  channel: string;
  agent: string;
  summary: string | null;
  severity: string | null;
}

export function insertIncident(
  db: Db,
  input: { region: Region; serviceId: string; title: string; incidentKey: string; urgency: string; agent: Agent; nowIso: string },
): IncidentRow {
  const next = db.prepare("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM pd_incidents WHERE region = ?").get(input.region) as { n: number };
  const row: IncidentRow = {
    id: pdId(),
    region: input.region,
    number: Number(next.n),
    service_id: input.serviceId,
    title: input.title,
    status: "triggered",
    incident_key: input.incidentKey,
    urgency: input.urgency,
    created_at: input.nowIso,
    updated_at: input.nowIso,
    last_status_change_at: input.nowIso,
    last_status_change_by: JSON.stringify(input.agent),
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    first_log_entry_id: null,
  };
  db.prepare(
    `INSERT INTO pd_incidents (id, region, number, service_id, title, status, incident_key, urgency, created_at, updated_at,
       last_status_change_at, last_status_change_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.region,
    row.number,
    row.service_id,
    row.title,
    row.status,
    row.incident_key,
    row.urgency,
    row.created_at,
    row.updated_at,
    row.last_status_change_at,
    row.last_status_change_by,
  );
  return row;
}

export function getIncident(db: Db, region: Region, id: string): IncidentRow | undefined {
  return db.prepare("SELECT * FROM pd_incidents WHERE id = ? AND region = ?").get(id, region) as IncidentRow | undefined;
}

export function setIncidentStatus(db: Db, id: string, status: IncidentStatus, agent: Agent, nowIso: string): void {
  const by = JSON.stringify(agent);
  db.prepare(
    `UPDATE pd_incidents SET status = ?, updated_at = ?, last_status_change_at = ?, last_status_change_by = ?,
       acknowledged_at = CASE WHEN ? = 'acknowledged' THEN ? WHEN ? = 'triggered' THEN NULL ELSE acknowledged_at END,
       acknowledged_by = CASE WHEN ? = 'acknowledged' THEN ? WHEN ? = 'triggered' THEN NULL ELSE acknowledged_by END,
       resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE NULL END
     WHERE id = ?`,
  ).run(status, nowIso, nowIso, by, status, nowIso, status, status, by, status, status, nowIso, id);
}

/** Re-acknowledging restarts the acknowledgement timeout without changing status. */
export function touchAcknowledgement(db: Db, id: string, agent: Agent, nowIso: string): void {
  db.prepare("UPDATE pd_incidents SET acknowledged_at = ?, acknowledged_by = ?, updated_at = ? WHERE id = ?").run(nowIso, JSON.stringify(agent), nowIso, id);
}

export function touchIncident(db: Db, id: string, nowIso: string): void {
  db.prepare("UPDATE pd_incidents SET updated_at = ? WHERE id = ?").run(nowIso, id);
}

export function setFirstLogEntry(db: Db, incidentId: string, logEntryId: string): void {
  db.prepare("UPDATE pd_incidents SET first_log_entry_id = ? WHERE id = ? AND first_log_entry_id IS NULL").run(logEntryId, incidentId);
}

export interface IncidentFilter {
  incidentKey?: string;
  statuses?: string[];
  serviceIds?: string[];
  since?: string;
  until?: string;
}

export function listIncidents(db: Db, region: Region, f: IncidentFilter): IncidentRow[] {
  let sql = "SELECT * FROM pd_incidents WHERE region = ?";
  const args: string[] = [region];
  if (f.incidentKey !== undefined) {
    sql += " AND incident_key = ?";
    args.push(f.incidentKey);
  }
  if (f.statuses?.length) {
    sql += ` AND status IN (${f.statuses.map(() => "?").join(",")})`;
    args.push(...f.statuses);
  }
  if (f.serviceIds?.length) {
    sql += ` AND service_id IN (${f.serviceIds.map(() => "?").join(",")})`;
    args.push(...f.serviceIds);
  }
  if (f.since) {
    sql += " AND created_at >= ?";
    args.push(f.since);
  }
  if (f.until) {
    sql += " AND created_at < ?";
    args.push(f.until);
  }
  sql += " ORDER BY number";
  return db.prepare(sql).all(...args) as unknown as IncidentRow[];
}

export function listAllIncidents(db: Db, region: Region): IncidentRow[] {
  return db.prepare("SELECT * FROM pd_incidents WHERE region = ? ORDER BY number DESC").all(region) as unknown as IncidentRow[];
}

export function insertAlert(db: Db, a: Omit<AlertRow, "id" | "status" | "updated_at" | "resolved_at">): AlertRow {
  const row: AlertRow = { ...a, id: longId(), status: "triggered", updated_at: a.created_at, resolved_at: null };
  db.prepare(
    `INSERT INTO pd_alerts (id, incident_id, service_id, integration_id, dedup_key, status, summary, severity, source, payload, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.incident_id,
    row.service_id,
    row.integration_id,
    row.dedup_key,
    row.status,
    row.summary,
    row.severity,
    row.source,
    row.payload,
    row.created_at,
    row.updated_at,
  );
  return row;
}

/** The open alert for (routing key's integration, dedup key), if any. */
export function findOpenAlert(db: Db, integrationId: string, dedupKey: string): AlertRow | undefined {
  return db.prepare("SELECT * FROM pd_alerts WHERE integration_id = ? AND dedup_key = ? AND status = 'triggered'").get(integrationId, dedupKey) as
    | AlertRow
    | undefined;
}

/** A repeated trigger replaces the alert's body with the latest event (PagerDuty shows the newest summary). */
export function refreshAlert(db: Db, id: string, fields: { summary: string; severity: string; source: string; payload: string }, nowIso: string): void {
  db.prepare("UPDATE pd_alerts SET summary = ?, severity = ?, source = ?, payload = ?, updated_at = ? WHERE id = ?").run(
    fields.summary,
    fields.severity,
    fields.source,
    fields.payload,
    nowIso,
    id,
  );
}

export function resolveAlertsOfIncident(db: Db, incidentId: string, nowIso: string): void {
  db.prepare("UPDATE pd_alerts SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE incident_id = ? AND status = 'triggered'").run(
    nowIso,
    nowIso,
    incidentId,
  );
}

export function listAlerts(db: Db, incidentId: string): AlertRow[] {
  return db.prepare("SELECT * FROM pd_alerts WHERE incident_id = ? ORDER BY created_at, id").all(incidentId) as unknown as AlertRow[];
}

export function insertLogEntry(db: Db, e: Omit<LogEntryRow, "id" | "seq">): LogEntryRow {
  const seq = db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM pd_log_entries WHERE incident_id = ?").get(e.incident_id) as { n: number };
  const row: LogEntryRow = { ...e, id: longId(), seq: Number(seq.n) };
  db.prepare(
    "INSERT INTO pd_log_entries (id, seq, incident_id, alert_id, kind, at, channel, agent, summary, severity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(row.id, row.seq, row.incident_id, row.alert_id, row.kind, row.at, row.channel, row.agent, row.summary, row.severity);
  return row;
}

export function listLogEntries(db: Db, incidentId: string): LogEntryRow[] {
  return db.prepare("SELECT * FROM pd_log_entries WHERE incident_id = ? ORDER BY seq").all(incidentId) as unknown as LogEntryRow[];
}

export function parseAgent(json: string | null): Agent | undefined {
  if (!json) return undefined;
  return JSON.parse(json) as Agent;
}
