import { ConformanceRecorder } from "../../test/support/openapi";
import {
  call,
  restClient,
  sendEvent,
  serviceWithKey,
  startPagerDuty,
  TOKEN,
  trigger,
  type RestClient,
  type PagerDutyHarness,
} from "../../test/support/pagerduty/harness";

/** The REST subset over real sockets; every exchange is checked against pagerduty-rest-subset.openapi.json. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
let rest: RestClient;

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
  rest = restClient(pd.url);
});

afterAll(async () => {
  await pd.close();
  // The unknown-path probe below is outside the spec by design.
  expect(recorder.errors().filter((e) => !e.startsWith("GET /no_such_thing: no such operation"))).toEqual([]);
});

const NOT_FOUND = { error: { message: "Not Found", code: 2100 } };
const FROM = { from: "oncall@example.com" };

describe("auth", () => {
  test.each<[string, Record<string, string>]>([
    ["no Authorization header", {}],
    ["wrong token", { authorization: "Token token=wrong" }],
    ["Bearer scheme", { authorization: `Bearer ${TOKEN}` }],
    ["token without the scheme", { authorization: TOKEN }],
  ])("%s → 401 with PagerDuty's error body, never echoing the token", async (_n, headers) => {
    for (const path of ["/services", "/incidents", "/webhook_subscriptions"]) {
      const r = await call(pd.url + path, { headers: { accept: "application/vnd.pagerduty+json;version=2", ...headers } });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { message: "Unauthorized", code: 2006 } });
      expect(r.text).not.toContain(TOKEN);
    }
  });

  test("the token may be quoted", async () => {
    expect((await call(`${pd.url}/services`, { headers: { authorization: `Token token="${TOKEN}"` } })).status).toBe(200);
  });
});

describe("services and integrations", () => {
  test("create an Events API v2 integration: 32-character key, readable back, and events to it open incidents", async () => {
    const svc = await rest.post("/services", { service: { name: "Checkout", description: "payments" } });
    expect(svc.status).toBe(201);
    expect(svc.body.service).toMatchObject({
      id: expect.stringMatching(/^P[A-Z0-9]{6}$/),
      type: "service",
      name: "Checkout",
      status: "active",
      escalation_policy: { type: "escalation_policy_reference" },
    });
    const id = svc.body.service.id;

    const created = await rest.post(`/services/${id}/integrations`, {
      integration: { type: "events_api_v2_inbound_integration", name: "Atlas alerts", service: { id, type: "service_reference" } },
    });
    expect(created.status).toBe(201);
    const integ = created.body.integration;
    expect(integ).toMatchObject({
      id: expect.stringMatching(/^P[A-Z0-9]{6}$/),
      type: "events_api_v2_inbound_integration",
      name: "Atlas alerts",
      service: { id },
    });
    expect(integ.integration_key).toMatch(/^[a-z0-9]{32}$/);

    const read = await rest.get(`/services/${id}/integrations/${integ.id}`);
    expect(read.status).toBe(200);
    expect(read.body.integration.integration_key).toBe(integ.integration_key);

    await sendEvent(pd.url, trigger(integ.integration_key, "Replication lag", { dedup_key: "lag-1" }));
    const incs = await rest.get(`/incidents?incident_key=lag-1&service_ids[]=${id}`);
    expect(incs.body.incidents).toHaveLength(1);
    expect((await rest.get(`/services/${id}`)).body.service.status).toBe("critical");
  });

  test("GET /services?include[]=integrations expands integrations with their keys (how a key's owner is found)", async () => {
    const { serviceId, integrationId, key } = await serviceWithKey(rest);
    const plain = await rest.get(`/services/${serviceId}`);
    expect(plain.body.service.integrations).toEqual([expect.objectContaining({ id: integrationId, type: "events_api_v2_inbound_integration_reference" })]);
    expect(plain.body.service.integrations[0].integration_key).toBeUndefined();
    const all: any[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await rest.get(`/services?include[]=integrations&limit=2&offset=${offset}`);
      expect(page.status).toBe(200);
      all.push(...page.body.services);
      if (!page.body.more) break;
    }
    const owner = all.find((s) => s.integrations.some((i: any) => i.integration_key === key));
    expect(owner.id).toBe(serviceId);
  });

  test("pagination: limit/offset/more, total only when asked", async () => {
    for (let i = 0; i < 3; i++) await rest.post("/services", { service: { name: `page-${i}-${Date.now()}` } });
    const first = await rest.get("/services?limit=2");
    expect(first.body).toMatchObject({ limit: 2, offset: 0, more: true, total: null });
    expect(first.body.services).toHaveLength(2);
    const withTotal = await rest.get("/services?limit=1&offset=1&total=true");
    expect(withTotal.body.total).toBeGreaterThanOrEqual(3);
    expect(withTotal.body.offset).toBe(1);
    const bad = await rest.get("/services?limit=-1");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ message: "Invalid Input Provided", code: 2001 });
  });

  test("PUT renames an integration (key unchanged); DELETE answers 204 and the integration is gone", async () => {
    const { serviceId, integrationId, key } = await serviceWithKey(rest);
    const put = await rest.put(`/services/${serviceId}/integrations/${integrationId}`, {
      integration: { type: "events_api_v2_inbound_integration", name: "renamed" },
    });
    expect(put.status).toBe(200);
    expect(put.body.integration).toMatchObject({ name: "renamed", integration_key: key });
    expect((await rest.del(`/services/${serviceId}/integrations/${integrationId}`)).status).toBe(204);
    const gone = await rest.get(`/services/${serviceId}/integrations/${integrationId}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(NOT_FOUND);
  });

  test.each<[string, () => Promise<{ status: number; body: any }>]>([
    ["unknown service", () => rest.get("/services/PNOPE00")],
    ["integration of unknown service", () => rest.post("/services/PNOPE00/integrations", { integration: { type: "events_api_v2_inbound_integration" } })],
    ["unknown integration", async () => rest.get(`/services/${(await serviceWithKey(rest)).serviceId}/integrations/PNOPE00`)],
    ["unknown path", () => rest.get("/no_such_thing")],
  ])("404: %s", async (_n, run) => {
    const r = await run();
    expect(r.status).toBe(404);
    expect(r.body).toEqual(NOT_FOUND);
  });

  test.each<[string, unknown]>([
    ["missing service object", { name: "x" }],
    ["blank name", { service: { name: "  " } }],
    ["wrong escalation policy type", { service: { name: "x", escalation_policy: { id: "P1", type: "user_reference" } } }],
    ["negative timeout", { service: { name: "x", acknowledgement_timeout: -5 } }],
  ])("POST /services 400: %s", async (_n, body) => {
    const r = await rest.post("/services", body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ message: "Invalid Input Provided", code: 2001, errors: expect.any(Array) });
  });

  test("service names are unique", async () => {
    const name = `dup-${Date.now()}`;
    expect((await rest.post("/services", { service: { name } })).status).toBe(201);
    const again = await rest.post("/services", { service: { name } });
    expect(again.status).toBe(400);
    expect(again.body.error.errors).toEqual(["Name has already been taken"]);
  });

  test("integration bodies are validated", async () => {
    const { serviceId, integrationId } = await serviceWithKey(rest);
    expect((await rest.post(`/services/${serviceId}/integrations`, { integration: { type: "smoke_signals" } })).status).toBe(400);
    expect((await rest.post(`/services/${serviceId}/integrations`, {})).status).toBe(400);
    const change = await rest.put(`/services/${serviceId}/integrations/${integrationId}`, { integration: { type: "generic_email_inbound_integration" } });
    expect(change.status).toBe(400);
  });

  test("malformed JSON → 400 with PagerDuty's error body", async () => {
    const r = await call(`${pd.url}/services`, {
      method: "POST",
      headers: { authorization: `Token token=${TOKEN}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ message: "Invalid Input Provided", code: 2001 });
  });
});

describe("incidents", () => {
  async function openIncident(dedup: string, summary = "Primary down") {
    const { key, serviceId } = await serviceWithKey(rest);
    await sendEvent(pd.url, trigger(key, summary, { dedup_key: dedup }));
    const inc = (await rest.get(`/incidents?incident_key=${dedup}`)).body.incidents[0];
    return { key, serviceId, inc };
  }

  test("GET /incidents/{id} and its alerts (alert_key = dedup key, details from custom_details)", async () => {
    const { key } = await serviceWithKey(rest);
    await sendEvent(
      pd.url,
      trigger(key, "Disk 95%", {
        dedup_key: "disk-95",
        payload: { summary: "Disk 95%", source: "db-2", severity: "warning", custom_details: { used: "95%" } },
        links: [{ href: "https://example.com/run", text: "runbook" }],
      }),
    );
    const inc = (await rest.get("/incidents?incident_key=disk-95")).body.incidents[0];
    const one = await rest.get(`/incidents/${inc.id}`);
    expect(one.status).toBe(200);
    expect(one.body.incident).toMatchObject({
      id: inc.id,
      type: "incident",
      status: "triggered",
      incident_key: "disk-95",
      title: "Disk 95%",
      urgency: "high",
      incident_number: expect.any(Number),
    });
    const alerts = await rest.get(`/incidents/${inc.id}/alerts`);
    expect(alerts.body).toMatchObject({ limit: 25, offset: 0, more: false });
    expect(alerts.body.alerts[0]).toMatchObject({
      type: "alert",
      alert_key: "disk-95",
      severity: "warning",
      status: "triggered",
      body: { details: { used: "95%" }, contexts: [{ type: "link", href: "https://example.com/run", text: "runbook" }] },
    });
    expect((await rest.get(`/incidents/${inc.id}/alerts?statuses[]=resolved`)).body.alerts).toEqual([]);
    expect((await rest.get("/incidents/PNOPE00")).body).toEqual(NOT_FOUND);
  });

  test("PUT resolve with From: incident and alert resolved; later resolve events for the key are dropped", async () => {
    const { key, inc } = await openIncident("put-resolve");
    const put = await rest.put(`/incidents/${inc.id}`, { incident: { type: "incident_reference", status: "resolved" } }, FROM);
    expect(put.status).toBe(200);
    expect(put.body.incident).toMatchObject({ status: "resolved", last_status_change_by: { type: "user_reference", summary: "oncall@example.com" } });
    expect((await rest.get(`/incidents/${inc.id}/alerts`)).body.alerts[0].status).toBe("resolved");
    // The alert is closed, so an acknowledge from the monitoring side no longer applies.
    await sendEvent(pd.url, { routing_key: key, event_action: "acknowledge", dedup_key: "put-resolve" });
    expect((await rest.get(`/incidents/${inc.id}`)).body.incident.status).toBe("resolved");
    const again = await rest.put(`/incidents/${inc.id}`, { incident: { type: "incident_reference", status: "resolved" } }, FROM);
    expect(again.status).toBe(400);
    expect(again.body.error.errors).toEqual(["Incident Already Resolved"]);
  });

  test("PUT acknowledge records the acknowledger; the Events API can still resolve", async () => {
    const { key, inc } = await openIncident("put-ack");
    const put = await rest.put(`/incidents/${inc.id}`, { incident: { type: "incident_reference", status: "acknowledged" } }, FROM);
    expect(put.body.incident.status).toBe("acknowledged");
    expect(put.body.incident.acknowledgements).toEqual([
      expect.objectContaining({ acknowledger: expect.objectContaining({ type: "user_reference", summary: "oncall@example.com" }) }),
    ]);
    await sendEvent(pd.url, { routing_key: key, event_action: "resolve", dedup_key: "put-ack" });
    expect((await rest.get(`/incidents/${inc.id}`)).body.incident.status).toBe("resolved");
  });

  test.each<[string, unknown, Record<string, string>]>([
    ["missing From header", { incident: { type: "incident_reference", status: "resolved" } }, {}],
    ["From is not an e-mail", { incident: { type: "incident_reference", status: "resolved" } }, { from: "bob" }],
    ["status triggered is not settable", { incident: { type: "incident_reference", status: "triggered" } }, FROM],
    ["wrong type", { incident: { type: "service", status: "resolved" } }, FROM],
  ])("PUT /incidents/{id} 400: %s", async (_n, body, headers) => {
    const { inc } = await openIncident(`bad-put-${Math.random()}`);
    const r = await rest.put(`/incidents/${inc.id}`, body, headers);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(2001);
    expect((await rest.get(`/incidents/${inc.id}`)).body.incident.status).toBe("triggered");
  });

  test("list filters: statuses[], service_ids[], bad status → 400", async () => {
    const { serviceId, inc } = await openIncident("filters");
    await rest.put(`/incidents/${inc.id}`, { incident: { type: "incident_reference", status: "acknowledged" } }, FROM);
    const acked = await rest.get(`/incidents?statuses[]=acknowledged&service_ids[]=${serviceId}`);
    expect(acked.body.incidents.map((i: any) => i.id)).toEqual([inc.id]);
    expect((await rest.get(`/incidents?statuses[]=triggered&service_ids[]=${serviceId}`)).body.incidents).toEqual([]);
    expect((await rest.get(`/incidents?statuses[]=triggered&statuses[]=acknowledged&service_ids[]=${serviceId}`)).body.incidents).toHaveLength(1);
    expect((await rest.get("/incidents?statuses[]=exploded")).status).toBe(400);
    expect((await rest.get("/incidents?since=yesterday-ish")).status).toBe(400);
  });
});

describe("webhook subscriptions", () => {
  const body = (extra: Record<string, unknown> = {}) => ({
    webhook_subscription: {
      type: "webhook_subscription",
      delivery_method: { type: "http_delivery_method", url: "https://relay.example.com/pagerduty", custom_headers: [{ name: "X-Relay", value: "1" }] },
      events: ["incident.triggered", "incident.resolved"],
      filter: { type: "account_reference" },
      ...extra,
    },
  });

  test("CRUD: the secret is returned on create only", async () => {
    const created = await rest.post("/webhook_subscriptions", body({ description: "relay" }));
    expect(created.status).toBe(200);
    const sub = created.body.webhook_subscription;
    expect(sub).toMatchObject({
      type: "webhook_subscription",
      active: true,
      delivery_method: { type: "http_delivery_method", url: "https://relay.example.com/pagerduty", custom_headers: [{ name: "X-Relay", value: "1" }] },
    });
    expect(sub.delivery_method.secret).toMatch(/^[A-Za-z0-9]{64}$/);

    const read = await rest.get(`/webhook_subscriptions/${sub.id}`);
    expect(read.body.webhook_subscription.delivery_method.secret).toBeNull();
    const list = await rest.get("/webhook_subscriptions?filter_type=account");
    expect(list.body.webhook_subscriptions.map((s: any) => s.id)).toContain(sub.id);
    expect(list.body.webhook_subscriptions.every((s: any) => s.delivery_method.secret === null)).toBe(true);

    const put = await rest.put(`/webhook_subscriptions/${sub.id}`, { webhook_subscription: { events: ["incident.acknowledged"], active: false } });
    expect(put.body.webhook_subscription).toMatchObject({ events: ["incident.acknowledged"], active: false });
    expect((await rest.post(`/webhook_subscriptions/${sub.id}/enable`)).body.webhook_subscription.active).toBe(true);

    expect((await rest.del(`/webhook_subscriptions/${sub.id}`)).status).toBe(204);
    expect((await rest.get(`/webhook_subscriptions/${sub.id}`)).status).toBe(404);
  });

  test.each<[string, unknown]>([
    ["no events", body({ events: [] })],
    ["unknown event type", body({ events: ["incident.exploded"] })],
    ["not a URL", body({ delivery_method: { type: "http_delivery_method", url: "relay" } })],
    ["ftp URL", body({ delivery_method: { type: "http_delivery_method", url: "ftp://x.example.com" } })],
    [
      "header with a newline",
      body({ delivery_method: { type: "http_delivery_method", url: "https://x.example.com", custom_headers: [{ name: "X-A", value: "a\r\nInjected: 1" }] } }),
    ],
    ["service filter without a service", body({ filter: { type: "service_reference", id: "PNOPE00" } })],
    [
      "missing filter",
      { webhook_subscription: { delivery_method: { type: "http_delivery_method", url: "https://x.example.com" }, events: ["incident.triggered"] } },
    ],
  ])("POST 400: %s", async (_n, b) => {
    const r = await rest.post("/webhook_subscriptions", b);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(2001);
  });
});

describe("REST rate limit", () => {
  test("over the per-token limit → 429 {error:{message:'Rate Limit Exceeded',code:2020}} with ratelimit headers", async () => {
    const limited = await startPagerDuty(recorder, { restRequestsPerMinute: 2 });
    try {
      const r = restClient(limited.url);
      expect((await r.get("/incidents")).status).toBe(200);
      expect((await r.get("/incidents")).status).toBe(200);
      const over = await r.get("/incidents");
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: { message: "Rate Limit Exceeded", code: 2020 } });
      expect(Number(over.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      // Events are limited separately.
      expect((await sendEvent(limited.url, trigger("b".repeat(32)))).status).toBe(202);
    } finally {
      await limited.close();
    }
  });
});
