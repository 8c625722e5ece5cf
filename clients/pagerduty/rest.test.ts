import { leakedSecrets, recordingSleep, rejection } from "../../test/support/client-checks";
import { FakeServer } from "../../test/support/fake-server";
import { PAGERDUTY_REST_ACCEPT, PagerDutyRestClient } from "./rest";

const TOKEN = "u+SECRET_pd_rest_token_0123";
const KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

const service = (id: string, integrations: unknown[]) => ({ id, type: "service", name: `svc ${id}`, summary: `svc ${id}`, integrations });
const ref = (id: string, type: string) => ({ id, type, summary: id, self: `https://x/services/S/integrations/${id}` });

describe("PagerDutyRestClient", () => {
  let server: FakeServer;
  let waits: number[];
  let rest: PagerDutyRestClient;
  beforeEach(async () => {
    server = await FakeServer.start();
    const rec = recordingSleep();
    waits = rec.waits;
    rest = new PagerDutyRestClient({
      baseUrl: server.url,
      token: TOKEN,
      sleep: rec.sleep,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      limit: 2,
    });
  });
  afterEach(async () => {
    await server.close();
  });

  test("sends the token and the versioned Accept header", async () => {
    server.on("GET", "/services/PSVC1", { status: 200, body: { service: service("PSVC1", []) } });
    expect((await rest.getService("PSVC1"))?.id).toBe("PSVC1");
    expect(server.requests[0].headers.authorization).toBe(`Token token=${TOKEN}`);
    expect(server.requests[0].headers.accept).toBe(PAGERDUTY_REST_ACCEPT);
  });

  test("listServices pages with limit/offset until more is false", async () => {
    server.on(
      "GET",
      "/services",
      { status: 200, body: { services: [service("P1", []), service("P2", [])], limit: 2, offset: 0, more: true } },
      { status: 200, body: { services: [service("P3", [])], limit: 2, offset: 2, more: false } },
    );
    expect((await rest.listServices({ includeIntegrations: true })).map((s) => s.id)).toEqual(["P1", "P2", "P3"]);
    expect(server.requests.map((r) => [r.query.get("offset"), r.query.get("limit"), r.query.getAll("include[]")])).toEqual([
      ["0", "2", ["integrations"]],
      ["2", "2", ["integrations"]],
    ]);
  });

  test("findIntegrationByKey reads each Events API v2 integration and compares integration_key", async () => {
    server.on(
      "GET",
      "/services",
      {
        status: 200,
        body: {
          services: [
            service("PA", [ref("PI1", "generic_email_inbound_integration_reference"), ref("PI2", "events_api_v2_inbound_integration_reference")]),
            service("PB", []),
          ],
          more: true,
        },
      },
      { status: 200, body: { services: [service("PC", [ref("PI3", "events_api_v2_inbound_integration")])], more: false } },
    );
    server.on("GET", "/services/PA/integrations/PI2", {
      status: 200,
      body: { integration: { id: "PI2", type: "events_api_v2_inbound_integration", integration_key: "00000000000000000000000000000000" } },
    });
    server.on("GET", "/services/PC/integrations/PI3", {
      status: 200,
      body: { integration: { id: "PI3", type: "events_api_v2_inbound_integration", integration_key: KEY, name: "Atlas" } },
    });
    const { found, complete } = await rest.findIntegrationByKey(KEY);
    expect(complete).toBe(true);
    expect(found?.service.id).toBe("PC");
    expect(found?.integration).toMatchObject({ id: "PI3", integration_key: KEY });
    expect(server.log).toEqual(["GET /services", "GET /services/PA/integrations/PI2", "GET /services", "GET /services/PC/integrations/PI3"]);

    server.on("GET", "/services", { status: 200, body: { services: [], more: false } });
    expect(await rest.findIntegrationByKey(KEY)).toEqual({ complete: true });
  });

  test.each<[number, number | undefined, boolean]>([
    [11, undefined, false],
    [10, undefined, true],
    [4, 3, false],
    [3, 3, true],
  ])("findIntegrationByKey reads at most maxPages pages: %i pages, bound %s: complete %s", async (pages, maxPages, complete) => {
    for (let p = 1; p <= pages; p++) {
      server.on("GET", "/services", { status: 200, body: { services: [service(`P${p}`, [])], more: p < pages } });
    }
    const res = await rest.findIntegrationByKey(KEY, maxPages === undefined ? {} : { maxPages });
    expect(res).toEqual({ complete });
    expect(server.log.filter((l) => l === "GET /services").length).toBe(Math.min(pages, maxPages ?? 10));
  });

  test("createEventsIntegration posts the events v2 type; a 503 is not retried", async () => {
    server.on("POST", "/services/PSVC1/integrations", {
      status: 201,
      body: { integration: { id: "PNEW", type: "events_api_v2_inbound_integration", name: "Atlas", integration_key: KEY } },
    });
    expect((await rest.createEventsIntegration("PSVC1", "Atlas")).integration_key).toBe(KEY);
    expect(server.requests[0].json).toEqual({ integration: { type: "events_api_v2_inbound_integration", name: "Atlas" } });

    server.always("POST", "/services/PSVC1/integrations", { status: 503, body: { error: { message: "Service Unavailable", code: 2999 } } });
    const err = await rejection(rest.createEventsIntegration("PSVC1", "Atlas"));
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.message).toMatch(/not retried because it is not idempotent/);
    expect(server.requests).toHaveLength(2);
  });

  test("429 honours ratelimit-reset", async () => {
    server.on(
      "GET",
      "/services/PSVC1/integrations/PI1",
      { status: 429, headers: { "ratelimit-reset": "5" }, body: { error: { message: "Rate Limit Exceeded", code: 2020 } } },
      {
        status: 200,
        body: { integration: { id: "PI1", type: "events_api_v2_inbound_integration", integration_key: KEY } },
      },
    );
    expect((await rest.getIntegration("PSVC1", "PI1"))?.integration_key).toBe(KEY);
    expect(waits[0]).toBeGreaterThanOrEqual(5000);
  });

  test.each([
    [204, true],
    [404, false],
  ])("deleteIntegration: %i → %p", async (status, expected) => {
    server.on("DELETE", "/services/PSVC1/integrations/PI1", { status });
    expect(await rest.deleteIntegration("PSVC1", "PI1")).toBe(expected);
  });

  test("getService / getIntegration: 404 → undefined", async () => {
    server.on("GET", "/services/NOPE", { status: 404, body: { error: { message: "Not Found", code: 2100 } } });
    server.on("GET", "/services/NOPE/integrations/PI", { status: 404, body: { error: { message: "Not Found", code: 2100 } } });
    expect(await rest.getService("NOPE")).toBeUndefined();
    expect(await rest.getIntegration("NOPE", "PI")).toBeUndefined();
  });

  test("incidents: by incident key and statuses; alerts of an incident; status update with From", async () => {
    server.on("GET", "/incidents", { status: 200, body: { incidents: [{ id: "Q1", status: "triggered", incident_key: "k1" }], more: false } });
    expect(await rest.listIncidents({ incidentKey: "k1", statuses: ["triggered", "acknowledged"] })).toEqual([
      { id: "Q1", status: "triggered", incident_key: "k1" },
    ]);
    expect(server.requests[0].query.get("incident_key")).toBe("k1");
    expect(server.requests[0].query.getAll("statuses[]")).toEqual(["triggered", "acknowledged"]);

    server.on("GET", "/incidents/Q1/alerts", { status: 200, body: { alerts: [{ id: "A1", status: "triggered", alert_key: "k1" }], more: false } });
    expect((await rest.getIncidentAlerts("Q1"))[0].alert_key).toBe("k1");

    server.on("PUT", "/incidents/Q1", { status: 503 }, { status: 200, body: { incident: { id: "Q1", status: "resolved" } } });
    expect((await rest.updateIncidentStatus("Q1", "resolved", "oncall@example.org")).status).toBe("resolved");
    const put = server.requests.at(-1)!;
    expect(put.headers.from).toBe("oncall@example.org");
    expect(put.json).toEqual({ incident: { type: "incident_reference", status: "resolved" } });
  });

  test("401 and 403 errors name the token problem and never show it", async () => {
    server.on("GET", "/services/PSVC1", (req) => ({ status: 401, body: { error: { message: `Invalid token ${req.headers.authorization}`, code: 2006 } } }));
    const err = await rejection(rest.getService("PSVC1"));
    expect(err).toMatchObject({ code: "UNAUTHORIZED", upstreamCode: "2006" });
    expect(err.message).toMatch(/Check the PagerDuty REST API token/);
    expect(leakedSecrets(err, [TOKEN])).toEqual([]);

    server.on("POST", "/services/PSVC1/integrations", { status: 403, body: { error: { message: "Access Denied", code: 2010, errors: ["Read-only key"] } } });
    const forbidden = await rejection(rest.createEventsIntegration("PSVC1", "x"));
    expect(forbidden.detail).toBe("Access Denied: Read-only key");
    expect(forbidden.message).toMatch(/write-enabled key/);
  });
});
