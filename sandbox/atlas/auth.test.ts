import { request } from "../../test/support/fetch";
import { DigestClient, digestAuthorization, parseChallenge } from "../../test/support/atlas/digest-client";
import { CREDS, PD_KEY, startAtlas, V1, type AtlasHarness } from "../../test/support/atlas/harness";

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

describe("authentication", () => {
  let sb: AtlasHarness;
  const list = () => `/api/atlas/v2/groups/${sb.groupId}/integrations`;

  beforeEach(async () => {
    sb = await startAtlas({ tokenTtlSeconds: 600 });
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  async function token(auth: string, body = "grant_type=client_credentials") {
    return request(`${sb.url}/api/oauth/token`, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  }

  it("issues client-credentials tokens that expire with the clock", async () => {
    const t = await token(basic(CREDS.clientId, CREDS.clientSecret));
    expect(t.status).toBe(200);
    expect(t.headers.get("cache-control")).toBe("no-store");
    expect(t.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 600 });
    const get = (tok: string) => fetch(sb.url + list(), { headers: { accept: V1, authorization: `Bearer ${tok}` } });
    expect((await get(t.body.access_token)).status).toBe(200);

    sb.clock.advance(599_000);
    expect((await get(t.body.access_token)).status).toBe(200);
    sb.clock.advance(1_000);
    const expired = await get(t.body.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer realm="MMS Public API", error="invalid_token"/);
    expect(await expired.json()).toMatchObject({ error: 401, errorCode: "UNAUTHORIZED", reason: "Unauthorized" });
    expect((await get("not-a-token")).status).toBe(401);

    // Revoked tokens stop working at once.
    const t2 = await token(basic(CREDS.clientId, CREDS.clientSecret));
    const rv = await fetch(`${sb.url}/api/oauth/revoke`, {
      method: "POST",
      headers: { authorization: basic(CREDS.clientId, CREDS.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: `token=${encodeURIComponent(t2.body.access_token)}`,
    });
    expect(rv.status).toBe(200);
    expect((await get(t2.body.access_token)).status).toBe(401);
  });

  it("refuses bad client credentials and grants (RFC 6749 errors)", async () => {
    const bad = await token(basic(CREDS.clientId, "wrong"));
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    expect((await token("")).status).toBe(401);
    const grant = await token(basic(CREDS.clientId, CREDS.clientSecret), "grant_type=password");
    expect(grant).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    const none = await token(basic(CREDS.clientId, CREDS.clientSecret), "");
    expect(none).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("challenges unauthenticated requests with Atlas's Digest header", async () => {
    const res = await fetch(sb.url + list(), { headers: { accept: V1 } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/);
    expect(res.headers.get("x-error-code")).toBe("UNAUTHORIZED");
    expect(await res.json()).toEqual({
      detail: "You are not authorized for this resource.",
      error: 401,
      errorCode: "UNAUTHORIZED",
      parameters: [],
      reason: "Unauthorized",
    });
    // Basic is not an API scheme.
    const b = await fetch(sb.url + list(), { headers: { accept: V1, authorization: basic(CREDS.publicKey, CREDS.privateKey) } });
    expect(b.status).toBe(401);
  });

  it("accepts HTTP Digest with the API key pair, refuses replays and wrong keys, renews stale nonces", async () => {
    const client = new DigestClient(sb.url, CREDS.publicKey, CREDS.privateKey);
    const first = await client.fetch(list(), { headers: { accept: V1 } });
    expect(first.status).toBe(200);
    const post = await client.fetch(`${list()}/PAGER_DUTY?pageNum=1`, {
      method: "POST",
      headers: { accept: V1, "content-type": V1 },
      body: JSON.stringify({ type: "PAGER_DUTY", serviceKey: PD_KEY }),
    });
    expect(post.status).toBe(200);
    // The nonce is reused with a growing count, then expires: stale=true makes the client retry.
    sb.clock.advance(10 * 60_000);
    expect((await client.fetch(list(), { headers: { accept: V1 } })).status).toBe(200);

    const challenge = parseChallenge((await fetch(sb.url + list(), { headers: { accept: V1 } })).headers.get("www-authenticate")!);
    const auth = digestAuthorization(challenge, CREDS.publicKey, CREDS.privateKey, "GET", list());
    expect((await fetch(sb.url + list(), { headers: { accept: V1, authorization: auth } })).status).toBe(200);
    const replay = await fetch(sb.url + list(), { headers: { accept: V1, authorization: auth } });
    expect(replay.status).toBe(401);
    const otherUri = digestAuthorization(challenge, CREDS.publicKey, CREDS.privateKey, "GET", "/api/atlas/v2/alertConfigs/matchers/fieldNames", 7);
    expect((await fetch(sb.url + list(), { headers: { accept: V1, authorization: otherUri } })).status).toBe(401);

    const wrong = new DigestClient(sb.url, CREDS.publicKey, "not-the-private-key");
    const denied = await wrong.fetch(list(), { headers: { accept: V1 } });
    expect(denied.status).toBe(401);
    expect((await denied.json()) as object).toMatchObject({ errorCode: "UNAUTHORIZED" });
  });

  it("protects the sandbox routes too", async () => {
    const anon = await fetch(`${sb.url}/sandbox/groups`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anon.status).toBe(401);
    const create = (body: object) =>
      fetch(`${sb.url}/sandbox/groups`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basic("x", "y") },
        body: JSON.stringify(body),
      });
    expect((await create({})).status).toBe(401);
    const tok = await sb.token();
    const mk = (body: object) =>
      fetch(`${sb.url}/sandbox/groups`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tok}` },
        body: JSON.stringify(body),
      });
    const made = await mk({ id: "6a0000000000000000000002", name: "payments" });
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ id: "6a0000000000000000000002", name: "payments", orgId: expect.stringMatching(/^[a-f0-9]{24}$/) });
    expect((await mk({ id: "6a0000000000000000000002" })).status).toBe(200);
    expect((await mk({ id: "NOT-HEX" })).status).toBe(400);
    const fresh = await mk({});
    expect(fresh.status).toBe(201);
    const g = (await fresh.json()) as { id: string };
    expect((await sb.api("GET", `/api/atlas/v2/groups/${g.id}/integrations`)).status).toBe(200);
  });
});
