import { alertBody, dedupKey, eventsFor, postAtlas, startWorld, waitUntil, type RelayWorld } from "../../support/relay";

let w: RelayWorld;
beforeAll(async () => {
  w = await startWorld();
}, 30_000);
afterAll(async () => {
  await w?.close();
});

const url = () => `${w.relay.url}/atlas/${w.routeId}`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const metric = async (name: string): Promise<string> => {
  const text = await (await fetch(`${w.relay.url}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .join("\n");
};

describe("Atlas intake: bad input is refused and changes nothing", () => {
  it.each<[string, () => Promise<{ status: number; body: any }>, number, string]>([
    ["a missing signature", () => postAtlas(url(), "alert.open", alertBody(w.projectId), undefined), 401, "bad_signature"],
    ["a forged signature", () => postAtlas(url(), "alert.open", alertBody(w.projectId), "not-the-secret"), 401, "bad_signature"],
    ["malformed JSON", () => postAtlas(url(), "alert.open", "{not json", w.secret), 400, "malformed_json"],
    ["an unknown event", () => postAtlas(url(), "alert.explode", alertBody(w.projectId), w.secret), 400, "unknown_event"],
    ["a body without the alert id", () => postAtlas(url(), "alert.open", { ...alertBody(w.projectId), id: undefined }, w.secret), 400, "invalid_alert"],
    ["an unknown route", () => postAtlas(`${w.relay.url}/atlas/nope`, "alert.open", alertBody(w.projectId), w.secret), 404, "unknown_route"],
    [
      "a correctly signed body sent as text/plain",
      () => postAtlas(url(), "alert.open", alertBody(w.projectId), w.secret, { "content-type": "text/plain" }),
      415,
      "unsupported_media_type",
    ],
    [
      "a correctly signed body without a content type",
      () => postAtlas(url(), "alert.open", alertBody(w.projectId), w.secret, { "content-type": "" }),
      415,
      "unsupported_media_type",
    ],
    [
      "a signed body last updated before the retention period (a captured open replayed: its alert may be pruned)",
      () => postAtlas(url(), "alert.open", alertBody(w.projectId, { created: minutesAgo(31 * 1440), updated: minutesAgo(31 * 1440) }), w.secret),
      400,
      "too_old",
    ],
    [
      "an open header on a closed body",
      () => postAtlas(url(), "alert.open", alertBody(w.projectId, { status: "CLOSED" }), w.secret),
      400,
      "event_contradicts_status",
    ],
    [
      "a close header on an open body (the header is not signed)",
      () => postAtlas(url(), "alert.close", alertBody(w.projectId, { status: "OPEN" }), w.secret),
      400,
      "event_contradicts_status",
    ],
    [
      "a body over 64 KB (Atlas sends a few KB)",
      () => postAtlas(url(), "alert.open", { ...alertBody(w.projectId), humanReadable: "x".repeat(64 * 1024) }, w.secret),
      413,
      "too_large",
    ],
  ])("%s", async (_name, send, status, error) => {
    const before = await w.relay.store.listAlerts({ limit: 1000 });
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(await w.relay.store.listAlerts({ limit: 1000 })).toEqual(before);
  });

  it("counts rejected signatures", async () => {
    expect(await metric('relay_webhooks_total{source="atlas",outcome="rejected_signature"}')).toMatch(/ [1-9]/);
  });

  it("accepts a verified alert of another project with 2xx and keeps it as a dead letter", async () => {
    const other = "f".repeat(24);
    const res = await postAtlas(url(), "alert.open", alertBody(other), w.secret);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("dead_letter");
    const dead = await w.relay.store.listIntakeDeadLetters(10);
    expect(dead[0]).toMatchObject({ routeId: w.routeId, projectId: other });
    expect(await metric('relay_dead_letters_total{kind="wrong_project"}')).toMatch(/ 1/);
  });

  it("keeps a signed body without a status as an intake dead letter: nobody is paged (Atlas always sends a status)", async () => {
    const body = alertBody(w.projectId, { status: undefined });
    const res = await postAtlas(url(), "alert.open", body, w.secret);
    expect(res).toMatchObject({ status: 202, body: { status: "dead_letter" } });
    expect(await w.relay.store.getAlert(w.routeId, String(body.id))).toBeUndefined();
    expect((await w.relay.store.listIntakeDeadLetters(10))[0]).toMatchObject({
      alertId: body.id,
      reason: expect.stringMatching(/without a status.*nobody paged/),
    });
    expect(await metric('relay_dead_letters_total{kind="no_status"}')).toMatch(/ 1$/);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(w.sandbox, dedupKey(w.projectId, String(body.id)))).toEqual([]);
  });

  it("counts refused media types and contradictions", async () => {
    expect(await metric('relay_webhooks_total{source="atlas",outcome="unsupported_media_type"}')).toMatch(/ 2$/);
    expect(await metric('relay_webhooks_total{source="atlas",outcome="contradiction"}')).toMatch(/ 2$/);
  });

  it("accepts the previous secret during a rotation only when configured", async () => {
    const res = await postAtlas(url(), "alert.update", alertBody(w.projectId, { status: "TRACKING" }), "previous-secret");
    expect(res.status).toBe(401);
  });
});

describe("Atlas intake → PagerDuty", () => {
  it("duplicate and out-of-order webhooks give exactly one trigger and one resolve", async () => {
    const open = alertBody(w.projectId, { updated: minutesAgo(10) });
    const close = { ...open, status: "CLOSED", updated: minutesAgo(5), resolved: minutesAgo(5) };
    const key = dedupKey(w.projectId, String(open.id));
    // open twice, then wait for the trigger; then close, an old open again, and the close again.
    expect((await postAtlas(url(), "alert.open", open, w.secret)).status).toBe(200);
    expect((await postAtlas(url(), "alert.open", open, w.secret)).body.status).toBe("already_known");
    await waitUntil("the trigger", async () => eventsFor(w.sandbox, key).length === 1);
    expect((await postAtlas(url(), "alert.close", close, w.secret)).status).toBe(200);
    expect((await postAtlas(url(), "alert.update", open, w.secret)).body.status).toBe("already_known");
    expect((await postAtlas(url(), "alert.close", close, w.secret)).body.status).toBe("already_known");
    await waitUntil("the resolve", async () => eventsFor(w.sandbox, key).length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([
      ["trigger", "alert_created"],
      ["resolve", "resolved"],
    ]);
  });

  it("a close that arrives before its open pages no one", async () => {
    const open = alertBody(w.projectId, { updated: minutesAgo(10) });
    const close = { ...open, status: "CLOSED", updated: minutesAgo(5) };
    expect((await postAtlas(url(), "alert.close", close, w.secret)).status).toBe(200);
    expect((await postAtlas(url(), "alert.open", open, w.secret)).body.status).toBe("already_known");
    await new Promise((r) => setTimeout(r, 400));
    expect(eventsFor(w.sandbox, dedupKey(w.projectId, String(open.id)))).toEqual([]);
    expect(await w.relay.store.getAlert(w.routeId, String(open.id))).toMatchObject({ status: "CLOSED", pdState: "none", firstStatus: "CLOSED" });
  });

  it("an alert with an empty hostnameAndPort and no cluster pages (the source falls back to the project; PagerDuty refuses a blank one)", async () => {
    const body = alertBody(w.projectId, { hostnameAndPort: "", clusterName: undefined, humanReadable: undefined });
    const key = dedupKey(w.projectId, String(body.id));
    expect((await postAtlas(url(), "alert.open", body, w.secret)).status).toBe(200);
    const incident = await w.pd.waitForIncident(key, "triggered");
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([["trigger", "alert_created"]]);
    expect((await w.pd.alerts(incident.id))[0]).toMatchObject({ alert_key: key });
    expect(await w.relay.store.outbox.list({ states: ["dead"], limit: 10 })).toEqual([]);
  });

  it("two projects with the same alert id never share a dedup key", () => {
    expect(dedupKey("a".repeat(24), "1".repeat(24))).not.toBe(dedupKey("b".repeat(24), "1".repeat(24)));
  });

  it("an alert opened in the project reaches PagerDuty with the configuration's severity; its close resolves it", async () => {
    const cfg = await w.alertConfig();
    const alert = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster0", replicaSetName: "atlas-rs0" });
    const key = dedupKey(w.projectId, alert.id);
    const incident = await w.pd.waitForIncident(key, "triggered");
    const alerts = await w.pd.alerts(incident.id);
    expect(alerts[0]).toMatchObject({ alert_key: key, severity: "critical" });
    await w.atlas.closeAlert(w.projectId, alert.id);
    await w.pd.waitForIncident(key, "resolved");
  });
});

describe("alert.inform (point-in-time events)", () => {
  it("becomes an info trigger immediately followed by its resolve: no incident is left open", async () => {
    const body = alertBody(w.projectId, { eventTypeName: "CLUSTER_MONGOS_IS_MISSING", humanReadable: "A mongos went away and came back" });
    const key = dedupKey(w.projectId, String(body.id));
    expect((await postAtlas(url(), "alert.inform", body, w.secret)).status).toBe(200);
    await waitUntil("the resolve", async () => eventsFor(w.sandbox, key).length === 2);
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([
      ["trigger", "alert_created"],
      ["resolve", "resolved"],
    ]);
    const [incident] = await w.pd.incidents(key);
    expect(incident.status).toBe("resolved");
    expect((await w.pd.alerts(incident.id))[0]).toMatchObject({ severity: "info", alert_key: key });
    // The relay records the resolve just after PagerDuty's 202.
    await waitUntil("the resolve recorded", async () => (await w.relay.store.getAlert(w.routeId, String(body.id)))?.pdState === "resolved");
    expect(await w.relay.store.getAlert(w.routeId, String(body.id))).toMatchObject({ inform: true, pdState: "resolved" });
    // Atlas repeating the notification changes nothing.
    expect((await postAtlas(url(), "alert.inform", body, w.secret)).body.status).toBe("already_known");
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(w.sandbox, key)).toHaveLength(2);
  });

  describe("with informs off in the config", () => {
    let off: RelayWorld;
    beforeAll(async () => {
      off = await startWorld({ config: (c) => ({ ...c, pagerduty: { ...c.pagerduty, informs: false } }) });
    }, 30_000);
    afterAll(async () => off?.close());

    it("answers 2xx, records nothing and sends nothing", async () => {
      const body = alertBody(off.projectId);
      const res = await postAtlas(`${off.relay.url}/atlas/${off.routeId}`, "alert.inform", body, off.secret);
      expect(res).toMatchObject({ status: 200, body: { status: "ignored" } });
      await new Promise((r) => setTimeout(r, 300));
      expect(eventsFor(off.sandbox, dedupKey(off.projectId, String(body.id)))).toEqual([]);
      expect(await off.relay.store.getAlert(off.routeId, String(body.id))).toBeUndefined();
    });
  });
});
