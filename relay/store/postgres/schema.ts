import type { PgMigration } from "../../../lib/postgres";

/** The relay's own tables live in this schema; pg-boss keeps its jobs in `JOBS_SCHEMA`. */
export const SCHEMA = "relay";
export const JOBS_SCHEMA = "relay_jobs";

/**
 * Migrations of the relay's PostgreSQL store, applied in order under an
 * advisory lock (lib/postgres `migrate`), so replicas may start together.
 */
export const migrations: PgMigration[] = [
  {
    name: "relay/001-rate-buckets",
    // One row per routing key, keyed by SHA-256 of the key: the key itself is never stored.
    // take_token runs on the database clock, so replicas agree on time.
    sql: `
      CREATE TABLE relay.rate_buckets (
        key_hash bytea PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        blocked_until timestamptz
      );
      -- Takes one token when there is one (returns 0), else returns the seconds to wait:
      -- until the block ends (a 429 seen by any replica) or the next token.
      -- Capacity is the burst, refill is per_minute/60 per second, so any 60 s window
      -- holds at most burst + per_minute takes.
      CREATE FUNCTION relay.take_token(p_key bytea, p_per_minute double precision, p_burst double precision)
      RETURNS double precision LANGUAGE plpgsql AS $$
      DECLARE
        b relay.rate_buckets;
        t timestamptz;
        avail double precision;
        rate double precision := p_per_minute / 60.0;
      BEGIN
        SELECT * INTO b FROM relay.rate_buckets WHERE key_hash = p_key FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO relay.rate_buckets (key_hash, tokens, refilled_at) VALUES (p_key, p_burst, clock_timestamp())
          ON CONFLICT (key_hash) DO NOTHING;
          SELECT * INTO b FROM relay.rate_buckets WHERE key_hash = p_key FOR UPDATE;
        END IF;
        -- Read the clock after the lock: holders then see time move forward only.
        t := clock_timestamp();
        IF b.blocked_until IS NOT NULL AND b.blocked_until > t THEN
          -- The bucket restarts empty when the block ends (block_key).
          RETURN extract(epoch FROM b.blocked_until - t) + GREATEST(0, 1 - b.tokens) / rate;
        END IF;
        t := GREATEST(t, b.refilled_at);
        avail := LEAST(p_burst, b.tokens + extract(epoch FROM t - b.refilled_at) * rate);
        IF avail >= 1 THEN
          UPDATE relay.rate_buckets SET tokens = avail - 1, refilled_at = t, blocked_until = NULL WHERE key_hash = p_key;
          RETURN 0;
        END IF;
        UPDATE relay.rate_buckets SET tokens = avail, refilled_at = t WHERE key_hash = p_key;
        RETURN (1 - avail) / rate;
      END $$;
      -- A 429: nobody sends on this key before p_until, and the bucket restarts empty then.
      CREATE FUNCTION relay.block_key(p_key bytea, p_seconds double precision)
      RETURNS timestamptz LANGUAGE sql AS $$
        INSERT INTO relay.rate_buckets AS b (key_hash, tokens, refilled_at, blocked_until)
        VALUES (p_key, 0, clock_timestamp() + make_interval(secs => p_seconds), clock_timestamp() + make_interval(secs => p_seconds))
        ON CONFLICT (key_hash) DO UPDATE SET
          tokens = 0,
          blocked_until = GREATEST(b.blocked_until, EXCLUDED.blocked_until),
          refilled_at = GREATEST(b.refilled_at, b.blocked_until, EXCLUDED.blocked_until)
        RETURNING blocked_until
      $$;
    `,
  },
  {
    name: "relay/002-webhook-ids",
    // PagerDuty retries a webhook for 48 h; ids are kept at least 72 h (pruned by the maintenance job).
    sql: `
      CREATE TABLE relay.webhook_ids (
        webhook_id text PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_ids_received_at ON relay.webhook_ids (received_at);
    `,
  },
  {
    name: "relay/003-store",
    // The RelayStore's tables (the same as the SQLite store's, relay/store/sqlite.ts), and the
    // numbers the outbox gives its jobs (pg-boss's ids are UUIDs; the relay's are integers).
    sql: `
      CREATE SEQUENCE relay.job_numbers;
      CREATE TABLE relay.alerts (
        route_id text NOT NULL,
        alert_id text NOT NULL,
        project_id text NOT NULL,
        dedup_key text NOT NULL,
        alert_config_id text,
        status text NOT NULL,
        acknowledged boolean NOT NULL,
        acknowledged_until text,
        inform boolean NOT NULL,
        updated_ms bigint NOT NULL,
        rank int NOT NULL,
        last_event text NOT NULL,
        pd_state text NOT NULL DEFAULT 'none',
        acked_by_relay boolean NOT NULL DEFAULT false,
        facts jsonb NOT NULL,
        first_status text NOT NULL,
        created_at bigint NOT NULL,
        changed_at bigint NOT NULL,
        PRIMARY KEY (route_id, alert_id)
      );
      CREATE INDEX alerts_dedup ON relay.alerts (dedup_key);
      CREATE INDEX alerts_changed ON relay.alerts (changed_at);
      CREATE TABLE relay.served_configs (route_id text NOT NULL, alert_config_id text NOT NULL, first_seen bigint NOT NULL, PRIMARY KEY (route_id, alert_config_id));
      CREATE TABLE relay.intake_dead_letters (id bigserial PRIMARY KEY, route_id text NOT NULL, reason text NOT NULL, event text NOT NULL, project_id text, alert_id text, received_at bigint NOT NULL);
      CREATE TABLE relay.sent (id bigserial PRIMARY KEY, route_id text NOT NULL, alert_id text NOT NULL, action text NOT NULL, at bigint NOT NULL);
      CREATE TABLE relay.reconciled (route_id text PRIMARY KEY, at bigint NOT NULL, repairs int NOT NULL);
      CREATE TABLE relay.settings (key text PRIMARY KEY, value text NOT NULL);
    `,
  },
  {
    name: "relay/004-pd-attempted",
    // The action whose send started and whose outcome is not recorded yet (domain/state mayHaveIncident).
    sql: "ALTER TABLE relay.alerts ADD COLUMN pd_attempted text CHECK (pd_attempted IN ('trigger','acknowledge','resolve'));",
  },
  {
    name: "relay/005-pd-refused",
    // The action PagerDuty refused (400) for the alert's current state (AlertRecord.pdRefused).
    sql: "ALTER TABLE relay.alerts ADD COLUMN pd_refused text CHECK (pd_refused IN ('trigger','acknowledge','resolve'));",
  },
  {
    name: "relay/006-ack-timed-out",
    // PagerDuty's acknowledgement timed out: no acknowledgement again until PagerDuty's own (AlertRecord.ackTimedOut).
    sql: "ALTER TABLE relay.alerts ADD COLUMN ack_timed_out boolean NOT NULL DEFAULT false;",
  },
  {
    name: "relay/007-retention",
    // Retention (pruneRetained): when a webhook last named a served configuration; dead letters by age.
    sql: `
      ALTER TABLE relay.served_configs ADD COLUMN last_seen bigint;
      UPDATE relay.served_configs SET last_seen = first_seen;
      CREATE INDEX intake_dead_letters_received ON relay.intake_dead_letters (received_at);
    `,
  },
];
