import { alertBody, allEvents, dedupKey, eventsFor, outage, postAtlas, startWorld, waitUntil, type RelayWorld } from "../../support/relay";

/** The outage length: short in the default suite; RELAY_OUTAGE_SECONDS=60 for the full case (slow suite). */
const OUTAGE_S = Number(process.env.RELAY_OUTAGE_SECONDS ?? 3);

describe("PagerDuty rejecting an event (400)", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    // A key PagerDuty refuses (config validation would catch it; here it must reach PagerDuty).
    w = await startWorld({ mutate: (c) => (c.routes[0].routingKey = "too-short-key") });
  }, 30_000);
  afterAll(async () => w?.close());

  it("leaves a dead letter and a metric, not a retry loop; a person's retry sends it again", async () => {
    const body = alertBody(w.projectId);
    expect((await postAtlas(`${w.relay.url}/atlas/${w.routeId}`, "alert.open", body, w.secret)).status).toBe(200);
    const dead = await waitUntil("a dead letter", async () => (await w.relay.store.outbox.list({ states: ["dead"], limit: 10 }))[0]);
    expect(dead.lastError).toMatch(/PagerDuty rejected the trigger.*routing_key/i);
    expect(dead.lastError).not.toContain("too-short-key");
    await new Promise((r) => setTimeout(r, 500));
    expect((await w.relay.store.outbox.list({ states: ["dead"], limit: 10 }))[0].attempts).toBe(1);
    const metrics = await (await fetch(`${w.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_events_sent_total\{action="trigger",result="rejected"\} 1/);
    expect(metrics).toMatch(/relay_dead_letter_jobs 1/);
    expect(await w.relay.store.outbox.retryDead(dead.id, Date.now())).toBe(true);
    w.relay.worker.kick();
    await waitUntil(
      "the retried job to die again",
      async () =>
        (await w.relay.store.outbox.list({ states: ["dead"], limit: 10 }))[0]?.attempts === 1 &&
        (await (await fetch(`${w.relay.url}/metrics`)).text()).includes('result="rejected"} 2'),
    );
  });
});

describe("a trigger PagerDuty refuses, reconciled", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    w = await startWorld({ mutate: (c) => (c.routes[0].routingKey = "too-short-key") });
  }, 30_000);
  afterAll(async () => w?.close());

  it("is not sent again for the same alert state: one dead letter after several passes, not one per pass", async () => {
    const cfg = await w.alertConfig();
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster0" });
    await waitUntil("the dead letter", async () => (await w.relay.store.outbox.list({ states: ["dead"], limit: 10 })).length === 1);
    expect((await w.relay.store.getAlert(w.routeId, a.id))?.pdRefused).toBe("trigger");
    for (let pass = 0; pass < 3; pass++) await w.relay.reconciler.runOnce();
    await new Promise((r) => setTimeout(r, 500));
    expect(await w.relay.store.outbox.list({ states: ["dead"], limit: 10 })).toHaveLength(1);
    expect(await (await fetch(`${w.relay.url}/metrics`)).text()).toMatch(/relay_events_sent_total\{action="trigger",result="rejected"\} 1\n/);
  });
});

describe("PagerDuty outages under load", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    w = await startWorld({ config: (c) => ({ ...c, pagerduty: { ...c.pagerduty, eventsPerMinute: 6000, burst: 50 } }) });
  }, 30_000);
  afterAll(async () => w?.close());

  it.each([429, 503] as const)(
    `a ${OUTAGE_S} s outage answering %d: everything is delivered afterwards, no 400s`,
    async (status) => {
      const post = (event: string, b: Record<string, unknown>) => postAtlas(`${w.relay.url}/atlas/${w.routeId}`, event, b, w.secret);
      const pdState = (b: Record<string, unknown>) => w.relay.store.getAlert(w.routeId, String(b.id)).then((a) => a?.pdState);
      // 10 alerts open and reach PagerDuty; then PagerDuty goes down while they close and 10 more open.
      const early = Array.from({ length: 10 }, () => alertBody(w.projectId));
      for (const b of early) expect((await post("alert.open", b)).status).toBe(200);
      await waitUntil("the first triggers", async () => (await Promise.all(early.map(pdState))).every((s) => s === "triggered"), 20_000);
      await outage(w.sandbox, OUTAGE_S, status);
      const late = Array.from({ length: 10 }, () => alertBody(w.projectId));
      for (const b of late) expect((await post("alert.open", b)).status).toBe(200);
      for (const b of early) {
        expect((await post("alert.close", { ...b, status: "CLOSED", updated: new Date(Date.parse(String(b.updated)) + 1000).toISOString() })).status).toBe(200);
      }
      await waitUntil(
        "every change delivered",
        async () =>
          (await Promise.all(early.map(pdState))).every((s) => s === "resolved") && (await Promise.all(late.map(pdState))).every((s) => s === "triggered"),
        (OUTAGE_S + 30) * 1000,
      );
      for (const [list, want] of [
        [early, ["trigger", "resolve"]],
        [late, ["trigger"]],
      ] as const) {
        for (const b of list) expect(eventsFor(w.sandbox, dedupKey(w.projectId, String(b.id))).map((e) => e.event_action)).toEqual(want);
      }
      expect(allEvents(w.sandbox).filter((e) => e.outcome.startsWith("rejected"))).toEqual([]);
      expect((await w.relay.store.outbox.list({ states: ["dead"], limit: 10 })).length).toBe(0);
      const metrics = await (await fetch(`${w.relay.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`relay_events_sent_total\\{action="(trigger|resolve)",result="${status === 429 ? "rate_limited" : "server_error"}"\\} [1-9]`),
      );
    },
    (OUTAGE_S + 60) * 1000,
  );
});

