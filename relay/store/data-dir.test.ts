import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import pino from "pino";
import { migrate, openDb } from "../../lib/sqlite";
import { adoptLegacyDatabase, DataDirLockedError, lockDataDir, openSqliteStore, readOwner } from "./data-dir";
import { MIGRATIONS } from "./sqlite";

const silent = pino({ level: "silent" });
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-data-dir-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Another process holding the lock the way a relay does (an open EXCLUSIVE transaction on relay.lock). */
async function otherHolder(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const code = `const {DatabaseSync}=require("node:sqlite");const db=new DatabaseSync(${JSON.stringify(path.join(dir, "relay.lock"))});db.exec("BEGIN EXCLUSIVE");console.log("locked");setInterval(()=>{},1000);`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "" } });
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", () => resolve());
    child.once("exit", (c) => reject(new Error(`holder exited ${c}`)));
  });
  fs.writeFileSync(path.join(dir, "relay.lock.owner"), JSON.stringify({ pid: child.pid, host: "elsewhere", since: "2026-01-01T00:00:00Z" }));
  return {
    pid: child.pid!,
    kill: () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGKILL");
      }),
  };
}

describe("the data dir lock", () => {
  it("is exclusive: a second taker waits its bound, then fails naming the holder's pid", async () => {
    const lock = await lockDataDir(dir, { waitMs: 0 });
    expect(readOwner(dir)).toMatchObject({ pid: process.pid, host: os.hostname() });
    const waits: unknown[] = [];
    const started = Date.now();
    const err = await lockDataDir(dir, { waitMs: 300, pollMs: 50, onWait: (o) => waits.push(o) }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toMatch(/One relay process per SQLite data dir/);
    expect(waits).toEqual([expect.objectContaining({ pid: process.pid })]);
    lock.release();
    lock.release(); // idempotent
    (await lockDataDir(dir, { waitMs: 0 })).release();
  });

  it("hands over to a waiter when the holder lets go within the wait (a rolling restart)", async () => {
    const first = await lockDataDir(dir, { waitMs: 0 });
    setTimeout(() => first.release(), 200);
    const second = await lockDataDir(dir, { waitMs: 5_000, pollMs: 20 });
    second.release();
  });

  it("is held against another process, and freed when that process is killed (no stale lock after SIGKILL)", async () => {
    const holder = await otherHolder();
    try {
      const err = await lockDataDir(dir, { waitMs: 100, pollMs: 20 }).catch((e) => e);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect(err.message).toContain(`pid ${holder.pid} on elsewhere`);
    } finally {
      await holder.kill();
    }
    (await lockDataDir(dir, { waitMs: 0 })).release();
  });

  it("is taken before the database is opened: a store cannot open while another process holds it", async () => {
    const holder = await otherHolder();
    try {
      await expect(openSqliteStore(dir, { waitMs: 100, log: silent })).rejects.toThrow(`pid ${holder.pid}`);
      expect(fs.existsSync(path.join(dir, "relay.sqlite"))).toBe(false);
    } finally {
      await holder.kill();
    }
    const store = await openSqliteStore(dir, { waitMs: 0, log: silent });
    await expect(lockDataDir(dir, { waitMs: 0 })).rejects.toBeInstanceOf(DataDirLockedError);
    await store.close();
    (await lockDataDir(dir, { waitMs: 0 })).release();
  });
});

describe("an older relay's sandbox.sqlite", () => {
  const legacy = (migrations: ReadonlyArray<{ name: string; sql: string }>) => {
    const db = openDb(dir);
    migrate(db, migrations);
    db.exec("INSERT INTO relay_settings (key, value) VALUES ('k', 'kept')");
    db.close();
  };

  it("is moved to relay.sqlite, its WAL folded in, while the lock is held", async () => {
    const db = openDb(dir);
    migrate(db, MIGRATIONS);
    // Left open with the row only in the WAL (as a killed relay leaves it), then copied aside as a crash would leave it.
    db.exec("PRAGMA wal_autocheckpoint = 0; INSERT INTO relay_settings (key, value) VALUES ('k', 'kept')");
    for (const f of ["sandbox.sqlite", "sandbox.sqlite-wal"]) fs.copyFileSync(path.join(dir, f), path.join(dir, `${f}.crash`));
    db.close();
    for (const f of ["sandbox.sqlite", "sandbox.sqlite-wal"]) fs.renameSync(path.join(dir, `${f}.crash`), path.join(dir, f));
    expect(fs.statSync(path.join(dir, "sandbox.sqlite-wal")).size).toBeGreaterThan(0);
    const store = await openSqliteStore(dir, { waitMs: 0, log: silent });
    try {
      expect(await store.getSetting("k")).toBe("kept");
      expect(fs.readdirSync(dir).filter((f) => f.startsWith("sandbox.sqlite"))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("is left alone when it also holds the sandbox's tables: the start fails saying to separate them", async () => {
    legacy([...MIGRATIONS, { name: "atlas/001-integrations", sql: "CREATE TABLE x (y TEXT)" }]);
    const lock = await lockDataDir(dir, { waitMs: 0 });
    try {
      expect(() => adoptLegacyDatabase(lock)).toThrow(/holds the relay's state and the sandbox's \(atlas\/001-integrations\).*separate data dirs/);
      expect(fs.existsSync(path.join(dir, "sandbox.sqlite"))).toBe(true);
    } finally {
      lock.release();
    }
  });

  it("is not touched when it is the sandbox's alone, or when relay.sqlite exists", async () => {
    const lock = await lockDataDir(dir, { waitMs: 0 });
    try {
      const db = openDb(dir);
      migrate(db, [{ name: "atlas/001-integrations", sql: "CREATE TABLE x (y TEXT)" }]);
      db.close();
      expect(adoptLegacyDatabase(lock)).toBe(false);
      fs.rmSync(path.join(dir, "sandbox.sqlite"));
      legacy(MIGRATIONS);
      openDb(dir, "relay.sqlite").close();
      expect(adoptLegacyDatabase(lock)).toBe(false);
      expect(fs.existsSync(path.join(dir, "sandbox.sqlite"))).toBe(true);
    } finally {
      lock.release();
    }
  });
});
