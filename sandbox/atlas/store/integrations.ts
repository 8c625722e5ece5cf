import type { Db } from "../../../lib/sqlite";

/** One third-party integration: at most one per type per project. */
export interface Integration {
  id: string;
  groupId: string;
  type: string;
  /** The validated settings, secrets in clear. */
  settings: Record<string, unknown>;
}

interface Row {
  id: string;
  group_id: string;
  type: string;
  settings_json: string;
}

const toIntegration = (r: Row): Integration => ({ id: r.id, groupId: r.group_id, type: r.type, settings: JSON.parse(r.settings_json) });

export class IntegrationStore {
  constructor(private readonly db: Db) {}

  list(groupId: string): Integration[] {
    return (this.db.prepare("SELECT * FROM atlas_integrations WHERE group_id = ? ORDER BY rowid").all(groupId) as unknown as Row[]).map(toIntegration);
  }

  get(groupId: string, type: string): Integration | undefined {
    const r = this.db.prepare("SELECT * FROM atlas_integrations WHERE group_id = ? AND type = ?").get(groupId, type) as Row | undefined;
    return r && toIntegration(r);
  }

  byId(groupId: string, id: string): Integration | undefined {
    const r = this.db.prepare("SELECT * FROM atlas_integrations WHERE group_id = ? AND id = ?").get(groupId, id) as Row | undefined;
    return r && toIntegration(r);
  }

  insert(i: Integration, now: string): void {
    this.db
      .prepare("INSERT INTO atlas_integrations (id, group_id, type, settings_json, created, updated) VALUES (?, ?, ?, ?, ?, ?)")
      .run(i.id, i.groupId, i.type, JSON.stringify(i.settings), now, now);
  }

  update(i: Integration, now: string): void {
    this.db.prepare("UPDATE atlas_integrations SET settings_json = ?, updated = ? WHERE id = ?").run(JSON.stringify(i.settings), now, i.id);
  }

  delete(groupId: string, type: string): boolean {
    return Number(this.db.prepare("DELETE FROM atlas_integrations WHERE group_id = ? AND type = ?").run(groupId, type).changes) > 0;
  }
}