describe("a send in doubt", () => {
  let w: RelayWorld;
  beforeAll(async () => {
    w = await startWorld();
  }, 30_000);
  afterAll(async () => w?.close());

  it("a trigger answered 503 (maybe processed) and then a close: one resolve, which PagerDuty drops harmlessly; no incident, no dead letter", async () => {
    const body = alertBody(w.projectId);
    const key = dedupKey(w.projectId, String(body.id));
    await outage(w.sandbox, 2, 503);
    expect((await postAtlas(`${w.relay.url}/atlas/${w.routeId}`, "alert.open", body, w.secret)).status).toBe(200);
    await waitUntil("the trigger attempted", async () => (await w.relay.store.getAlert(w.routeId, String(body.id)))?.pdAttempted === "trigger");
    const closed = { ...body, status: "CLOSED", updated: new Date(Date.parse(String(body.updated)) + 1_000).toISOString() };
    expect((await postAtlas(`${w.relay.url}/atlas/${w.routeId}`, "alert.close", closed, w.secret)).status).toBe(200);
    await waitUntil("the resolve recorded", async () => (await w.relay.store.getAlert(w.routeId, String(body.id)))?.pdState === "resolved", 15_000);
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([["resolve", "dropped_no_open_alert"]]);
    expect(await w.pd.incidents(key)).toEqual([]);
    expect(await w.relay.store.outbox.list({ states: ["dead"], limit: 10 })).toEqual([]);
    const metrics = await (await fetch(`${w.relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_events_sent_total\{action="trigger",result="server_error"\} [1-9]/);
    expect(metrics).not.toMatch(/relay_events_sent_total\{action="trigger",result="success"\}/);
  });
});

describe("reconciliation", () => {
  let w: RelayWorld;
  const dataDir = require("node:fs").mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "relay-reconcile-"));
  beforeAll(async () => {
    w = await startWorld({ dataDir });
  }, 30_000);
  afterAll(async () => w?.close());

  it("repairs a missed close (after reading CLOSED) and a missed open; an open alert is never resolved", async () => {
    const cfg = await w.alertConfig();
    const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster0" });
    const stays = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster2" });
    const key = dedupKey(w.projectId, a.id);
    await w.pd.waitForIncident(key, "triggered");
    await w.pd.waitForIncident(dedupKey(w.projectId, stays.id), "triggered");
    // The relay is down while the project closes one alert and opens another: both webhooks are lost.
    await w.relay.close();
    await w.atlas.closeAlert(w.projectId, a.id);
    const b = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster1" });
    await new Promise((r) => setTimeout(r, 500));
    await w.restart();
    expect((await w.pd.incidents(key))[0].status).toBe("triggered");

    await w.relay.reconciler.runOnce();
    await w.pd.waitForIncident(key, "resolved");
    await w.pd.waitForIncident(dedupKey(w.projectId, b.id), "triggered");
    expect((await w.pd.incidents(dedupKey(w.projectId, stays.id)))[0].status).toBe("triggered");
    const reconciled = await w.relay.store.lastReconciled();
    expect(reconciled[w.routeId]).toMatchObject({ repairs: 2 });
  });
});
