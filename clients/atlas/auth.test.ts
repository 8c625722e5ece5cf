import * as crypto from "node:crypto";
import { leakedSecrets, recordingSleep, rejection } from "../../test/support/client-checks";
import { FakeServer, type RecordedRequest, type ScriptedResponse } from "../../test/support/fake-server";
import { AtlasClient } from "./client";
import { digestAuthorization, parseDigestChallenge } from "./auth";

const GROUP = "5f0c1a2b3c4d5e6f70819203";
const LIST_PATH = `/api/atlas/v2/groups/${GROUP}/integrations`;
const emptyPage = { status: 200, headers: { "content-type": "application/vnd.atlas.2023-01-01+json" }, body: { links: [], results: [], totalCount: 0 } };

describe("Digest helpers", () => {
  // RFC 7616 section 3.9.1.
  const challenge = parseDigestChallenge(
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  )!;
  const base = {
    username: "Mufasa",
    password: "Circle of Life",
    method: "GET",
    uri: "/dir/index.html",
    nc: 1,
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  };

  test.each([
    ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
    ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
  ])("RFC 7616 example response for %s", (algorithm, expected) => {
    const header = digestAuthorization({ ...base, challenge: { ...challenge, algorithm } });
    expect(header).toContain(`response="${expected}"`);
    expect(header).toContain("nc=00000001");
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
    expect(header).toMatch(/^Digest username="Mufasa", realm="http-auth@example.org"/);
  });

  test("challenge parsing: qop list, stale, other schemes beside it", () => {
    expect(challenge).toMatchObject({ realm: "http-auth@example.org", qop: "auth", algorithm: "MD5", stale: false });
    expect(parseDigestChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n1", qop="auth", stale=TRUE'])).toMatchObject({ nonce: "n1", stale: true });
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
  });
});

/** A Digest-protected endpoint that checks the response hash and nc, and can rotate its nonce. */
function digestEndpoint(user: string, pass: string) {
  const realm = "MMS Public API";
  const state = { nonce: "nonce-1", staleNonces: new Set<string>(), lastNc: new Map<string, number>(), checked: 0 };
  const md5 = (s: string) => crypto.createHash("md5").update(s).digest("hex");
  const challenge = (stale = false): ScriptedResponse => ({
    status: 401,
    headers: { "www-authenticate": `Digest realm="${realm}", domain="", nonce="${state.nonce}", algorithm=MD5, qop="auth", stale=${stale}` },
    body: { error: 401, errorCode: "NOT_ORG_GROUP_CREATOR", detail: "You are not authorized for this resource.", reason: "Unauthorized" },
  });
  const handler = (req: RecordedRequest): ScriptedResponse => {
    const h = String(req.headers.authorization ?? "");
    if (!h.startsWith("Digest ")) return challenge();
    const p: Record<string, string> = {};
    for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
    if (state.staleNonces.has(p.nonce)) return challenge(true);
    if (p.nonce !== state.nonce || p.username !== user || p.realm !== realm || p.uri !== req.url || p.qop !== "auth") return challenge();
    const nc = parseInt(p.nc, 16);
    if (!(nc > (state.lastNc.get(p.nonce) ?? 0))) return challenge();
    const expected = md5(`${md5(`${user}:${realm}:${pass}`)}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${md5(`${req.method}:${req.url}`)}`);
    if (expected !== p.response) return challenge();
    state.lastNc.set(p.nonce, nc);
    state.checked++;
    return emptyPage;
  };
  const rotate = () => {
    state.staleNonces.add(state.nonce);
    state.nonce = `nonce-${state.staleNonces.size + 1}`;
  };
  return { handler, state, rotate };
}

describe("Atlas API keys over HTTP Digest", () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  test("answers the challenge once, then reuses the nonce with incrementing nc; refreshes on stale=true", async () => {
    const privateKey = "c1a2b3c4-d5e6-47f8-9a0b-1c2d3e4f5a6b";
    const ep = digestEndpoint("pubkey01", privateKey);
    server.always("GET", LIST_PATH, ep.handler);
    const atlas = new AtlasClient({ baseUrl: server.url, auth: { kind: "apiKey", publicKey: "pubkey01", privateKey }, sleep: recordingSleep().sleep });

    for (let i = 0; i < 3; i++) expect(await atlas.listIntegrations(GROUP)).toEqual([]);
    expect(ep.state.checked).toBe(3);
    const ncs = server.requests.map((r) => /nc=(\w+)/.exec(String(r.headers.authorization ?? ""))?.[1]);
    expect(ncs).toEqual([undefined, "00000001", "00000002", "00000003"]);
    expect(server.requests[1].url).toBe(`${LIST_PATH}?itemsPerPage=500&pageNum=1`);

    ep.rotate();
    await atlas.listIntegrations(GROUP);
    expect(ep.state.checked).toBe(4);
    expect(server.requests).toHaveLength(6); // stale 401 + answer with the new nonce
    expect(String(server.requests[5].headers.authorization)).toContain('nonce="nonce-2", uri=');
    expect(String(server.requests[5].headers.authorization)).toContain("nc=00000001");
  });

  test("a wrong private key ends in UNAUTHORIZED after one answered challenge, without leaking the key", async () => {
    const ep = digestEndpoint("pubkey01", "the-right-private-key");
    server.always("GET", LIST_PATH, ep.handler);
    const wrong = "the-WRONG-private-key-0123";
    const atlas = new AtlasClient({
      baseUrl: server.url,
      auth: { kind: "apiKey", publicKey: "pubkey01", privateKey: wrong },
      sleep: recordingSleep().sleep,
    });
    const err = await rejection(atlas.listIntegrations(GROUP));
    expect(err).toMatchObject({ code: "UNAUTHORIZED", status: 401, attempts: 2, upstreamCode: "NOT_ORG_GROUP_CREATOR" });
    expect(err.message).toMatch(/Check the Atlas credentials/);
    expect(server.requests).toHaveLength(2);
    expect(leakedSecrets(err, [wrong])).toEqual([]);
  });
});

