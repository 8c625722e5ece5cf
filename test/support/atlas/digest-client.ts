import { createHash, randomBytes } from "node:crypto";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** Parses a `WWW-Authenticate: Digest ...` challenge. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^\s,]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header.replace(/^Digest\s+/i, "")))) out[m[1].toLowerCase()] = m[2] ?? m[3];
  return out;
}

/** The Authorization header answering `challenge` for `method uri` (RFC 7616, MD5, qop=auth). */
export function digestAuthorization(challenge: Record<string, string>, user: string, password: string, method: string, uri: string, nc = 1): string {
  const cnonce = randomBytes(8).toString("hex");
  const ncHex = nc.toString(16).padStart(8, "0");
  const ha1 = md5(`${user}:${challenge.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${challenge.nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${ncHex}, cnonce="${cnonce}", response="${response}"`;
}

/**
 * A minimal Digest client over fetch: the first request goes without
 * credentials, a 401 challenge is answered, and the nonce is reused (with a
 * growing nonce count) until the server says it is stale.
 */
export class DigestClient {
  private challenge?: Record<string, string>;
  private nc = 0;

  constructor(
    private readonly base: string,
    private readonly user: string,
    private readonly password: string,
  ) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? "GET").toUpperCase();
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers = new Headers(init.headers);
      if (this.challenge) headers.set("authorization", digestAuthorization(this.challenge, this.user, this.password, method, path, ++this.nc));
      const res = await fetch(this.base + path, { ...init, headers });
      const www = res.headers.get("www-authenticate");
      if (res.status !== 401 || !www || !/^Digest/i.test(www)) return res;
      const fresh = parseChallenge(www);
      const retry = !this.challenge || fresh.stale === "true";
      this.challenge = fresh;
      this.nc = 0;
      if (!retry) return res;
      await res.arrayBuffer();
    }
    throw new Error("digest: too many challenges");
  }
}
