import type { Db } from "../../../lib/sqlite";
import type { Alert, AlertStatus } from "../alerts/model";

interface Row {
  id: string;
  group_id: string;
  alert_config_id: string;
  status: string;
  doc_json: string;
  channels_json: string;
  origin: string;
  created_ms: number;
}

function toAlert(r: Row): Alert {
  const { channels = [], fired = [] } = JSON.parse(r.channels_json) as { channels?: Alert["channels"]; fired?: string[] };
  return {
    id: r.id,
    groupId: r.group_id,
    alertConfigId: r.alert_config_id,
    status: r.status as AlertStatus,
    doc: JSON.parse(r.doc_json),
    channels,
    fired,
    origin: r.origin,
    createdMs: Number(r.created_ms),
  };
}

/** Alerts, in creation order. */
export class AlertStore {
  constructor(private readonly db: Db) {}

  insert(a: Alert): void {
    this.db
      .prepare("INSERT INTO atlas_alerts (id, group_id, alert_config_id, status, doc_json, channels_json, origin, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(a.id, a.groupId, a.alertConfigId, a.status, JSON.stringify(a.doc), JSON.stringify({ channels: a.channels, fired: a.fired }), a.origin, a.createdMs);
  }

  save(a: Alert): void {
    this.db
      .prepare("UPDATE atlas_alerts SET status = ?, doc_json = ?, channels_json = ? WHERE id = ?")
      .run(a.status, JSON.stringify(a.doc), JSON.stringify({ channels: a.channels, fired: a.fired }), a.id);
  }

  get(groupId: string, id: string): Alert | undefined {
    const r = this.db.prepare("SELECT * FROM atlas_alerts WHERE group_id = ? AND id = ?").get(groupId, id) as Row | undefined;
    return r && toAlert(r);
  }

  list(groupId: string, status?: string): Alert[] {
    const rows = status
      ? this.db.prepare("SELECT * FROM atlas_alerts WHERE group_id = ? AND status = ? ORDER BY seq").all(groupId, status)
      : this.db.prepare("SELECT * FROM atlas_alerts WHERE group_id = ? ORDER BY seq").all(groupId);
    return (rows as unknown as Row[]).map(toAlert);
  }

  byConfig(groupId: string, alertConfigId: string, statuses: readonly AlertStatus[]): Alert[] {
    const rows = this.db
      .prepare("SELECT * FROM atlas_alerts WHERE group_id = ? AND alert_config_id = ? ORDER BY seq")
      .all(groupId, alertConfigId) as unknown as Row[];
    return rows.map(toAlert).filter((a) => statuses.includes(a.status));
  }

  /** Every TRACKING or OPEN alert (the ones the clock can move). */
  active(): Alert[] {
    return (this.db.prepare("SELECT * FROM atlas_alerts WHERE status IN ('TRACKING', 'OPEN') ORDER BY seq").all() as unknown as Row[]).map(toAlert);
  }
}
