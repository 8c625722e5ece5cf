import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../config";
import { resolveStoreUrl, storeUrlSecrets } from "./store-url";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-store-url-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string, mode = 0o600) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text, { mode });
  fs.chmodSync(f, mode);
  return f;
};
const issues = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.join("\n");
    throw e;
  }
  return "";
};

describe("the store URL", () => {
  it("refuses a password on the command line, naming RELAY_STORE and --store-password-file, without echoing it", () => {
    const msg = issues(() => resolveStoreUrl({ flag: "postgres://relay:s3cret-pw@db:5432/relay" }));
    expect(msg).toMatch(/--store: the URL carries a password.*RELAY_STORE.*--store-password-file/);
    expect(msg).not.toContain("s3cret-pw");
  });

  it.each([
    ["RELAY_STORE with a password", { env: "postgres://relay:pw@db:5432/relay" }, "postgres://relay:pw@db:5432/relay"],
    ["--store without one", { flag: "postgres://relay@db:5432/relay" }, "postgres://relay@db:5432/relay"],
    ["sqlite", { flag: "sqlite" }, "sqlite"],
    ["nothing", {}, undefined],
  ])("takes %s", (_n, sources, want) => {
    expect(resolveStoreUrl(sources)).toEqual({ url: want, warnings: [] });
  });

  it("puts the password from --store-password-file into the URL (trimmed, encoded), warning when the file is world-readable", () => {
    const tight = file("pw", "p@ss word\n");
    expect(resolveStoreUrl({ flag: "postgres://relay@db:5432/relay", passwordFile: tight })).toEqual({
      url: "postgres://relay:p%40ss%20word@db:5432/relay",
      warnings: [],
    });
    const loose = file("pw-loose", "pw", 0o644);
    expect(resolveStoreUrl({ env: "postgres://relay@db/relay", passwordFile: loose }).warnings).toEqual([
      `--store-password-file: ${loose} is readable by every user (mode 644); chmod 600 it`,
    ]);
  });

  it.each([
    ["an empty password file", { flag: "postgres://relay@db/relay", passwordFile: "EMPTY" }, /is empty/],
    ["a missing password file", { flag: "postgres://relay@db/relay", passwordFile: "/nonexistent/pw" }, /cannot read \/nonexistent\/pw \(ENOENT\)/],
    ["a password twice", { env: "postgres://relay:pw@db/relay", passwordFile: "EMPTY" }, /already carries a password/],
    ["a password file without PostgreSQL", { flag: "sqlite", passwordFile: "EMPTY" }, /only for a postgres/],
  ])("names the fix for %s", (_n, s, want) => {
    const sources = { ...s, passwordFile: s.passwordFile === "EMPTY" ? file("empty", " \n") : s.passwordFile };
    expect(issues(() => resolveStoreUrl(sources))).toMatch(want);
  });

  it("gives the logger the userinfo and the password whatever their length", () => {
    expect(storeUrlSecrets("postgres://u:p@db/relay")).toEqual(["u:p", "p"]);
    expect(storeUrlSecrets("postgres://relay:p%40ss@db/relay")).toEqual(["relay:p%40ss", "relay:p@ss", "p@ss", "p%40ss"]);
    expect(storeUrlSecrets("postgres://db/relay")).toEqual([]);
    expect(storeUrlSecrets("sqlite")).toEqual([]);
  });
});
