import { regionSqlCheck } from "../../lib/regions";
import { migrate, type Db } from "../../lib/sqlite";

/**
 * The PagerDuty sandbox's tables. Everything that must survive a restart lives
 * here (services, keys, incidents, the webhook outbox); rate-limit windows and
 * injected faults are per-process on purpose, like the real edge.
 *
 * Scheduling columns (`*_ms`) are epoch milliseconds so the worker can compare
 * them with the injected clock without parsing dates.
 */
// The region CHECK lists lib/regions.ts as it was when the table was made (SQLite cannot alter a CHECK).
const schema = `
CREATE TABLE pd_services (
  id TEXT PRIMARY KEY,
  region TEXT NOT NULL CHECK (${regionSqlCheck("region")}),
  name TEXT NOT NULL,
  description TEXT,
  escalation_policy_id TEXT NOT NULL,
  auto_resolve_timeout INTEGER,
  acknowledgement_timeout INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (region, name)
);

CREATE TABLE pd_integrations (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES pd_services(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  integration_key TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE pd_incidents (
  id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  number INTEGER NOT NULL,
  service_id TEXT NOT NULL REFERENCES pd_services(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('triggered','acknowledged','resolved')),
  incident_key TEXT NOT NULL,
  urgency TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_status_change_at TEXT NOT NULL,
  last_status_change_by TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  resolved_at TEXT,
  first_log_entry_id TEXT,
  UNIQUE (region, number)
);
CREATE INDEX pd_incidents_key ON pd_incidents (incident_key);

-- integration_id is a soft reference: deleting an integration keeps its alerts (as PagerDuty does).
CREATE TABLE pd_alerts (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES pd_incidents(id) ON DELETE CASCADE,
  service_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('triggered','resolved')),
  summary TEXT NOT NULL,
  severity TEXT NOT NULL,
  source TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  resolved_at TEXT
);
-- The dedup rule itself: at most one open alert per (routing key, dedup key).
CREATE UNIQUE INDEX pd_alerts_open_dedup ON pd_alerts (integration_id, dedup_key) WHERE status = 'triggered';
CREATE INDEX pd_alerts_incident ON pd_alerts (incident_id);

-- The incident timeline: every trigger, repeated trigger, acknowledge, resolve, unacknowledge.
CREATE TABLE pd_log_entries (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  incident_id TEXT NOT NULL REFERENCES pd_incidents(id) ON DELETE CASCADE,
  alert_id TEXT,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  channel TEXT NOT NULL,
  agent TEXT NOT NULL,
  summary TEXT,
  severity TEXT
);
CREATE INDEX pd_log_entries_incident ON pd_log_entries (incident_id, seq);

-- Every accepted (202) event and what became of it, including the silently dropped ones.
CREATE TABLE pd_events (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at TEXT NOT NULL,
  event_action TEXT,
  dedup_key TEXT,
  key_last4 TEXT NOT NULL,
  integration_id TEXT,
  outcome TEXT NOT NULL,
  summary TEXT
);

CREATE TABLE pd_webhook_subscriptions (
  id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  delivery_method_id TEXT NOT NULL,
  description TEXT,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  custom_headers TEXT NOT NULL,
  events TEXT NOT NULL,
  filter_type TEXT NOT NULL,
  filter_id TEXT,
  active INTEGER NOT NULL,
  temporarily_disabled INTEGER NOT NULL DEFAULT 0,
  consecutive_drops INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- The durable outbox: one row per (event, subscription); body is frozen so retries are byte-identical.
CREATE TABLE pd_webhook_deliveries (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  region TEXT NOT NULL,
  subscription_id TEXT NOT NULL REFERENCES pd_webhook_subscriptions(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  locked_until_ms INTEGER,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  dropped_at TEXT,
  failed_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX pd_webhook_deliveries_due ON pd_webhook_deliveries (region, next_attempt_at_ms) WHERE delivered_at IS NULL AND dropped_at IS NULL AND failed_at IS NULL;
`;

export function migratePagerDuty(db: Db): void {
  migrate(db, [
    { name: "pagerduty/001-initial", sql: schema },
    // Every event reads MAX(seq) and retention deletes by seq and by age: without these, both scan the whole log
    // (MAX(seq) took 0.06 ms at 1k rows and 25.9 ms at 400k).
    {
      name: "pagerduty/002-events-indexes",
      sql: "CREATE UNIQUE INDEX pd_events_seq ON pd_events (seq); CREATE INDEX pd_events_received ON pd_events (received_at);",
    },
  ]);
}
