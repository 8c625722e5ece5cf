import { request } from "../../test/support/fetch";
import { ConformanceRecorder } from "../../test/support/openapi";
import { openDb } from "../../lib/sqlite";
import {
  restClient,
  SANDBOX_AUTH,
  sendEvent,
  serviceWithKey,
  startPagerDuty,
  trigger,
  type RestClient,
  type PagerDutyHarness,
} from "../../test/support/pagerduty/harness";

/** Dedup and incident rules of the Events API, observed through the REST API, over real sockets. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
let rest: RestClient;

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
  rest = restClient(pd.url);
});

afterAll(async () => {
  await pd.close();
  expect(recorder.errors()).toEqual([]);
});

async function incidentsFor(dedupKey: string) {
  const res = await rest.get(`/incidents?incident_key=${encodeURIComponent(dedupKey)}`);
  expect(res.status).toBe(200);
  return res.body.incidents as any[];
}

async function alertsOf(incidentId: string) {
  const res = await rest.get(`/incidents/${incidentId}/alerts`);
  expect(res.status).toBe(200);
  return res.body.alerts as any[];
}

const ack = (key: string, dedup: string) => ({ routing_key: key, event_action: "acknowledge", dedup_key: dedup });
const res = (key: string, dedup: string) => ({ routing_key: key, event_action: "resolve", dedup_key: dedup });

describe("Events API v2 dedup rules", () => {
  test("a trigger answers 202 and opens an incident with one alert (incident_key = alert_key = dedup_key)", async () => {
    const { key, serviceId } = await serviceWithKey(rest);
    const r = await sendEvent(pd.url, trigger(key, "Disk full", { dedup_key: "disk/db-1" }));
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: "success", message: "Event processed", dedup_key: "disk/db-1" });
    const [inc] = await incidentsFor("disk/db-1");
    expect(inc).toMatchObject({ status: "triggered", title: "Disk full", incident_key: "disk/db-1", service: { id: serviceId, type: "service_reference" } });
    const alerts = await alertsOf(inc.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ alert_key: "disk/db-1", status: "triggered", severity: "critical", summary: "Disk full" });
  });

  test("a trigger with the key of an open alert appends to it: no new alert or incident, newest summary shown", async () => {
    const { key } = await serviceWithKey(rest);
    await sendEvent(pd.url, trigger(key, "CPU 91%", { dedup_key: "cpu" }));
    const again = await sendEvent(pd.url, trigger(key, "CPU 97%", { dedup_key: "cpu" }));
    expect(again.status).toBe(202);
    const incs = await incidentsFor("cpu");
    expect(incs).toHaveLength(1);
    expect(incs[0].alert_counts).toEqual({ all: 1, triggered: 1, resolved: 0 });
    const [alert] = await alertsOf(incs[0].id);
    expect(alert.summary).toBe("CPU 97%");
    const state = (await request(`${pd.url}/sandbox/state`, { headers: SANDBOX_AUTH })).body;
    const timeline = state.incidents.find((i: any) => i.id === incs[0].id).timeline;
    expect(timeline.map((e: any) => [e.kind, e.summary])).toEqual([
      ["trigger", "CPU 91%"],
      ["repeat_trigger", "CPU 97%"],
    ]);
  });

  test("a trigger without dedup_key always opens a new alert, with a generated key", async () => {
    const { key } = await serviceWithKey(rest);
    const a = await sendEvent(pd.url, trigger(key, "same text"));
    const b = await sendEvent(pd.url, trigger(key, "same text"));
    expect(a.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(b.body.dedup_key).not.toBe(a.body.dedup_key);
    expect(await incidentsFor(a.body.dedup_key)).toHaveLength(1);
    expect(await incidentsFor(b.body.dedup_key)).toHaveLength(1);
  });

  test("acknowledge then resolve follow the open alert; the incident status follows", async () => {
    const { key } = await serviceWithKey(rest);
    await sendEvent(pd.url, trigger(key, "Queue stuck", { dedup_key: "q" }));
    expect((await sendEvent(pd.url, ack(key, "q"))).status).toBe(202);
    expect((await incidentsFor("q"))[0].status).toBe("acknowledged");
    expect((await sendEvent(pd.url, res(key, "q"))).body).toEqual({ status: "success", message: "Event processed", dedup_key: "q" });
    const [inc] = await incidentsFor("q");
    expect(inc.status).toBe("resolved");
    expect(inc.resolved_at).toBeDefined();
    expect((await alertsOf(inc.id))[0].status).toBe("resolved");
  });

  test("acknowledge/resolve through a different routing key are accepted and dropped", async () => {
    const a = await serviceWithKey(rest);
    const b = await serviceWithKey(rest);
    await sendEvent(pd.url, trigger(a.key, "Only A owns this", { dedup_key: "owned" }));
    expect((await sendEvent(pd.url, ack(b.key, "owned"))).status).toBe(202);
    expect((await sendEvent(pd.url, res(b.key, "owned"))).status).toBe(202);
    const [inc] = await incidentsFor("owned");
    expect(inc.status).toBe("triggered");
  });

  test("after resolve: acknowledge and resolve are dropped; a new trigger opens a new alert and incident", async () => {
    const { key } = await serviceWithKey(rest);
    await sendEvent(pd.url, trigger(key, "Flapping", { dedup_key: "flap" }));
    await sendEvent(pd.url, res(key, "flap"));
    expect((await sendEvent(pd.url, ack(key, "flap"))).status).toBe(202);
    expect((await sendEvent(pd.url, res(key, "flap"))).status).toBe(202);
    let incs = await incidentsFor("flap");
    expect(incs.map((i) => i.status)).toEqual(["resolved"]);
    await sendEvent(pd.url, trigger(key, "Flapping again", { dedup_key: "flap" }));
    incs = await incidentsFor("flap");
    expect(incs.map((i) => i.status)).toEqual(["resolved", "triggered"]);
    expect(incs[1].title).toBe("Flapping again");
  });

  test("acknowledge/resolve with no alert at all are accepted and dropped", async () => {
    const { key } = await serviceWithKey(rest);
    expect((await sendEvent(pd.url, ack(key, "never-triggered"))).status).toBe(202);
    expect((await sendEvent(pd.url, res(key, "never-triggered"))).status).toBe(202);
    expect(await incidentsFor("never-triggered")).toEqual([]);
  });

  test("a well-formed key that belongs to no integration is accepted and dropped", async () => {
    const unknown = "0123456789abcdef0123456789abcdef";
    const r = await sendEvent(pd.url, trigger(unknown, "Into the void", { dedup_key: "void" }));
    expect(r.status).toBe(202);
    expect(r.body.dedup_key).toBe("void");
    expect(await incidentsFor("void")).toEqual([]);
    const state = (await request(`${pd.url}/sandbox/state`, { headers: SANDBOX_AUTH })).body;
    expect(state.events.find((e: any) => e.dedup_key === "void")).toMatchObject({ outcome: "dropped_unknown_routing_key", key_last4: "cdef" });
    expect(JSON.stringify(state)).not.toContain(unknown);
  });

  test("after its integration is deleted, a key stops opening incidents", async () => {
    const { key, serviceId, integrationId } = await serviceWithKey(rest);
    expect((await rest.del(`/services/${serviceId}/integrations/${integrationId}`)).status).toBe(204);
    expect((await sendEvent(pd.url, trigger(key, "Gone", { dedup_key: "gone" }))).status).toBe(202);
    expect(await incidentsFor("gone")).toEqual([]);
  });

  test("change events never open incidents", async () => {
    const { key } = await serviceWithKey(rest);
    const r = await sendEvent(pd.url, { routing_key: key, payload: { summary: "Deploy 42" } }, "/v2/change/enqueue");
    expect(r.status).toBe(202);
    const all = await rest.get("/incidents?date_range=all&limit=100");
    expect(all.body.incidents.some((i: any) => i.title === "Deploy 42")).toBe(false);
  });
});

describe("regions", () => {
  test("a US key sent to the EU endpoint is accepted and dropped; each region sees only its own incidents", async () => {
    const db = openDb();
    const us = await startPagerDuty(recorder, { db, region: "US" });
    const eu = await startPagerDuty(recorder, { db, region: "EU" });
    try {
      const usRest = restClient(us.url);
      const euRest = restClient(eu.url);
      const usSvc = await serviceWithKey(usRest);
      const euSvc = await serviceWithKey(euRest);
      expect((await sendEvent(eu.url, trigger(usSvc.key, "US key, EU endpoint", { dedup_key: "cross" }))).status).toBe(202);
      expect((await euRest.get("/incidents?incident_key=cross")).body.incidents).toEqual([]);
      expect((await usRest.get("/incidents?incident_key=cross")).body.incidents).toEqual([]);

      await sendEvent(us.url, trigger(usSvc.key, "US", { dedup_key: "home" }));
      await sendEvent(eu.url, trigger(euSvc.key, "EU", { dedup_key: "home" }));
      expect((await usRest.get("/incidents?incident_key=home")).body.incidents.map((i: any) => i.title)).toEqual(["US"]);
      expect((await euRest.get("/incidents?incident_key=home")).body.incidents.map((i: any) => i.title)).toEqual(["EU"]);
      // Services are per region too.
      expect((await euRest.get(`/services/${usSvc.serviceId}`)).status).toBe(404);
    } finally {
      await us.close();
      await eu.close();
    }
  });
});

describe("rate limit and faults", () => {
  test("over the per-key limit → 429; other keys are unaffected", async () => {
    const limited = await startPagerDuty(recorder, { eventsPerMinutePerKey: 3 });
    try {
      const r = restClient(limited.url);
      const a = await serviceWithKey(r);
      const b = await serviceWithKey(r);
      for (let i = 0; i < 3; i++) expect((await sendEvent(limited.url, trigger(a.key, `e${i}`))).status).toBe(202);
      const over = await sendEvent(limited.url, trigger(a.key, "one too many"));
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ status: "throttle event", message: expect.any(String) });
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await sendEvent(limited.url, trigger(b.key, "other key"))).status).toBe(202);
      // The throttled event was not ingested.
      const all = await r.get("/incidents?date_range=all&limit=100");
      expect(all.body.incidents.some((i: any) => i.title === "one too many")).toBe(false);
    } finally {
      await limited.close();
    }
  });

  test("injected faults answer the next N matching requests, then service resumes", async () => {
    const { key } = await serviceWithKey(rest);
    const add = await fetch(`${pd.url}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", ...SANDBOX_AUTH },
      body: JSON.stringify({ count: 2, status: 503, path: "events" }),
    });
    expect(add.status).toBe(201);
    // REST is not matched by an events fault.
    expect((await rest.get("/incidents")).status).toBe(200);
    const first = await sendEvent(pd.url, trigger(key, "f1"));
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ status: "error", message: "Internal Server Error" });
    expect((await sendEvent(pd.url, trigger(key, "f2"))).status).toBe(503);
    expect((await sendEvent(pd.url, trigger(key, "f3"))).status).toBe(202);
  });

  test("a 429 fault on REST uses PagerDuty's rate-limit body; delay-only faults slow requests down", async () => {
    await fetch(`${pd.url}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", ...SANDBOX_AUTH },
      body: JSON.stringify({ count: 1, status: 429, path: "rest" }),
    });
    const limited = await rest.get("/incidents");
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { message: "Rate Limit Exceeded", code: 2020 } });

    await fetch(`${pd.url}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", ...SANDBOX_AUTH },
      body: JSON.stringify({ count: 1, delayMs: 150 }),
    });
    const t0 = Date.now();
    expect((await rest.get("/incidents")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  test("DELETE /sandbox/faults clears pending faults", async () => {
    const { key } = await serviceWithKey(rest);
    await fetch(`${pd.url}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", ...SANDBOX_AUTH },
      body: JSON.stringify({ count: 5, status: 500 }),
    });
    expect((await fetch(`${pd.url}/sandbox/faults`, { method: "DELETE", headers: SANDBOX_AUTH })).status).toBe(204);
    expect((await sendEvent(pd.url, trigger(key, "after clear"))).status).toBe(202);
  });

  test("bad fault requests are rejected", async () => {
    for (const body of [{ count: 0, status: 500 }, { count: 1, status: 404 }, { count: 1 }, { count: 1, status: 500, path: "nope" }]) {
      const r = await fetch(`${pd.url}/sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json", ...SANDBOX_AUTH },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(400);
    }
  });
});