describe("Atlas service accounts over OAuth", () => {
  let server: FakeServer;
  let issued: string[];
  let revoked: Set<string>;
  const clientId = "mdb_sa_id_0123456789abcdef";
  const clientSecret = "mdb_sa_sk_SECRET_abcdef0123456789";

  beforeEach(async () => {
    server = await FakeServer.start();
    issued = [];
    revoked = new Set();
    server.always("POST", "/api/oauth/token", (req) => {
      const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
      if (req.headers.authorization !== `Basic ${basic}`)
        return { status: 401, body: { error: "invalid_client", error_description: "Invalid client credentials" } };
      if (req.text !== "grant_type=client_credentials" || !String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
        return { status: 400, body: { error: "invalid_request" } };
      }
      const token = `eyJ.token-${issued.length + 1}.sig`;
      issued.push(token);
      return { status: 200, body: { access_token: token, expires_in: 3600, token_type: "Bearer" } };
    });
    server.always("GET", LIST_PATH, (req) => {
      const tok = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      return issued.includes(tok) && !revoked.has(tok)
        ? emptyPage
        : { status: 401, body: { error: 401, errorCode: "UNAUTHORIZED", detail: `token ${tok} is not valid` } };
    });
  });
  afterEach(async () => {
    await server.close();
  });

  function atlasWithClock(secret = clientSecret) {
    const clock = { now: 1_000_000 };
    const atlas = new AtlasClient({
      baseUrl: server.url,
      auth: { kind: "serviceAccount", clientId, clientSecret: secret },
      sleep: recordingSleep().sleep,
      now: () => clock.now,
    });
    return { atlas, clock };
  }

  test("the token is cached across calls (and shared by concurrent ones)", async () => {
    const { atlas } = atlasWithClock();
    await Promise.all([atlas.listIntegrations(GROUP), atlas.listIntegrations(GROUP), atlas.listIntegrations(GROUP)]);
    await atlas.listIntegrations(GROUP);
    expect(issued).toHaveLength(1);
    expect(server.log.filter((l) => l.includes("oauth"))).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === LIST_PATH).every((r) => r.headers.authorization === `Bearer ${issued[0]}`)).toBe(true);
  });

  test("refreshed 60 s before expiry", async () => {
    const { atlas, clock } = atlasWithClock();
    await atlas.listIntegrations(GROUP);
    clock.now += (3600 - 61) * 1000;
    await atlas.listIntegrations(GROUP);
    expect(issued).toHaveLength(1);
    clock.now += 2000; // now 59 s before expiry
    await atlas.listIntegrations(GROUP);
    expect(issued).toHaveLength(2);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${issued[1]}`);
  });

  test("refreshed once on a 401 and the call retried", async () => {
    const { atlas } = atlasWithClock();
    await atlas.listIntegrations(GROUP);
    revoked.add(issued[0]);
    await atlas.listIntegrations(GROUP);
    expect(issued).toHaveLength(2);
    expect(server.log).toEqual(["POST /api/oauth/token", `GET ${LIST_PATH}`, `GET ${LIST_PATH}`, "POST /api/oauth/token", `GET ${LIST_PATH}`]);
  });

  test("a wrong client secret: UNAUTHORIZED from the token endpoint, secret never shown", async () => {
    const wrong = "mdb_sa_sk_WRONG_SECRET_0000000000";
    const { atlas } = atlasWithClock(wrong);
    const err = await rejection(atlas.listIntegrations(GROUP));
    expect(err).toMatchObject({ code: "UNAUTHORIZED", upstreamCode: "invalid_client", detail: "Invalid client credentials", path: "/api/oauth/token" });
    expect(err.message).toMatch(/rejected the service account token request \(401 invalid_client\): Invalid client credentials/);
    expect(leakedSecrets(err, [wrong, clientSecret])).toEqual([]);
  });

  test("a token the API refuses twice: UNAUTHORIZED without the token in the error", async () => {
    const { atlas } = atlasWithClock();
    server.onFirst(
      "GET",
      LIST_PATH,
      (req) => ({ status: 401, body: { error: 401, errorCode: "UNAUTHORIZED", detail: `bad ${req.headers.authorization}` } }),
      (req) => ({
        status: 401,
        body: { error: 401, errorCode: "UNAUTHORIZED", detail: `bad token ${String(req.headers.authorization).slice(7)}` },
      }),
    );
    const err = await rejection(atlas.listIntegrations(GROUP));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(issued).toHaveLength(2);
    expect(leakedSecrets(err, [...issued, clientSecret])).toEqual([]);
  });
});

describe("service account token retries do not multiply with the request's retries", () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.close();
  });
  const atlas = () =>
    new AtlasClient({
      baseUrl: server.url,
      auth: { kind: "serviceAccount", clientId: "mdb_sa_id_x", clientSecret: "mdb_sa_sk_retry_secret" },
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
      sleep: recordingSleep().sleep,
    });

  test("a failing token endpoint is tried maxAttempts times in all; the request itself is never sent", async () => {
    server.always("POST", "/api/oauth/token", { status: 503, body: { error: "unavailable" } });
    server.always("GET", LIST_PATH, emptyPage);
    const err = await rejection(atlas().listIntegrations(GROUP));
    expect(err.status).toBe(503);
    expect(server.log.filter((l) => l.includes("/api/oauth/token"))).toHaveLength(4);
    expect(server.log.filter((l) => l.includes(LIST_PATH))).toHaveLength(0);
  });

  test("a failing API is tried maxAttempts times with one token", async () => {
    server.always("POST", "/api/oauth/token", { status: 200, body: { access_token: "tok", expires_in: 3600 } });
    server.always("GET", LIST_PATH, { status: 503, body: { error: 503, errorCode: "SERVICE_UNAVAILABLE", detail: "down" } });
    await rejection(atlas().listIntegrations(GROUP));
    expect(server.log.filter((l) => l.includes("/api/oauth/token"))).toHaveLength(1);
    expect(server.log.filter((l) => l.includes(LIST_PATH))).toHaveLength(4);
  });
});
