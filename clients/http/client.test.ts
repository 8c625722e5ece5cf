import { ATLAS_API } from "../atlas/api";
import { PAGERDUTY_EVENTS_API, PAGERDUTY_REST_API } from "../pagerduty/api";
import { HttpClient } from "./client";
import type { Authenticator } from "./client";
import { leakedSecrets, recordingSleep, rejection } from "../../test/support/client-checks";
import { closedPort, FakeServer } from "../../test/support/fake-server";

const fastRetry = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

describe("HttpClient against a scripted local server", () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
    const rec = recordingSleep();
    const c = new HttpClient({ ...ATLAS_API, baseUrl: server.url, retry: fastRetry, sleep: rec.sleep, random: () => 0.5, ...extra });
    return { c, waits: rec.waits };
  }

  test("encodes query and JSON body, sends accept/content-type, decodes JSON", async () => {
    server.on("POST", "/things", (req) => ({ status: 201, body: { got: req.json, q: req.query.getAll("tag[]") } }));
    const { c } = client({ headers: { "x-default": "yes" } });
    const res = await c.request<{ got: unknown; q: string[] }>({
      method: "POST",
      path: "/things",
      query: { "tag[]": ["a", "b"], skip: undefined, n: 2 },
      body: { hello: "world" },
      accept: "application/vnd.x+json",
      contentType: "application/vnd.x+json",
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ got: { hello: "world" }, q: ["a", "b"] });
    const req = server.requests[0];
    expect(req.url).toBe("/things?tag%5B%5D=a&tag%5B%5D=b&n=2");
    expect(req.headers.accept).toBe("application/vnd.x+json");
    expect(req.headers["content-type"]).toBe("application/vnd.x+json");
    expect(req.headers["x-default"]).toBe("yes");
  });

  test("429 with Retry-After, then 202: waits at least Retry-After, 2 requests", async () => {
    server.on(
      "GET",
      "/r",
      { status: 429, headers: { "retry-after": "2" }, body: { error: 429, errorCode: "RATE_LIMITED_TOKEN_BUCKET", detail: "slow down" } },
      { status: 202, body: { ok: true } },
    );
    const { c, waits } = client();
    const res = await c.request({ method: "GET", path: "/r" });
    expect(res.status).toBe(202);
    expect(res.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
  });

  test("500 twice then 200: retried with growing backoff", async () => {
    server.on(
      "GET",
      "/r",
      { status: 500, body: { error: 500, errorCode: "UNEXPECTED_ERROR" } },
      { status: 500, body: "oops" },
      { status: 200, body: { n: 1 } },
    );
    const { c, waits } = client();
    const res = await c.request({ method: "GET", path: "/r" });
    expect(res.body).toEqual({ n: 1 });
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([50, 100]); // random 0.5 × 100, × 200
  });

  test("5xx until the attempts run out: UNAVAILABLE with the attempt count", async () => {
    server.always("GET", "/r", { status: 503, body: { error: 503, errorCode: "SERVICE_UNAVAILABLE", detail: "maintenance" } });
    const { c, waits } = client();
    const err = await rejection(c.request({ method: "GET", path: "/r" }));
    expect(err).toMatchObject({
      code: "UNAVAILABLE",
      status: 503,
      attempts: 3,
      upstreamCode: "SERVICE_UNAVAILABLE",
      detail: "maintenance",
      method: "GET",
      path: "/r",
    });
    expect(err.message).toMatch(/Atlas Administration API failed GET \/r \(503 SERVICE_UNAVAILABLE\) after 3 attempts: maintenance/);
    expect(waits).toHaveLength(2);
  });

  test("400 is never retried and carries PagerDuty's text", async () => {
    server.always("POST", "/v2/enqueue", {
      status: 400,
      body: { status: "invalid event", message: "Event object is invalid", errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"] },
    });
    const { c, waits } = client(PAGERDUTY_EVENTS_API);
    const err = await rejection(c.request({ method: "POST", path: "/v2/enqueue", body: {}, idempotent: true, action: "the event" }));
    expect(server.requests).toHaveLength(1);
    expect(waits).toHaveLength(0);
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toBe("PagerDuty Events API rejected the event (400): Length of 'routing_key' is incorrect (should be 32 characters)");
  });

  test("a POST (not idempotent) that gets 503 is not retried without a read-back, and says so", async () => {
    server.always("POST", "/create", { status: 503, body: { error: 503, errorCode: "X", detail: "busy" } });
    const { c } = client();
    const err = await rejection(c.request({ method: "POST", path: "/create", body: {} }));
    expect(server.requests).toHaveLength(1);
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.ambiguous).toBe(true);
    expect(err.message).toMatch(/not retried because it is not idempotent/);
  });

  test("a POST that gets 429 is retried (refused before processing)", async () => {
    server.on("POST", "/create", { status: 429 }, { status: 201, body: {} });
    const { c } = client();
    await c.request({ method: "POST", path: "/create", body: {} });
    expect(server.requests).toHaveLength(2);
  });

  test("ambiguous POST with a read-back: landed → read-back body; not landed → retried", async () => {
    server.on("POST", "/create", { status: 502 }, { status: 504 }, { status: 201, body: { id: "new" } });
    const { c } = client();
    const calls: string[] = [];
    const landed = await c.request({
      method: "POST",
      path: "/create",
      body: {},
      readBack: async () => {
        calls.push("readBack");
        return { landed: true, body: { id: "read" } };
      },
    });
    expect(landed).toMatchObject({ body: { id: "read" }, readBack: true });
    expect(server.requests).toHaveLength(1);

    const notLanded = await c.request({
      method: "POST",
      path: "/create",
      body: {},
      readBack: async () => {
        calls.push("readBack");
        return { landed: false };
      },
    });
    expect(notLanded.body).toEqual({ id: "new" });
    expect(server.requests).toHaveLength(3);
    expect(calls).toEqual(["readBack", "readBack"]);
  });

  test("a read-back that fails makes an UNAVAILABLE error saying the outcome is unknown", async () => {
    server.on("POST", "/create", { status: 500 });
    const { c } = client();
    const err = await rejection(
      c.request({
        method: "POST",
        path: "/create",
        body: {},
        readBack: async () => {
          throw new Error("read failed");
        },
      }),
    );
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.message).toMatch(/may or may not have been/);
  });

  test("timeouts: a server that never answers → TIMEOUT after maxAttempts", async () => {
    server.always("GET", "/slow", { hang: true });
    const { c, waits } = client({ timeoutMs: 150 });
    const started = Date.now();
    const err = await rejection(c.request({ method: "GET", path: "/slow" }));
    expect(err).toMatchObject({ code: "TIMEOUT", attempts: 3, method: "GET", path: "/slow" });
    expect(err.message).toMatch(/did not answer GET \/slow within 150 ms \(3 attempts\)/);
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("a POST that times out is not retried", async () => {
    server.always("POST", "/slow", { hang: true });
    const { c } = client({ timeoutMs: 100 });
    const err = await rejection(c.request({ method: "POST", path: "/slow", body: {} }));
    expect(err.code).toBe("TIMEOUT");
    expect(server.requests).toHaveLength(1);
  });

  test("network error (closed port) is retried, for a POST too (never sent)", async () => {
    const port = await closedPort();
    const rec = recordingSleep();
    const c = new HttpClient({ ...PAGERDUTY_REST_API, baseUrl: `http://127.0.0.1:${port}`, retry: fastRetry, sleep: rec.sleep });
    const err = await rejection(c.request({ method: "POST", path: "/x", body: {} }));
    expect(err).toMatchObject({ code: "NETWORK", attempts: 3 });
    expect(err.message).toMatch(/Could not reach PagerDuty REST API at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/);
    expect(rec.waits).toHaveLength(2);
  });

  test("a connection dropped mid-request is a NETWORK error, retried for GET", async () => {
    server.on("GET", "/drop", { destroy: true }, { status: 200, body: { ok: 1 } });
    const { c } = client();
    const res = await c.request({ method: "GET", path: "/drop" });
    expect(res.body).toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
  });

  test("Retry-After above maxRetryAfterMs fails at once with RATE_LIMITED", async () => {
    server.always("GET", "/r", { status: 429, headers: { "retry-after": "3600" } });
    const { c, waits } = client();
    const err = await rejection(c.request({ method: "GET", path: "/r" }));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.message).toMatch(/asked to wait 3600 s/);
    expect(server.requests).toHaveLength(1);
    expect(waits).toHaveLength(0);
  });

  test("ratelimit-reset honoured when configured", async () => {
    server.on("GET", "/r", { status: 429, headers: { "ratelimit-reset": "4" } }, { status: 200, body: {} });
    const { c, waits } = client({ retryAfterHeaders: ["retry-after", "ratelimit-reset"] });
    await c.request({ method: "GET", path: "/r" });
    expect(waits[0]).toBeGreaterThanOrEqual(4000);
  });

  test("expect: listed statuses are success, others errors; 404 maps to NOT_FOUND", async () => {
    server.on("GET", "/a", { status: 404, body: { error: 404, errorCode: "NOT_FOUND" } }, { status: 404 }, { status: 204 });
    const { c } = client();
    expect((await c.request({ method: "GET", path: "/a", expect: [200, 404] })).status).toBe(404);
    const err = await rejection(c.request({ method: "GET", path: "/a" }));
    expect(err.code).toBe("NOT_FOUND");
    const unexpected = await rejection(c.request({ method: "GET", path: "/a", expect: [200] }));
    expect(unexpected.code).toBe("UNAVAILABLE");
    expect(unexpected.detail).toBe("unexpected status 204");
  });

  test("HTML error pages become short text details", async () => {
    server.on("GET", "/h", { status: 403, headers: { "content-type": "text/html" }, body: "<html><body><h1>Forbidden</h1> by proxy</body></html>" });
    const { c } = client();
    const err = await rejection(c.request({ method: "GET", path: "/h" }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.detail).toBe("Forbidden by proxy");
    expect(err.message).toMatch(/API access list/);
  });

  test("401: the authenticator gets one chance to refresh, then UNAUTHORIZED", async () => {
    server.on(
      "GET",
      "/p",
      { status: 401 },
      { status: 200, body: { ok: true } },
      { status: 401 },
      { status: 401, body: { error: 401, errorCode: "UNAUTHORIZED", detail: "bad" } },
    );
    let n = 0;
    const auth: Authenticator = {
      headers: async () => ({ authorization: `Bearer tok-${n}` }),
      onUnauthorized: async () => {
        n++;
        return true;
      },
      secrets: () => [`tok-${n}`],
    };
    const { c } = client({ auth });
    expect((await c.request({ method: "GET", path: "/p" })).body).toEqual({ ok: true });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-0", "Bearer tok-1"]);
    const err = await rejection(c.request({ method: "GET", path: "/p" }));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.attempts).toBe(2);
    expect(server.requests).toHaveLength(4);
  });

  test("secrets never appear in errors, even when the upstream echoes them", async () => {
    const secret = "R0UTINGKEY0123456789abcdefABCDEF";
    const token = "pd-token-SECRET-xyz";
    server.always("POST", "/e", (req) => ({
      status: 400,
      body: { status: "invalid event", message: `bad ${req.json.routing_key}`, errors: [`routing key ${req.json.routing_key} / ${req.headers.authorization}`] },
    }));
    const { c } = client({ ...PAGERDUTY_EVENTS_API, secrets: [token], headers: { authorization: `Token token=${token}` } });
    const err = await rejection(c.request({ method: "POST", path: `/e?routing_key=${secret}`, body: { routing_key: secret }, secrets: [secret] }));
    expect(leakedSecrets(err, [secret, token])).toEqual([]);
    expect(err.message).toContain("[REDACTED]");
  });

  test("a new upstream brings its own label, error parser and hints; the client knows none", async () => {
    server.on("PUT", "/widgets/1", { status: 400, body: { code: "E_SHAPE", why: "wheels must be even" } });
    const { c } = client({
      service: "acme",
      label: "Acme API",
      parseError: (body: any) => ({ upstreamCode: body?.code, detail: body?.why }),
      hints: { BAD_REQUEST: "Fix the widget." },
    });
    const err = await rejection(c.request({ method: "PUT", path: "/widgets/1", body: {} }));
    expect(err).toMatchObject({ service: "acme", code: "BAD_REQUEST", upstreamCode: "E_SHAPE" });
    expect(err.message).toBe("Acme API rejected PUT /widgets/1 (400 E_SHAPE): wheels must be even. Fix the widget.");
  });

  test("requests go through an injected undici Dispatcher", async () => {
    const { Agent } = require("undici") as typeof import("undici");
    const agent = new Agent();
    const seen: string[] = [];
    const dispatcher = agent.compose((dispatch) => (opts, handler) => {
      seen.push(`${opts.method} ${opts.path}`);
      return dispatch(opts, handler);
    });
    try {
      server.on("GET", "/via", { status: 200, body: { ok: true } });
      const { c } = client({ dispatcher });
      expect((await c.request({ method: "GET", path: "/via", query: { n: 1 } })).body).toEqual({ ok: true });
      expect(seen).toEqual(["GET /via?n=1"]);
    } finally {
      await agent.close();
    }
  });
});
