import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openDb } from "./sqlite";

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe("openDb data files", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-mode-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates the directory 0700 and the database with its WAL and shared-memory files 0600 (they hold every credential)", () => {
    const dataDir = path.join(dir, "data");
    const db = openDb(dataDir);
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('secret')");
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ["sandbox.sqlite", "sandbox.sqlite-wal", "sandbox.sqlite-shm"]) expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
    } finally {
      db.close();
    }
  });

  it("tightens a database file an older version left world-readable", () => {
    const file = path.join(dir, "sandbox.sqlite");
    openDb(dir).close();
    fs.chmodSync(file, 0o644);
    const db = openDb(dir);
    db.close();
    expect(mode(file)).toBe(0o600);
  });
});
