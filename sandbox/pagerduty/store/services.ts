import type { Db } from "../../../lib/sqlite";
import type { Region } from "../deps";
import { pdId } from "../ids";

export interface ServiceRow {
  id: string;
  region: Region;
  name: string;
  description: string | null;
  escalation_policy_id: string;
  auto_resolve_timeout: number | null;
  acknowledgement_timeout: number | null;
  created_at: string;
  updated_at: string;
}

/** The escalation policy every sandbox service points at when the caller names none (the REST schema requires one). */
export const DEFAULT_ESCALATION_POLICY_ID = "PSBXEP1";

export class DuplicateServiceNameError extends Error {}

export interface NewService {
  name: string;
  description?: string | null;
  escalationPolicyId?: string;
  autoResolveTimeout?: number | null;
  acknowledgementTimeout?: number | null;
}

export function createService(db: Db, region: Region, input: NewService, nowIso: string): ServiceRow {
  if (db.prepare("SELECT 1 FROM pd_services WHERE region = ? AND name = ?").get(region, input.name)) {
    throw new DuplicateServiceNameError("Name has already been taken");
  }
  const row: ServiceRow = {
    id: pdId(),
    region,
    name: input.name,
    description: input.description ?? null,
    escalation_policy_id: input.escalationPolicyId ?? DEFAULT_ESCALATION_POLICY_ID,
    // PagerDuty's defaults (REST schema): 4 h auto-resolve, 30 min acknowledgement timeout.
    auto_resolve_timeout: input.autoResolveTimeout === undefined ? 14400 : input.autoResolveTimeout,
    acknowledgement_timeout: input.acknowledgementTimeout === undefined ? 1800 : input.acknowledgementTimeout,
    created_at: nowIso,
    updated_at: nowIso,
  };
  db.prepare(
    `INSERT INTO pd_services (id, region, name, description, escalation_policy_id, auto_resolve_timeout, acknowledgement_timeout, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.region,
    row.name,
    row.description,
    row.escalation_policy_id,
    row.auto_resolve_timeout,
    row.acknowledgement_timeout,
    row.created_at,
    row.updated_at,
  );
  return row;
}

export function getService(db: Db, region: Region, id: string): ServiceRow | undefined {
  return db.prepare("SELECT * FROM pd_services WHERE id = ? AND region = ?").get(id, region) as ServiceRow | undefined;
}

export function listServices(db: Db, region: Region, opts: { nameQuery?: string; exactName?: string } = {}): ServiceRow[] {
  let sql = "SELECT * FROM pd_services WHERE region = ?";
  const args: string[] = [region];
  if (opts.nameQuery) {
    sql += " AND instr(lower(name), lower(?)) > 0";
    args.push(opts.nameQuery);
  }
  if (opts.exactName) {
    sql += " AND name = ?";
    args.push(opts.exactName);
  }
  // PagerDuty sorts services by name by default.
  sql += " ORDER BY name COLLATE NOCASE, id";
  return db.prepare(sql).all(...args) as unknown as ServiceRow[];
}

/** Deletes a service; its integrations, incidents, alerts and log entries go with it (ON DELETE CASCADE). */
export function deleteService(db: Db, id: string): void {
  db.prepare("DELETE FROM pd_services WHERE id = ?").run(id);
}
