import { parseResponse } from "../../support/fetch";
import { signatureHeader } from "../../../lib/signatures";
import { dedupKey, eventsFor, startWorld, waitUntil, type RelayWorld } from "../../support/relay";

const ACK = "application/vnd.atlas.2024-05-30+json";

jest.setTimeout(20_000);

/** The project alert as users see it in the project API. */
const projectAlert = async (w: RelayWorld, id: string) =>
  (await parseResponse(await w.atlas.call("GET", `/api/atlas/v2/groups/${w.projectId}/alerts/${id}`))).body;

describe("acknowledgements both ways, no echo", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    w = await startWorld({ subscribe: true });
  }, 30_000);
  afterAll(async () => w?.close());

  const alertOf = (id: string) => projectAlert(w, id);
  const pdActions = (key: string) => eventsFor(w.sandbox, key).map((e) => e.event_action);

  it("the relay created its PagerDuty webhook subscription for the route's service", async () => {
    const subs = await waitUntil("the subscription", async () => {
      const r = (await parseResponse<{ webhook_subscriptions: any[] }>(await w.pd.call("GET", "/webhook_subscriptions"))).body;
      return r.webhook_subscriptions.length ? r.webhook_subscriptions : undefined;
    });
    expect(subs[0]).toMatchObject({ delivery_method: { url: `${w.relay.url}/pagerduty` }, filter: { type: "service_reference", id: w.serviceId } });
  });

  it("PagerDuty acknowledging the incident acknowledges the project alert; nothing echoes back", async () => {
    const cfg = await w.alertConfig();
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id });
    const key = dedupKey(w.projectId, a.id);
    const incident = await w.pd.waitForIncident(key, "triggered");
    const put = await w.pd.call(
      "PUT",
      `/incidents/${incident.id}`,
      { incident: { type: "incident_reference", status: "acknowledged" } },
      { From: "oncall@example.com" },
    );
    expect(put.status).toBe(200);
    const acked = await waitUntil("the project alert acknowledged", async () => {
      const x = await alertOf(a.id);
      return x.acknowledgedUntil ? x : undefined;
    });
    expect(acked.acknowledgementComment).toMatch(/Acknowledged in PagerDuty/);
    expect(Date.parse(acked.acknowledgedUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await new Promise((r) => setTimeout(r, 800));
    // Atlas sent alert.acknowledge back; the relay knew PagerDuty already had it: no acknowledge event.
    expect(pdActions(key)).toEqual(["trigger"]);
  });

  it("an acknowledgement in the project acknowledges the PagerDuty incident; PagerDuty's webhook does not come back", async () => {
    const cfg = await w.alertConfig({ eventTypeName: "HOST_DOWN" });
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, hostnameAndPort: "db-1:27017" });
    const key = dedupKey(w.projectId, a.id);
    await w.pd.waitForIncident(key, "triggered");
    const until = new Date(Date.now() + 100 * 365 * 24 * 3_600_000).toISOString();
    const res = await w.atlas.call(
      "PATCH",
      `/api/atlas/v2/groups/${w.projectId}/alerts/${a.id}`,
      { acknowledgedUntil: until, acknowledgementComment: "on it" },
      ACK,
    );
    expect(res.status).toBe(200);
    await w.pd.waitForIncident(key, "acknowledged");
    await new Promise((r) => setTimeout(r, 800));
    expect(pdActions(key)).toEqual(["trigger", "acknowledge"]);
    expect((await alertOf(a.id)).acknowledgementComment).toBe("on it");
  });
});

