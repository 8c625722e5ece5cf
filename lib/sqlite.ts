import { DatabaseSync, type StatementSync } from "node:sqlite";
import * as fs from "node:fs";
import * as path from "node:path";

/** The sandbox's durable state: one SQLite file per data directory, or memory for tests. */
export type Db = DatabaseSync;

/**
 * Opens (creating if needed) `<dataDir>/<name>` (the sandbox's `sandbox.sqlite` by default, the relay's
 * `relay.sqlite`), or an in-memory database when `dataDir` is undefined.
 */
export function openDb(dataDir?: string, name = "sandbox.sqlite"): Db {
  let file = ":memory:";
  if (dataDir) {
    // The file holds every credential: owner-only (0700 directory, 0600 files; SQLite gives its -wal and -shm
    // files the database file's mode). Files an older version left readable are tightened too.
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = path.join(dataDir, name);
    fs.closeSync(fs.openSync(file, "a", 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
  }
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  return db;
}

const statements = new WeakMap<Db, Map<string, StatementSync>>();

/**
 * `db.prepare(sql)`, compiled once per database and reused: the relay's hot paths run the same few
 * statements for every webhook and job, and compiling them each time was a visible share of its time.
 */
export function prepared(db: Db, sql: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * Applies each named migration once. Names are global, so prefix them with the
 * owning module (`atlas/001-integrations`).
 */
export function migrate(db: Db, migrations: ReadonlyArray<{ name: string; sql: string }>): void {
  const applied = db.prepare("SELECT 1 FROM schema_migrations WHERE name = ?");
  const record = db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
  for (const m of migrations) {
    if (applied.get(m.name)) continue;
    transaction(db, () => {
      db.exec(m.sql);
      record.run(m.name, new Date().toISOString());
    });
  }
}

/** Runs `fn` in one transaction (nested calls join the outer one). */
export function transaction<T>(db: Db, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}
