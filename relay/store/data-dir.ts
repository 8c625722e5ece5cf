/**
 * One owner per SQLite data directory. Two relays on one data dir page twice: each voids the
 * other's leases and claims the other's in-flight jobs. So before anything touches the database
 * the relay takes an exclusive lock on `{dataDir}/relay.lock`: an SQLite file held in an open
 * EXCLUSIVE transaction, whose POSIX lock the kernel drops when the process dies (even on SIGKILL),
 * so a crash never leaves a stale lock behind. The holder writes its pid to `relay.lock.owner` so
 * whoever waits can name it.
 *
 * A second process waits for the lock for a bounded time (a rolling restart: the old process
 * drains and lets go, the new one takes over), then gives up naming the holder.
 */
import { DatabaseSync } from "node:sqlite";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Logger } from "pino";
import { RELAY_DB_FILE, SqliteRelayStore } from "./sqlite";

const LEGACY_DB_FILE = "sandbox.sqlite";
const LOCK_FILE = "relay.lock";
const OWNER_FILE = "relay.lock.owner";

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  readonly dir: string;
  /** Lets go of the lock (idempotent). */
  release(): void;
}

/** The data dir stayed locked by another process for the whole wait. */
export class DataDirLockedError extends Error {
  readonly code = "DATA_DIR_LOCKED";
  constructor(
    readonly dir: string,
    readonly owner: LockOwner | undefined,
    waitedMs: number,
  ) {
    super(
      `data dir ${dir} is in use by another relay (${owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.since}` : "holder unknown"}); waited ${Math.round(waitedMs / 1000)} s for it. ` +
        "One relay process per SQLite data dir: stop the other one, give this one its own --data-dir, or run several replicas on PostgreSQL (--store).",
    );
    this.name = "DataDirLockedError";
  }
}

export interface LockOptions {
  /** How long to wait for a holder to let go (a rolling restart: its drain time plus a margin). */
  waitMs: number;
  /** Poll interval while waiting (default 200 ms). */
  pollMs?: number;
  /** Called once when the lock is held by someone else and this process starts waiting. */
  onWait?: (owner: LockOwner | undefined) => void;
}

export function readOwner(dir: string): LockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8"));
    return typeof o?.pid === "number" ? o : undefined;
  } catch {
    return undefined;
  }
}

function tryLock(file: string): DatabaseSync | undefined {
  const db = new DatabaseSync(file);
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("BEGIN EXCLUSIVE");
    return db;
  } catch (err) {
    db.close();
    if (/locked|busy/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** Takes the data dir's lock, waiting up to `waitMs` for another holder to let go. */
export async function lockDataDir(dir: string, opts: LockOptions): Promise<DataDirLock> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  const started = Date.now();
  let told = false;
  for (;;) {
    const db = tryLock(file);
    if (db) {
      const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
      fs.writeFileSync(path.join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
      let held = true;
      return {
        dir,
        release() {
          if (!held) return;
          held = false;
          db.close(); // the transaction is rolled back and the lock let go
        },
      };
    }
    if (!told) {
      told = true;
      opts.onWait?.(readOwner(dir));
    }
    const waited = Date.now() - started;
    if (waited >= opts.waitMs) throw new DataDirLockedError(dir, readOwner(dir), waited);
    await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 200, Math.max(1, opts.waitMs - waited))));
  }
}

/**
 * Relays before 0.3 kept their state in `{dataDir}/sandbox.sqlite`. Called while holding the lock:
 * when only that file is there and it holds the relay's tables, it is checkpointed (its WAL folded
 * in) and renamed to `relay.sqlite`. A file that also holds the sandbox's tables is left alone:
 * the two must not share a data dir. Returns true when a file was moved.
 */
export function adoptLegacyDatabase(lock: DataDirLock): boolean {
  const dir = lock.dir;
  const legacy = path.join(dir, LEGACY_DB_FILE);
  const current = path.join(dir, RELAY_DB_FILE);
  if (fs.existsSync(current) || !fs.existsSync(legacy)) return false;
  const db = new DatabaseSync(legacy);
  let names: string[];
  try {
    names = (db.prepare("SELECT name FROM schema_migrations").all() as Array<{ name: string }>).map((r) => r.name);
  } catch {
    db.close();
    return false; // not a database of ours
  }
  if (!names.includes("relay/001-alerts")) {
    db.close();
    return false;
  }
  const foreign = names.filter((n) => !n.startsWith("relay/") && !n.startsWith("outbox/relay_jobs/"));
  if (foreign.length) {
    db.close();
    throw new Error(
      `${legacy} holds the relay's state and the sandbox's (${foreign[0]}): the relay now keeps its own file, ${RELAY_DB_FILE}. ` +
        "Give the sandbox and the relay separate data dirs (copy the file to the relay's new data dir, then start the relay there).",
    );
  }
  // Fold the WAL into the file so the one file moves whole; closing the last connection removes -wal and -shm.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  fs.renameSync(legacy, current);
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${legacy}${suffix}`, { force: true });
  return true;
}

/**
 * The SQLite store of a data dir, as `npm run relay` opens it: the lock first (waiting up to
 * `waitMs`), then a relay's older `sandbox.sqlite` moved, then the database. The store lets go of
 * the lock when it closes. Without a data dir (memory) there is nothing to lock.
 */
export async function openSqliteStore(dataDir: string | undefined, opts: { waitMs: number; log: Logger }): Promise<SqliteRelayStore> {
  if (!dataDir) return new SqliteRelayStore({});
  const lock = await lockDataDir(dataDir, {
    waitMs: opts.waitMs,
    onWait: (owner) =>
      opts.log.warn({ dataDir, holder: owner, waitMs: opts.waitMs }, "the data dir is locked by another relay process; waiting for it to stop"),
  });
  try {
    if (adoptLegacyDatabase(lock)) opts.log.info({ dataDir }, `moved the data dir's sandbox.sqlite to ${RELAY_DB_FILE}`);
    return new SqliteRelayStore({ dataDir, lock });
  } catch (err) {
    lock.release();
    throw err;
  }
}