describe("PagerDuty unacknowledging and resolving come back to the project", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    // The service's acknowledgement timeout turns an acknowledged incident back to triggered (incident.unacknowledged).
    w = await startWorld({ subscribe: true, acknowledgementTimeoutSeconds: 2 });
  }, 30_000);
  afterAll(async () => w?.close());

  const alertOf = (id: string) => projectAlert(w, id);
  const pdActions = (key: string) => eventsFor(w.sandbox, key).map((e) => e.event_action);
  const setIncident = async (id: string, status: string) => {
    const res = await w.pd.call("PUT", `/incidents/${id}`, { incident: { type: "incident_reference", status } }, { From: "oncall@example.com" });
    expect(res.status).toBe(200);
  };
  const metric = async (line: string) => (await (await fetch(`${w.relay.url}/metrics`)).text()).split("\n").find((l) => l.startsWith(line));

  it("incident.unacknowledged (the acknowledgement timed out) unacknowledges the project alert the relay acknowledged", async () => {
    const cfg = await w.alertConfig();
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id });
    const key = dedupKey(w.projectId, a.id);
    const incident = await w.pd.waitForIncident(key, "triggered");
    await setIncident(incident.id, "acknowledged");
    await waitUntil("the project alert acknowledged", async () => (await alertOf(a.id)).acknowledgedUntil);
    // Two seconds later PagerDuty turns the incident back to triggered and says so.
    await waitUntil("the incident triggered again", async () => (await w.pd.incidents(key))[0].status === "triggered", 10_000);
    const unacked = await waitUntil(
      "the project alert unacknowledged",
      async () => {
        const x = await alertOf(a.id);
        return x.acknowledgedUntil ? undefined : x;
      },
      10_000,
    );
    expect(unacked.status).toBe("OPEN");
    // The relay records its unacknowledgement just after the project's answer.
    await waitUntil("the relay's record", async () => (await w.relay.store.getAlert(w.routeId, a.id))?.ackedByRelay === false);
    expect(await w.relay.store.getAlert(w.routeId, a.id)).toMatchObject({ pdState: "triggered", ackedByRelay: false, acknowledged: false });
    expect(await metric('relay_project_acks_total{action="unacknowledge",result="success"}')).toMatch(/ 1$/);
    await new Promise((r) => setTimeout(r, 800));
    // Neither change echoed back to PagerDuty.
    expect(pdActions(key)).toEqual(["trigger"]);
  });

  it("a person's acknowledgement in the project, timed out by PagerDuty: the relay does not acknowledge again, however many passes", async () => {
    const cfg = await w.alertConfig({ eventTypeName: "HOST_DOWN" });
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, hostnameAndPort: "db-3:27017" });
    const key = dedupKey(w.projectId, a.id);
    await w.pd.waitForIncident(key, "triggered");
    const until = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const res = await w.atlas.call(
      "PATCH",
      `/api/atlas/v2/groups/${w.projectId}/alerts/${a.id}`,
      { acknowledgedUntil: until, acknowledgementComment: "mine" },
      ACK,
    );
    expect(res.status).toBe(200);
    await w.pd.waitForIncident(key, "acknowledged");
    // Two seconds later PagerDuty's acknowledgement times out (incident.unacknowledged).
    await waitUntil("the acknowledgement timed out", async () => (await w.relay.store.getAlert(w.routeId, a.id))?.ackTimedOut === true, 10_000);
    expect((await w.pd.incidents(key))[0].status).toBe("triggered");
    for (let pass = 0; pass < 3; pass++) {
      await w.relay.reconciler.runOnce();
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(pdActions(key)).toEqual(["trigger", "acknowledge"]);
    expect((await w.pd.incidents(key))[0].status).toBe("triggered");
    // The person's acknowledgement in the project stays as they made it.
    expect((await alertOf(a.id)).acknowledgementComment).toBe("mine");
  });

  it("incident.resolved while the project alert is open acknowledges it; the close then sends nothing and nothing re-triggers", async () => {
    const cfg = await w.alertConfig({ eventTypeName: "HOST_DOWN" });
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, hostnameAndPort: "db-2:27017" });
    const key = dedupKey(w.projectId, a.id);
    const incident = await w.pd.waitForIncident(key, "triggered");
    await setIncident(incident.id, "resolved");
    const acked = await waitUntil("the project alert acknowledged", async () => {
      const x = await alertOf(a.id);
      return x.acknowledgedUntil ? x : undefined;
    });
    // The project owns open/closed: the alert stays open, acknowledged, with a comment naming PagerDuty.
    expect(acked.status).toBe("OPEN");
    expect(acked.acknowledgementComment).toMatch(/Resolved in PagerDuty/);
    expect((await w.relay.store.getAlert(w.routeId, a.id))?.pdState).toBe("resolved");
    await w.atlas.closeAlert(w.projectId, a.id);
    await waitUntil("the close recorded", async () => (await w.relay.store.getAlert(w.routeId, a.id))?.status === "CLOSED");
    await new Promise((r) => setTimeout(r, 800));
    expect(pdActions(key)).toEqual(["trigger"]);
    expect((await w.pd.incidents(key)).map((i) => i.status)).toEqual(["resolved"]);
  });
});

