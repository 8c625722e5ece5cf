import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { integrationKey, pdId } from "../ids";

export interface IntegrationRow {
  id: string;
  service_id: string;
  type: string;
  name: string;
  integration_key: string | null;
  created_at: string;
  updated_at: string;
}

/** Types whose integrations receive a routing key (the Events API v1 one is kept for completeness). */
const KEYED_TYPES = new Set(["events_api_v2_inbound_integration", "generic_events_api_inbound_integration"]);

export function createIntegration(db: Db, serviceId: string, type: string, name: string, nowIso: string): IntegrationRow {
  const row: IntegrationRow = {
    id: pdId(),
    service_id: serviceId,
    type,
    name,
    integration_key: KEYED_TYPES.has(type) ? integrationKey() : null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  db.prepare("INSERT INTO pd_integrations (id, service_id, type, name, integration_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
    row.id,
    row.service_id,
    row.type,
    row.name,
    row.integration_key,
    row.created_at,
    row.updated_at,
  );
  return row;
}

export function getIntegration(db: Db, serviceId: string, id: string): IntegrationRow | undefined {
  return db.prepare("SELECT * FROM pd_integrations WHERE id = ? AND service_id = ?").get(id, serviceId) as IntegrationRow | undefined;
}

export function getIntegrationById(db: Db, id: string): IntegrationRow | undefined {
  return db.prepare("SELECT * FROM pd_integrations WHERE id = ?").get(id) as IntegrationRow | undefined;
}

export function listIntegrations(db: Db, serviceId: string): IntegrationRow[] {
  return db.prepare("SELECT * FROM pd_integrations WHERE service_id = ? ORDER BY created_at, id").all(serviceId) as unknown as IntegrationRow[];
}

export function updateIntegrationName(db: Db, id: string, name: string, nowIso: string): void {
  db.prepare("UPDATE pd_integrations SET name = ?, updated_at = ? WHERE id = ?").run(name, nowIso, id);
}

export function deleteIntegration(db: Db, id: string): void {
  db.prepare("DELETE FROM pd_integrations WHERE id = ?").run(id);
}

/**
 * The Events API v2 integration a routing key belongs to, in this region only:
 * a US key sent to the EU endpoint matches nothing and the event is dropped.
 */
export function findEventsIntegrationByKey(db: Db, region: Region, key: string): IntegrationRow | undefined {
  return db
    .prepare(
      `SELECT i.* FROM pd_integrations i JOIN pd_services s ON s.id = i.service_id
       WHERE i.integration_key = ? AND i.type = 'events_api_v2_inbound_integration' AND s.region = ?`,
    )
    .get(key, region) as IntegrationRow | undefined;
}
