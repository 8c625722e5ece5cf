/**
 * Credentials for the relay's own pages and endpoints (the status page now, the admin API of
 * issue 17 later): HTTP Basic (user and password) or Bearer (a token), compared in constant time,
 * and failed attempts limited per account, not per client address (behind a proxy every client
 * has the proxy's address). One limiter serves every endpoint that checks credentials.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface LimiterOptions {
  /** Failed attempts an account may make per window (default 10). */
  maxFailures?: number;
  /** The window, and how long an account stays locked once over (default 60 s). */
  windowMs?: number;
  now?: () => number;
}

/**
 * Failed attempts per account: past `maxFailures` in a window the account is locked until the
 * window ends, correct credentials included (or guessing would just go on). Accounts are names the
 * caller chooses: the configured user for Basic, the endpoint's name for a token; every unknown
 * user name shares one account, so guessing names fills no memory and locks no real user.
 */
export class AttemptLimiter {
  private readonly accounts = new Map<string, { failures: number; windowEnds: number }>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(opts: LimiterOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  private entry(account: string) {
    const now = this.now();
    let e = this.accounts.get(account);
    if (!e || e.windowEnds <= now) this.accounts.set(account, (e = { failures: 0, windowEnds: now + this.windowMs }));
    return e;
  }

  /** Milliseconds until `account` may try again (0: now). */
  lockedFor(account: string): number {
    const e = this.entry(account);
    return e.failures >= this.maxFailures ? e.windowEnds - this.now() : 0;
  }

  fail(account: string): void {
    this.entry(account).failures++;
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();
/** Constant time whatever the lengths (both sides hashed first). */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export type Credentials = { kind: "basic"; username: string; password: string } | { kind: "bearer"; account: string; token: string };

/** Which account an Authorization header claims, and whether its secret is right. */
export function checkAuthorization(header: string | undefined, creds: Credentials): { account: string; ok: boolean } | undefined {
  if (creds.kind === "bearer") {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return m ? { account: creds.account, ok: same(m[1], creds.token) } : undefined;
  }
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const given = Buffer.from(m[1], "base64").toString("utf8");
  const colon = given.indexOf(":");
  const user = colon < 0 ? given : given.slice(0, colon);
  const account = same(user, creds.username) ? creds.username : "(unknown user)";
  return { account, ok: same(given, `${creds.username}:${creds.password}`) };
}

/**
 * Answers 401 (no or wrong credentials) or 429 (the account is locked) and returns false, or
 * returns true for the right credentials.
 */
export function authorize(req: FastifyRequest, reply: FastifyReply, creds: Credentials, limiter: AttemptLimiter, realm = "relay"): boolean {
  const claim = checkAuthorization(req.headers.authorization, creds);
  if (claim) {
    const wait = limiter.lockedFor(claim.account);
    if (wait > 0) {
      reply
        .code(429)
        .header("retry-after", String(Math.ceil(wait / 1000)))
        .type("text/plain")
        .send("Too many failed sign-ins for this account; try again later.");
      return false;
    }
    if (claim.ok) return true;
    limiter.fail(claim.account);
  }
  const challenge = creds.kind === "basic" ? `Basic realm="${realm}", charset="UTF-8"` : `Bearer realm="${realm}"`;
  reply.code(401).header("www-authenticate", challenge).type("text/plain").send("Credentials required.");
  return false;
}

/**
 * A state-changing request from a browser must come from the page's own origin: its `Origin` is
 * this request's host (or the relay's public URL's). A missing, `null` or malformed Origin is
 * refused: a form posted from another site carries the browser's saved credentials.
 */
export function sameOrigin(req: FastifyRequest, publicUrl?: string): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin.replace(/\/$/, "")) return false; // an Origin is scheme://host[:port] and nothing else
  if (url.host === req.headers.host) return true;
  try {
    return publicUrl !== undefined && new URL(publicUrl).origin === url.origin;
  } catch {
    return false;
  }
}
