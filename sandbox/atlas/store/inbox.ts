import type { Db } from "../../../lib/sqlite";

/** One notification "received" by a recipient the sandbox does not reach over the network. */
export interface InboxMessage {
  id: string;
  groupId: string;
  alertId: string;
  alertConfigId: string;
  notifierId: string;
  typeName: string;
  /** alert.open, alert.close, alert.cancel. */
  event: string;
  /** Who gets it (roles, e-mail address, username, channel...); never a credential. */
  recipient: Record<string, unknown>;
  subject: string;
  body: string;
  created: string;
}

interface Row {
  id: string;
  group_id: string;
  alert_id: string;
  alert_config_id: string;
  notifier_id: string;
  type_name: string;
  event: string;
  recipient_json: string;
  subject: string;
  body: string;
  created: string;
}

const toMessage = (r: Row): InboxMessage => ({
  id: r.id,
  groupId: r.group_id,
  alertId: r.alert_id,
  alertConfigId: r.alert_config_id,
  notifierId: r.notifier_id,
  typeName: r.type_name,
  event: r.event,
  recipient: JSON.parse(r.recipient_json),
  subject: r.subject,
  body: r.body,
  created: r.created,
});

/** The sandbox-only inbox, in delivery order. */
export class InboxStore {
  constructor(private readonly db: Db) {}

  insert(m: InboxMessage): void {
    this.db
      .prepare(
        `INSERT INTO atlas_inbox (id, group_id, alert_id, alert_config_id, notifier_id, type_name, event, recipient_json, subject, body, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(m.id, m.groupId, m.alertId, m.alertConfigId, m.notifierId, m.typeName, m.event, JSON.stringify(m.recipient), m.subject, m.body, m.created);
  }

  list(groupId: string, filter: { typeName?: string; alertId?: string } = {}): InboxMessage[] {
    let sql = "SELECT * FROM atlas_inbox WHERE group_id = ?";
    const args: string[] = [groupId];
    if (filter.typeName) {
      sql += " AND type_name = ?";
      args.push(filter.typeName);
    }
    if (filter.alertId) {
      sql += " AND alert_id = ?";
      args.push(filter.alertId);
    }
    return (this.db.prepare(`${sql} ORDER BY seq`).all(...args) as unknown as Row[]).map(toMessage);
  }
}
