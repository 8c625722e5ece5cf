import { createHmac } from "node:crypto";
import type { RecordedRequest } from "../../test/support/fake-server";
import { PD_KEY, PD_KEY_2, startAtlas, V2024, type AtlasHarness } from "../../test/support/atlas/harness";
import { pagerDutyEventErrors } from "../../test/support/atlas/pagerduty-check";

const SECRET = "whsec-0123456789";
const isPd = (c: RecordedRequest) => c.path.endsWith("/v2/enqueue");
const isHook = (c: RecordedRequest) => c.path.startsWith("/hook");
const pdEvents = (sb: AtlasHarness) => sb.capture.requests.filter(isPd).map((c) => c.json as any);
const hooks = (sb: AtlasHarness) => sb.capture.requests.filter(isHook);

describe("alert lifecycle and notifications", () => {
  let sb: AtlasHarness;
  const cfgPath = () => `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;

  beforeEach(async () => {
    sb = await startAtlas();
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  /** Sandbox-only calls: authenticated, plain JSON. */
  async function sandbox(method: string, path: string, body?: unknown) {
    return sb.api(method, path, body, { accept: "application/json", "content-type": "application/json" });
  }
  const tick = () => sandbox("POST", "/sandbox/tick");
  const openAlert = (alertConfigId: string, fields: object = {}) => sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts`, { alertConfigId, ...fields });

  async function config(body: object) {
    const res = await sb.api("POST", cfgPath(), body);
    expect(res.status).toBe(201);
    return res.body;
  }

  it("tracks, opens after delayMin, triggers, updates, acknowledges and resolves with one dedup key", async () => {
    const cfg = await config({
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      enabled: true,
      severityOverride: "WARNING",
      metricThreshold: { metricName: "CONNECTIONS_PERCENT", operator: "GREATER_THAN", threshold: 80, units: "RAW" },
      notifications: [
        { typeName: "PAGER_DUTY", serviceKey: PD_KEY, region: "EU", delayMin: 5 },
        { typeName: "WEBHOOK", webhookUrl: `${sb.capture.url}/hook/abc`, webhookSecret: SECRET, delayMin: 5 },
        { typeName: "EMAIL", emailAddress: "oncall@example.com", delayMin: 5 },
      ],
    });
    const opened = await openAlert(cfg.id, {
      clusterName: "Cluster0",
      hostnameAndPort: "cluster0-shard-00-00.example.net:27017",
      replicaSetName: "atlas-rs0",
      metricName: "CONNECTIONS_PERCENT",
      currentValue: { number: 91.5, units: "count" },
    });
    expect(opened.status).toBe(201);
    const alert = opened.body;
    expect(alert).toMatchObject({ status: "TRACKING", alertConfigId: cfg.id, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", groupId: sb.groupId });
    const alertPath = `/api/atlas/v2/groups/${sb.groupId}/alerts/${alert.id}`;

    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts?status=TRACKING`)).body.totalCount).toBe(1);
    sb.clock.advance(4 * 60_000 + 59_000);
    await tick();
    expect((await sb.api("GET", alertPath)).body.status).toBe("TRACKING");
    expect(sb.capture.requests).toHaveLength(0);

    sb.clock.advance(1_000);
    expect((await tick()).body.alertsChanged).toBe(1);
    await sb.capture.waitFor(2);
    const open = await sb.api("GET", alertPath);
    expect(open.body).toMatchObject({ status: "OPEN", lastNotified: "2026-03-01T10:05:00Z" });
    expect((await sb.api("GET", `${cfgPath()}/${cfg.id}/alerts`)).body.totalCount).toBe(1);

    const [trigger] = sb.capture.requests.filter(isPd);
    expect(trigger.path).toBe("/eu/v2/enqueue");
    expect(pagerDutyEventErrors(trigger)).toEqual([]);
    expect(trigger.json).toMatchObject({
      routing_key: PD_KEY,
      event_action: "trigger",
      dedup_key: alert.id,
      client: "MongoDB Atlas",
      payload: {
        summary: "Outside metric threshold: CONNECTIONS_PERCENT is 91.5 count on cluster0-shard-00-00.example.net:27017 (cluster Cluster0)",
        source: "cluster0-shard-00-00.example.net:27017",
        severity: "warning",
        component: "cluster0-shard-00-00.example.net:27017",
        group: "Cluster0",
        class: "OUTSIDE_METRIC_THRESHOLD",
        custom_details: { id: alert.id, status: "OPEN", alertConfigId: cfg.id, clusterName: "Cluster0" },
      },
    });

    const [hook] = hooks(sb);
    expect(hook.path).toBe("/hook/abc");
    expect(hook.headers["x-mms-event"]).toBe("alert.open");
    expect(hook.headers["content-type"]).toBe("application/json");
    // The signature covers the exact bytes received.
    expect(hook.headers["x-mms-signature"]).toBe(createHmac("sha1", SECRET).update(hook.raw).digest("base64"));
    expect(hook.json).toMatchObject({
      id: alert.id,
      status: "OPEN",
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      humanReadable: expect.stringContaining("Status: OPEN"),
    });

    // An update re-triggers under the same dedup key and tells the webhook.
    sb.clock.advance(60_000);
    const upd = await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${alert.id}/update`, { currentValue: { number: 97, units: "count" } });
    expect(upd.body.currentValue).toEqual({ number: 97, units: "count" });
    await sb.capture.waitFor(4);
    expect(pdEvents(sb)[1]).toMatchObject({ event_action: "trigger", dedup_key: alert.id, payload: { summary: expect.stringContaining("is 97 count") } });
    expect(hooks(sb)[1].headers["x-mms-event"]).toBe("alert.update");

    // Acknowledging through the API: recorded on the alert, webhook told, PagerDuty not.
    const ack = await sb.api("PATCH", alertPath, { acknowledgedUntil: "2026-03-02T10:00:00Z", acknowledgementComment: "on it" }, { accept: V2024 });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      acknowledgedUntil: "2026-03-02T10:00:00Z",
      acknowledgementComment: "on it",
      acknowledgingUsername: expect.stringMatching(/@/),
    });
    await sb.capture.waitFor(1, (c) => c.headers["x-mms-event"] === "alert.acknowledge");
    expect(pdEvents(sb)).toHaveLength(2);
    const tooLong = await sb.api("PATCH", alertPath, { acknowledgedUntil: "2026-03-02T10:00:00Z", acknowledgementComment: "x".repeat(201) }, { accept: V2024 });
    expect(tooLong.body.errorCode).toBe("ACKNOWLEDGEMENT_COMMENT_TOO_LONG");
    const past = await sb.api("PATCH", alertPath, { acknowledgedUntil: "2020-01-01T00:00:00Z" }, { accept: V2024 });
    expect(past.status).toBe(400);

    // Close: resolve with the same key and routing key, webhook alert.close.
    const closed = await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${alert.id}/close`);
    expect(closed.body).toMatchObject({ status: "CLOSED", resolved: expect.any(String) });
    await sb.capture.waitFor(1, (c) => c.headers["x-mms-event"] === "alert.close");
    await sb.capture.waitFor(3, isPd);
    const resolve = pdEvents(sb)[2];
    expect(resolve).toEqual({ routing_key: PD_KEY, event_action: "resolve", dedup_key: alert.id });
    expect(pagerDutyEventErrors(sb.capture.requests.filter(isPd)[2])).toEqual([]);
    expect(new Set(pdEvents(sb).map((e) => e.dedup_key))).toEqual(new Set([alert.id]));

    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts?status=CLOSED`)).body.results.map((a: any) => a.id)).toEqual([alert.id]);
    expect((await sb.api("GET", `${cfgPath()}/${cfg.id}/alerts`)).body.totalCount).toBe(0);
    expect((await sb.api("GET", `${alertPath}/alertConfigs`)).body.results[0].id).toBe(cfg.id);
    expect((await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${alert.id}/close`)).status).toBe(409);
    expect((await sb.api("PATCH", alertPath, { unacknowledgeAlert: true }, { accept: V2024 })).status).toBe(200); // real Atlas: CLOSED alerts too

    // The outbox lists deliveries without keys, secrets or bodies.
    const outbox = await sandbox("GET", `/sandbox/groups/${sb.groupId}/notifications`);
    expect(outbox.text).not.toContain(PD_KEY);
    expect(outbox.text).not.toContain(SECRET);
    expect(outbox.body.results.map((r: any) => `${r.kind}:${r.event}:${r.status}`)).toEqual([
      "pagerduty:alert.open:sent",
      "webhook:alert.open:sent",
      "pagerduty:alert.update:sent",
      "webhook:alert.update:sent",
      "webhook:alert.acknowledge:sent",
      "pagerduty:alert.close:sent",
      "webhook:alert.close:sent",
    ]);
    expect(outbox.body.results[0]).toMatchObject({
      eventAction: "trigger",
      dedupKey: alert.id,
      routingKey: "****************************0022",
      attempts: 1,
      lastStatus: 202,
    });
  });

  it("uses the integration's key via integrationId, notifies per delay, holds notifications while acknowledged", async () => {
    const integ = (await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/integrations/PAGER_DUTY`, { serviceKey: PD_KEY_2 })).body.results[0];
    await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/integrations/WEBHOOK`, { url: `${sb.capture.url}/hook/default`, secret: SECRET });
    const cfg = await config({
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: [
        { typeName: "PAGER_DUTY", integrationId: integ.id, delayMin: 0 },
        { typeName: "WEBHOOK", delayMin: 10 },
      ],
    });
    const a = (await openAlert(cfg.id, { clusterName: "Cluster1", replicaSetName: "atlas-rs1" })).body;
    expect(a.status).toBe("OPEN"); // the smallest delay is 0
    await sb.capture.waitFor(1, isPd);
    expect(pdEvents(sb)[0]).toMatchObject({ routing_key: PD_KEY_2, dedup_key: a.id, payload: { severity: "error", source: "Cluster1" } });
    expect(sb.capture.requests.filter(isPd)[0].path).toBe("/us/v2/enqueue");

    await sb.api("PATCH", `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`, { acknowledgedUntil: "2026-03-01T11:00:00Z" }, { accept: V2024 });
    sb.clock.advance(10 * 60_000);
    await tick();
    expect(hooks(sb)).toHaveLength(0); // held back while acknowledged
    await sb.api("PATCH", `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`, { unacknowledgeAlert: true }, { accept: V2024 });
    const [h] = await sb.capture.waitFor(1, isHook);
    expect(h.path).toBe("/hook/default");
    expect(h.headers["x-mms-event"]).toBe("alert.open");
    expect(h.headers["x-mms-signature"]).toBe(createHmac("sha1", SECRET).update(h.raw).digest("base64"));

    // Deleting the configuration cancels its open alert: resolve + alert.cancel.
    expect((await sb.api("DELETE", `${cfgPath()}/${cfg.id}`)).status).toBe(204);
    await sb.capture.waitFor(1, (c) => c.headers["x-mms-event"] === "alert.cancel");
    await sb.capture.waitFor(2, isPd);
    expect(pdEvents(sb)[1]).toEqual({ routing_key: PD_KEY_2, event_action: "resolve", dedup_key: a.id });
    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`)).body.status).toBe("CANCELLED");
  });

  it("cancels quietly while TRACKING, resolves when OPEN; refuses alerts for disabled configurations", async () => {
    const disabled = await config({ eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY }] });
    expect((await openAlert(disabled.id)).status).toBe(409);

    const cfg = await config({ eventTypeName: "NO_PRIMARY", enabled: true, notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY, delayMin: 15 }] });
    const tracking = (await openAlert(cfg.id)).body;
    const cancelled = await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${tracking.id}/cancel`);
    expect(cancelled.body.status).toBe("CANCELLED");
    await tick();
    expect(sb.capture.requests).toHaveLength(0);

    const b = (await openAlert(cfg.id)).body;
    sb.clock.advance(15 * 60_000);
    await tick();
    await sb.capture.waitFor(1, isPd);
    // Disabling the configuration cancels the open alert.
    expect((await sb.api("PATCH", `${cfgPath()}/${cfg.id}`, { enabled: false })).body.enabled).toBe(false);
    await sb.capture.waitFor(2, isPd);
    expect(pdEvents(sb).map((e) => `${e.event_action}:${e.dedup_key}`)).toEqual([`trigger:${b.id}`, `resolve:${b.id}`]);
    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/${b.id}`)).body.status).toBe("CANCELLED");
  });

  it("retries 5xx with backoff in order, gives up on PagerDuty 400", async () => {
    let failures = 2;
    sb.capture.fallback = (c) => {
      if (isPd(c) && (c.json as any).routing_key === PD_KEY_2)
        return { status: 400, body: { status: "invalid event", message: "Event object is invalid", errors: ["bad"] } };
      if (isPd(c) && failures > 0) {
        failures--;
        return { status: 503, body: { status: "unavailable" } };
      }
      return { status: 202, body: { status: "success", message: "Event processed" } };
    };
    const cfg = await config({ eventTypeName: "NO_PRIMARY", enabled: true, notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY }] });
    const a = (await openAlert(cfg.id)).body;
    await sb.capture.waitFor(1, isPd);
    await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${a.id}/close`);
    await tick();
    // The resolve waits behind the trigger being retried.
    let out = (await sandbox("GET", `/sandbox/groups/${sb.groupId}/notifications`)).body.results;
    expect(out.map((r: any) => [r.event, r.status, r.attempts])).toEqual([
      ["alert.open", "pending", 1],
      ["alert.close", "pending", 0],
    ]);
    expect(out[0]).toMatchObject({ lastStatus: 503, lastError: expect.stringContaining("HTTP 503") });

    sb.clock.advance(1_000);
    await tick();
    expect(sb.capture.requests.filter(isPd)).toHaveLength(2);
    sb.clock.advance(2_000);
    await tick();
    await sb.capture.waitFor(4, isPd);
    out = (await sandbox("GET", `/sandbox/groups/${sb.groupId}/notifications`)).body.results;
    expect(out.map((r: any) => [r.event, r.status, r.attempts])).toEqual([
      ["alert.open", "sent", 3],
      ["alert.close", "sent", 1],
    ]);
    expect(pdEvents(sb).map((e) => e.event_action)).toEqual(["trigger", "trigger", "trigger", "resolve"]);

    const bad = await config({ eventTypeName: "NO_PRIMARY", enabled: true, notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY_2 }] });
    await openAlert(bad.id);
    await tick();
    sb.clock.advance(60_000);
    await tick();
    out = (await sandbox("GET", `/sandbox/groups/${sb.groupId}/notifications`)).body.results;
    expect(out[2]).toMatchObject({ status: "failed", attempts: 1, lastStatus: 400 });
  });
});
