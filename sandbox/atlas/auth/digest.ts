import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Clock } from "../../../lib/clock";
import { safeEqual } from "./safe-equal";

/** Atlas's Digest realm (legacy programmatic API keys). */
export const DIGEST_REALM = "MMS Public API";

/** How long a nonce stays fresh; older ones get `stale=true` so clients retry without asking the user. */
const NONCE_TTL_MS = 5 * 60_000;

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** Splits `Digest a="b", c=d` into its parameters (quoted strings may contain commas). */
export function parseDigest(header: string | undefined): Record<string, string> | undefined {
  const m = /^Digest\s+(.*)$/is.exec(header ?? "");
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[1]))) out[part[1].toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, "$1") : part[3];
  return out;
}

export type DigestResult = "ok" | "stale" | "bad";

/**
 * RFC 7616 Digest with MD5 and qop=auth, as Atlas does it. Nonces are
 * stateless (issue time + HMAC), so they survive nothing but need no storage;
 * nonce counts are remembered to refuse replays.
 */
export class DigestAuth {
  private readonly key = randomBytes(32);
  private readonly seen = new Map<string, { nc: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly username: string,
    private readonly password: string,
  ) {}

  challenge(stale: boolean): string {
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${this.nonce()}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  private nonce(): string {
    const at = this.clock.now().getTime().toString(36);
    const salt = randomBytes(8).toString("hex");
    return Buffer.from(`${at}.${salt}.${this.sign(`${at}.${salt}`)}`).toString("base64");
  }

  private sign(s: string): string {
    return createHmac("sha256", this.key).update(s).digest("hex").slice(0, 32);
  }

  /** Checks one Authorization header for `method uri`. */
  verify(header: string | undefined, method: string, uri: string): DigestResult {
    const p = parseDigest(header);
    if (!p?.username || !p.nonce || !p.uri || !p.response) return "bad";
    if (p.realm !== DIGEST_REALM) return "bad";
    if (p.algorithm && p.algorithm.toUpperCase() !== "MD5") return "bad";
    if (p.qop !== "auth" || !p.nc || !p.cnonce || !/^[0-9a-f]{8}$/i.test(p.nc)) return "bad";
    if (p.uri !== uri) return "bad";
    const issued = this.nonceTime(p.nonce);
    if (issued === undefined) return "bad";
    if (!safeEqual(p.username, this.username)) return "bad";
    const ha1 = md5(`${p.username}:${DIGEST_REALM}:${this.password}`);
    const ha2 = md5(`${method}:${p.uri}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    if (!safeEqual(p.response.toLowerCase(), expected)) return "bad";
    const now = this.clock.now().getTime();
    if (now - issued > NONCE_TTL_MS || issued - now > NONCE_TTL_MS) return "stale";
    // A nonce count must grow: a repeated (nonce, nc) is a replay.
    const nc = parseInt(p.nc, 16);
    const prev = this.seen.get(p.nonce);
    if (prev && nc <= prev.nc) return "bad";
    this.seen.set(p.nonce, { nc, at: now });
    this.prune(now);
    return "ok";
  }

  private nonceTime(nonce: string): number | undefined {
    const [at, salt, sig] = Buffer.from(nonce, "base64").toString("utf8").split(".");
    if (!at || !salt || !sig || !safeEqual(sig, this.sign(`${at}.${salt}`))) return undefined;
    const t = parseInt(at, 36);
    return Number.isFinite(t) ? t : undefined;
  }

  private prune(now: number): void {
    if (this.seen.size < 1000) return;
    for (const [k, v] of this.seen) if (now - v.at > NONCE_TTL_MS) this.seen.delete(k);
  }
}
