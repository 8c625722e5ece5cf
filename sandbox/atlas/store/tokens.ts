import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../../../lib/sqlite";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * OAuth access tokens. Only their SHA-256 is stored, so the database holds no
 * usable bearer credential; tokens survive a restart like real ones do.
 */
export class TokenStore {
  constructor(private readonly db: Db) {}

  issue(clientId: string, nowMs: number, ttlSeconds: number): string {
    const token = randomBytes(32).toString("base64url");
    this.db.prepare("DELETE FROM atlas_oauth_tokens WHERE expires_at <= ?").run(nowMs);
    this.db
      .prepare("INSERT INTO atlas_oauth_tokens (token_hash, client_id, expires_at) VALUES (?, ?, ?)")
      .run(hash(token), clientId, nowMs + ttlSeconds * 1000);
    return token;
  }

  /** The client id of a live token, or undefined (unknown or expired). */
  verify(token: string, nowMs: number): string | undefined {
    const r = this.db.prepare("SELECT client_id, expires_at FROM atlas_oauth_tokens WHERE token_hash = ?").get(hash(token)) as
      | { client_id: string; expires_at: number }
      | undefined;
    if (!r || r.expires_at <= nowMs) return undefined;
    return r.client_id;
  }

  revoke(token: string): void {
    this.db.prepare("DELETE FROM atlas_oauth_tokens WHERE token_hash = ?").run(hash(token));
  }
}