describe("PagerDuty intake", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    w = await startWorld({
      config: (c) => ({ ...c, pagerduty: { ...c.pagerduty, restToken: undefined, webhookSecrets: [{ env: "PD_HOOK_OLD" }, { env: "PD_HOOK" }] } }),
      env: { PD_HOOK: "hook-secret-new-0001", PD_HOOK_OLD: "hook-secret-old-0001" },
    });
  }, 30_000);
  afterAll(async () => w?.close());

  const event = (incidentKey: string) =>
    JSON.stringify({
      event: {
        id: "01EVT",
        event_type: "incident.acknowledged",
        resource_type: "incident",
        occurred_at: new Date().toISOString(),
        agent: { summary: "Ann" },
        data: { id: "PINC1", status: "acknowledged", incident_key: incidentKey },
      },
    });
  const send = (raw: string, sig: string | undefined, id = "wh-1") =>
    fetch(`${w.relay.url}/pagerduty`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-id": id, ...(sig ? { "x-pagerduty-signature": sig } : {}) },
      body: raw,
    });

  it.each([
    ["missing", undefined],
    ["forged", `v1=${"0".repeat(64)}`],
    ["signed with another secret", signatureHeader("not-our-secret", event("k"))],
  ])("rejects a %s signature with 401 and records nothing", async (_n, sig) => {
    const res = await send(event("k"), sig);
    expect(res.status).toBe(401);
    expect((await w.relay.store.outbox.list({ states: ["pending", "running", "done"], limit: 10 })).filter((j) => j.queue === "relay.pd-webhook")).toEqual([]);
  });

  it("accepts any of several signatures and secrets (rotation), once per X-Webhook-Id", async () => {
    const raw = event("mongodb-atlas/none/none");
    const sig = `${signatureHeader("hook-secret-old-0001", raw)},${signatureHeader("unrelated", raw)}`;
    expect((await send(raw, sig, "wh-42")).status).toBe(202);
    const again = await send(raw, signatureHeader("hook-secret-new-0001", raw), "wh-42");
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    expect((await w.relay.store.outbox.list({ states: ["pending", "running", "done"], limit: 10 })).filter((j) => j.queue === "relay.pd-webhook")).toHaveLength(
      1,
    );
  });

  it("refuses a correctly signed body that is not application/json with 415, recording nothing", async () => {
    const raw = event("mongodb-atlas/none/text");
    const res = await fetch(`${w.relay.url}/pagerduty`, {
      method: "POST",
      headers: { "content-type": "text/plain", "x-webhook-id": "wh-text", "x-pagerduty-signature": signatureHeader("hook-secret-new-0001", raw) },
      body: raw,
    });
    expect(res.status).toBe(415);
    expect((await w.relay.store.outbox.list({ states: ["pending", "running", "done"], limit: 10 })).filter((j) => j.queue === "relay.pd-webhook")).toHaveLength(
      1,
    );
  });

  it("answers 2xx to authentic events it does not sync (a ping)", async () => {
    const raw = JSON.stringify({ event: { id: "P", event_type: "pagey.ping", resource_type: "pagey", data: { message: "hi", type: "ping" } } });
    expect((await send(raw, signatureHeader("hook-secret-new-0001", raw), "wh-ping")).status).toBe(200);
  });
});
