import { migrate, type Db } from "../../../lib/sqlite";

/**
 * The Atlas sandbox's tables. JSON columns hold the validated documents as the
 * API stores them (secrets in clear: the database is the sandbox's own state
 * and never leaves it; every read path redacts).
 */
const MIGRATIONS = [
  {
    name: "atlas/001-core",
    sql: `
      CREATE TABLE atlas_groups (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created TEXT NOT NULL
      );
      CREATE TABLE atlas_integrations (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES atlas_groups(id),
        type TEXT NOT NULL,
        settings_json TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE (group_id, type)
      );
      CREATE TABLE atlas_alert_configs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL REFERENCES atlas_groups(id),
        doc_json TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX atlas_alert_configs_group ON atlas_alert_configs (group_id, seq);
      CREATE TABLE atlas_alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL REFERENCES atlas_groups(id),
        alert_config_id TEXT NOT NULL,
        status TEXT NOT NULL,
        doc_json TEXT NOT NULL,
        channels_json TEXT NOT NULL DEFAULT '[]',
        origin TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX atlas_alerts_group ON atlas_alerts (group_id, status, seq);
      CREATE INDEX atlas_alerts_active ON atlas_alerts (status) WHERE status IN ('TRACKING', 'OPEN');
      CREATE TABLE atlas_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        event TEXT NOT NULL,
        url TEXT NOT NULL,
        headers_json TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        sent_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX atlas_outbox_due ON atlas_outbox (status, next_attempt_at);
      CREATE INDEX atlas_outbox_group ON atlas_outbox (group_id, seq);
      CREATE TABLE atlas_oauth_tokens (
        token_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Notifications of every type the sandbox does not send over the network
    // (GROUP, USER, EMAIL, SLACK...): what each recipient would have received.
    name: "atlas/002-inbox",
    sql: `
      CREATE TABLE atlas_inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        alert_config_id TEXT NOT NULL,
        notifier_id TEXT NOT NULL,
        type_name TEXT NOT NULL,
        event TEXT NOT NULL,
        recipient_json TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created TEXT NOT NULL
      );
      CREATE INDEX atlas_inbox_group ON atlas_inbox (group_id, seq);
    `,
  },
];

export function migrateAtlas(db: Db): void {
  migrate(db, MIGRATIONS);
}
