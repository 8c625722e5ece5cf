import { Pool, type PoolClient, type PoolConfig } from "pg";

/**
 * PostgreSQL helpers shared by whoever stores state there (the relay's
 * scale-out store): one pool, one transaction helper, one migration runner that
 * is safe when several processes start at once.
 */
export type PgPool = Pool;
export type PgClient = PoolClient;

export interface PoolOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Give up connecting after this long (default 5 s), so a down server surfaces as an error, not a hang. */
  connectionTimeoutMillis?: number;
}

/** A pool for `url`; idle-client errors (a restarted server) are absorbed: the next query reconnects. */
export function openPool(url: string, options: PoolOptions = {}): PgPool {
  const config: PoolConfig = {
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
  };
  const pool = new Pool(config);
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on("error", () => undefined);
  return pool;
}

/** Runs `fn` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws. */
export async function transaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no error listener of the pool's: a server restart between two
  // statements would otherwise crash the process with an unhandled 'error' event.
  const onError = () => {
    broken = true;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.off("error", onError);
    // A client whose connection failed must not go back to the pool.
    client.release(broken ? true : undefined);
  }
}

export interface PgMigration {
  /** Global name, prefixed with the owning module (`relay/001-rate-buckets`). */
  name: string;
  sql: string;
}

/**
 * Applies each migration once, in order, in one transaction that holds an
 * advisory lock: replicas starting together wait for the first one and then
 * find everything applied. `schema` holds the `schema_migrations` table.
 */
export async function migrate(pool: PgPool, schema: string, migrations: ReadonlyArray<PgMigration>): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  return transaction(pool, async (client) => {
    // Taken before CREATE SCHEMA IF NOT EXISTS, which itself races between sessions.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${schema}.schema_migrations`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${schema}.schema_migrations`);
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query(`INSERT INTO ${schema}.schema_migrations (name) VALUES ($1)`, [m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}
