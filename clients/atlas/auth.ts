import * as crypto from "node:crypto";
/**
 * Atlas authentication: service-account OAuth (client credentials, cached
 * Bearer token) and legacy API keys over HTTP Digest (RFC 7616).
 */
import type { Dispatcher } from "undici";
import { HttpClient } from "../http/client";
import type { AuthRequest, AuthResponse, Authenticator } from "../http/client";
import { UpstreamError } from "../http/errors";
import type { RetryPolicy } from "../http/retry";
import { ATLAS_API } from "./api";

export interface ServiceAccountAuthOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Merged over defaultRetryPolicy(). */
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Refresh this long before expiry. Default 60000. */
  refreshEarlyMs?: number;
  /** undici Dispatcher for every request (connection pool, proxy, interceptors). Default: undici's global one. */
  dispatcher?: Dispatcher;
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  token_type?: string;
}

/**
 * OAuth 2.0 client credentials: `POST {baseUrl}/api/oauth/token` with Basic
 * clientId:clientSecret and `grant_type=client_credentials`. The token is
 * cached until `refreshEarlyMs` before it expires; concurrent callers share
 * one token request; a 401 drops the cached token (the client retries once).
 */
export class ServiceAccountAuth implements Authenticator {
  private readonly http: HttpClient;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly now: () => number;
  private readonly refreshEarlyMs: number;
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** Number of tokens fetched (observability and tests). */
  tokensFetched: number;

  constructor(opts: ServiceAccountAuthOptions) {
    this.clientId = opts.clientId;
    this.clientSecret = opts.clientSecret;
    this.now = opts.now ?? (() => Date.now());
    this.refreshEarlyMs = opts.refreshEarlyMs ?? 60_000;
    this.tokensFetched = 0;
    this.token = undefined;
    this.pending = undefined;
    this.http = new HttpClient({
      ...ATLAS_API,
      dispatcher: opts.dispatcher,
      baseUrl: opts.baseUrl,
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      sleep: opts.sleep,
      secrets: [opts.clientSecret],
    });
  }

  secrets(): string[] {
    return [this.clientSecret, ...(this.token ? [this.token.value] : [])];
  }

  async headers(_req: AuthRequest): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.accessToken()}` };
  }

  async onUnauthorized(_res: AuthResponse, _req: AuthRequest): Promise<boolean> {
    this.token = undefined;
    return true;
  }

  /** Drops the cached token. */
  invalidate(): void {
    this.token = undefined;
  }

  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt - this.refreshEarlyMs) return this.token.value;
    if (!this.pending) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`, "utf8").toString("base64");
    const started = this.now();
    const res = await this.http.request<TokenResponse>({
      method: "POST",
      path: "/api/oauth/token",
      body: { grant_type: "client_credentials" },
      contentType: "application/x-www-form-urlencoded",
      accept: "application/json",
      headers: { authorization: `Basic ${basic}` },
      // Asking for a token twice is harmless.
      idempotent: true,
      expect: [200],
      action: "the service account token request",
    });
    const value = res.body?.access_token;
    if (typeof value !== "string" || value === "") {
      throw new UpstreamError("Atlas Administration API answered the service account token request without an access_token.", {
        code: "UNAVAILABLE",
        service: ATLAS_API.service,
        status: res.status,
        method: "POST",
        path: "/api/oauth/token",
        attempts: res.attempts,
        secrets: this.secrets(),
      });
    }
    const expiresIn = Number(res.body.expires_in);
    const ttlMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
    this.token = { value, expiresAt: started + ttlMs };
    this.tokensFetched++;
    return value;
  }
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** "auth" when offered; undefined for RFC 2069 servers. */
  qop?: string;
  algorithm: string;
  stale: boolean;
}

/** Parses the Digest challenge of a WWW-Authenticate header (possibly among other schemes). */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    const at = value.search(/\bDigest\s/i);
    if (at < 0) continue;
    const rest = value.slice(at + 6);
    const params: Record<string, string> = {};
    const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest))) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
    if (!params.nonce) continue;
    const qops = (params.qop ?? "").split(",").map((q) => q.trim().toLowerCase());
    return {
      realm: params.realm ?? "",
      nonce: params.nonce,
      opaque: params.opaque,
      qop: qops.includes("auth") ? "auth" : undefined,
      algorithm: params.algorithm ?? "MD5",
      stale: /^true$/i.test(params.stale ?? ""),
    };
  }
  return undefined;
}

export interface DigestResponseInput {
  username: string;
  password: string;
  method: string;
  uri: string;
  challenge: DigestChallenge;
  nc: number;
  cnonce: string;
}

/** The Authorization header value answering a Digest challenge (MD5, MD5-sess, SHA-256, SHA-256-sess). */
export function digestAuthorization(input: DigestResponseInput): string {
  const { username, password, method, uri, challenge, cnonce } = input;
  const alg = challenge.algorithm.toUpperCase();
  const hashName = alg.startsWith("SHA-256") ? "sha256" : "md5";
  const h = (s: string) => crypto.createHash(hashName).update(s, "utf8").digest("hex");
  const nc = input.nc.toString(16).padStart(8, "0");
  let ha1 = h(`${username}:${challenge.realm}:${password}`);
  if (alg.endsWith("-SESS")) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${method.toUpperCase()}:${uri}`);
  const response = challenge.qop ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`) : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const q = (s: string) => `"${s.replace(/(["\\])/g, "\\$1")}"`;
  const parts = [
    `username=${q(username)}`,
    `realm=${q(challenge.realm)}`,
    `nonce=${q(challenge.nonce)}`,
    `uri=${q(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${q(response)}`,
  ];
  if (challenge.qop) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${q(challenge.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}

/**
 * HTTP Digest for Atlas API keys (public key = user, private key = password).
 * The first request goes out unauthenticated and answers the 401 challenge;
 * later requests reuse the nonce with an incrementing nc; a stale=true or new
 * nonce challenge replaces it.
 */
export class DigestAuth implements Authenticator {
  private readonly username: string;
  private readonly password: string;
  private challenge: DigestChallenge | undefined;
  private nc: number;

  constructor(opts: { username: string; password: string }) {
    this.username = opts.username;
    this.password = opts.password;
    this.challenge = undefined;
    this.nc = 0;
  }

  secrets(): string[] {
    return [this.password];
  }

  async headers(req: AuthRequest): Promise<Record<string, string>> {
    if (!this.challenge) return {};
    this.nc++;
    req.scratch.digestNonce = this.challenge.nonce;
    return {
      authorization: digestAuthorization({
        username: this.username,
        password: this.password,
        method: req.method,
        uri: req.target,
        challenge: this.challenge,
        nc: this.nc,
        cnonce: crypto.randomBytes(16).toString("hex"),
      }),
    };
  }

  async onUnauthorized(res: AuthResponse, req: AuthRequest): Promise<boolean> {
    const challenge = parseDigestChallenge(res.headers["www-authenticate"]);
    if (!challenge) return false;
    // This request answered this very nonce and it is not stale: the credentials were refused.
    if (req.scratch.digestNonce === challenge.nonce && !challenge.stale) return false;
    if (this.challenge?.nonce !== challenge.nonce) {
      this.challenge = challenge;
      this.nc = 0;
    }
    return true;
  }
}
