import { randomBytes } from "node:crypto";
import type { AtlasCredentials } from "./atlas";
import { migrate, type Db } from "../lib/sqlite";

export interface SandboxSecrets {
  credentials: AtlasCredentials;
  pagerdutyToken: string;
}

/**
 * The sandbox's credentials: given ones win; missing ones are generated once
 * and kept in the database, so a restarted sandbox accepts the same ones.
 */
export function loadOrCreateSecrets(db: Db, given: Partial<AtlasCredentials> & { pagerdutyToken?: string }): SandboxSecrets {
  migrate(db, [{ name: "sandbox/001-settings", sql: "CREATE TABLE sandbox_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)" }]);
  const read = db.prepare("SELECT value FROM sandbox_settings WHERE name = ?");
  const write = db.prepare("INSERT INTO sandbox_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  const value = (name: string, fixed: string | undefined, make: () => string): string => {
    const v = fixed ?? (read.get(name) as { value?: string } | undefined)?.value ?? make();
    write.run(name, v);
    return v;
  };
  const hex = (n: number) => () => randomBytes(n).toString("hex");
  return {
    credentials: {
      clientId: value("clientId", given.clientId, () => `mdb_sa_id_${hex(12)()}`),
      clientSecret: value("clientSecret", given.clientSecret, () => `mdb_sa_sk_${hex(20)()}`),
      publicKey: value("publicKey", given.publicKey, () => hex(4)()),
      privateKey: value("privateKey", given.privateKey, () => [hex(4)(), hex(2)(), hex(2)(), hex(2)(), hex(6)()].join("-")),
    },
    pagerdutyToken: value("pagerdutyToken", given.pagerdutyToken, () => `u+${randomBytes(15).toString("base64url")}`),
  };
}
