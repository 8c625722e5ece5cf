import type { Db } from "../../../lib/sqlite";
import type { AlertConfig, AlertConfigDoc, StoredNotification } from "../alert-configs/model";

interface Row {
  id: string;
  group_id: string;
  doc_json: string;
  created: string;
  updated: string;
}

const toConfig = (r: Row): AlertConfig => ({ id: r.id, groupId: r.group_id, created: r.created, updated: r.updated, doc: JSON.parse(r.doc_json) });

/** Alert configurations, in creation order. */
export class AlertConfigStore {
  constructor(private readonly db: Db) {}

  list(groupId: string): AlertConfig[] {
    return (this.db.prepare("SELECT * FROM atlas_alert_configs WHERE group_id = ? ORDER BY seq").all(groupId) as unknown as Row[]).map(toConfig);
  }

  get(groupId: string, id: string): AlertConfig | undefined {
    const r = this.db.prepare("SELECT * FROM atlas_alert_configs WHERE group_id = ? AND id = ?").get(groupId, id) as Row | undefined;
    return r && toConfig(r);
  }

  insert(c: AlertConfig): void {
    this.db
      .prepare("INSERT INTO atlas_alert_configs (id, group_id, doc_json, created, updated) VALUES (?, ?, ?, ?, ?)")
      .run(c.id, c.groupId, JSON.stringify(c.doc), c.created, c.updated);
  }

  update(groupId: string, id: string, doc: AlertConfigDoc, updated: string): void {
    this.db.prepare("UPDATE atlas_alert_configs SET doc_json = ?, updated = ? WHERE group_id = ? AND id = ?").run(JSON.stringify(doc), updated, groupId, id);
  }

  delete(groupId: string, id: string): boolean {
    return Number(this.db.prepare("DELETE FROM atlas_alert_configs WHERE group_id = ? AND id = ?").run(groupId, id).changes) > 0;
  }

  /** A stored notification of this project by notifierId (what `notifierId` in an update refers to). */
  findNotifier(groupId: string, notifierId: string): StoredNotification | undefined {
    for (const c of this.list(groupId)) {
      const n = c.doc.notifications.find((x) => x.notifierId === notifierId);
      if (n) return n;
    }
    return undefined;
  }
}
