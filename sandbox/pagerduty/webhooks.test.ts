import { createHmac, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConformanceRecorder, specsDir } from "../../test/support/openapi";
import { ManualClock } from "../../lib/clock";
import { drainWebhookDeliveries } from "./app";
import {
  call,
  restClient,
  sendEvent,
  serviceWithKey,
  startPagerDuty,
  trigger,
  waitFor,
  webhookReceiver,
  type RestClient,
  type PagerDutyHarness,
} from "../../test/support/pagerduty/harness";
import type { FakeServer } from "../../test/support/fake-server";

/** Webhook v3 deliveries to real local receivers. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
let rest: RestClient;
const receivers: FakeServer[] = [];

beforeAll(async () => {
  pd = await startPagerDuty(recorder, { webhookRetry: { baseDelayMs: 20, maxAttempts: 4, timeoutMs: 300 } });
  rest = restClient(pd.url);
});

afterAll(async () => {
  await pd.close();
  await Promise.all(receivers.map((r) => r.close()));
  expect(recorder.errors()).toEqual([]);
});

async function receiver(answer?: Parameters<typeof webhookReceiver>[0]): Promise<FakeServer> {
  const r = await webhookReceiver(answer);
  receivers.push(r);
  return r;
}

async function subscribe(url: string, events: string[], filter: Record<string, string> = { type: "account_reference" }, on = rest) {
  const r = await on.post("/webhook_subscriptions", {
    webhook_subscription: {
      type: "webhook_subscription",
      delivery_method: { type: "http_delivery_method", url, custom_headers: [{ name: "X-Relay-Token", value: "abc" }] },
      events,
      filter,
    },
  });
  expect(r.status).toBe(200);
  return { id: r.body.webhook_subscription.id as string, secret: r.body.webhook_subscription.delivery_method.secret as string };
}

/** What a relay does: HMAC-SHA256 over the raw bytes, any `v1=` entry may match, constant-time compare. */
function signatureValid(secret: string, raw: Buffer, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(raw).digest("hex"));
  return String(header ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("v1="))
    .some((s) => {
      const got = Buffer.from(s.slice(3));
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

const state = async (base = pd.url) => (await call(`${base}/sandbox/state`)).body;

describe("webhook deliveries", () => {
  test("incident lifecycle → signed deliveries with PagerDuty's headers and the samples' shape", async () => {
    const rx = await receiver();
    const { key, serviceId } = await serviceWithKey(rest);
    const sub = await subscribe(rx.url, ["incident.triggered", "incident.acknowledged", "incident.resolved"], { type: "service_reference", id: serviceId });

    await sendEvent(pd.url, trigger(key, "Replica down", { dedup_key: "wh-1" }));
    const inc = (await rest.get("/incidents?incident_key=wh-1")).body.incidents[0];
    await rest.put(`/incidents/${inc.id}`, { incident: { type: "incident_reference", status: "acknowledged" } }, { from: "oncall@example.com" });
    await sendEvent(pd.url, { routing_key: key, event_action: "resolve", dedup_key: "wh-1" });
    await waitFor(() => rx.requests.length >= 3, 3000, "3 deliveries");

    expect(rx.requests.map((r) => r.json.event.event_type)).toEqual(["incident.triggered", "incident.acknowledged", "incident.resolved"]);
    for (const r of rx.requests) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["user-agent"]).toBe("PagerDuty-Webhook/V3.0");
      expect(r.headers["x-webhook-subscription"]).toBe(sub.id);
      expect(r.headers["x-webhook-id"]).toMatch(/^Q[A-Z0-9]{13}$/);
      expect(r.headers["x-relay-token"]).toBe("abc");
      expect(signatureValid(sub.secret, r.raw, r.headers["x-pagerduty-signature"])).toBe(true);
      // A signature over anything but the exact bytes must fail.
      expect(signatureValid(sub.secret, Buffer.from(JSON.stringify(r.json, null, 1)), r.headers["x-pagerduty-signature"])).toBe(false);
    }
    expect(new Set(rx.requests.map((r) => r.headers["x-webhook-id"])).size).toBe(3);

    const [triggered, acked, resolved] = rx.requests.map((r) => r.json.event);
    expect(triggered).toMatchObject({
      event_type: "incident.triggered",
      resource_type: "incident",
      agent: { type: "service_reference", id: serviceId },
      client: null,
      data: {
        id: inc.id,
        type: "incident",
        status: "triggered",
        incident_key: "wh-1",
        title: "Replica down",
        service: { id: serviceId, type: "service_reference" },
      },
    });
    expect(triggered.occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(acked).toMatchObject({ agent: { type: "user_reference", summary: "oncall@example.com" }, data: { status: "acknowledged" } });
    expect(resolved.data.status).toBe("resolved");

    // Same fields as the real captured deliveries (plus incident_key, which the docs example has).
    const samples = JSON.parse(fs.readFileSync(path.join(specsDir(), "pagerduty-webhook-v3-samples.json"), "utf8"));
    const real = samples.captured_fixtures["incident.triggered"].event;
    expect(Object.keys(triggered).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(triggered.data).sort()).toEqual([...Object.keys(real.data), "incident_key", "created_at"].sort());
    expect(Object.keys(triggered.data.service).sort()).toEqual(Object.keys(real.data.service).sort());
  });

  test("subscriptions only get their event types and their service", async () => {
    const rx = await receiver();
    const a = await serviceWithKey(rest);
    const b = await serviceWithKey(rest);
    await subscribe(rx.url, ["incident.resolved"], { type: "service_reference", id: a.serviceId });
    await sendEvent(pd.url, trigger(a.key, "A", { dedup_key: "only-a" }));
    await sendEvent(pd.url, trigger(b.key, "B", { dedup_key: "only-b" }));
    await sendEvent(pd.url, { routing_key: b.key, event_action: "resolve", dedup_key: "only-b" });
    await sendEvent(pd.url, { routing_key: a.key, event_action: "resolve", dedup_key: "only-a" });
    await waitFor(() => rx.requests.length >= 1);
    await drainWebhookDeliveries(pd.app);
    expect(rx.requests.map((r) => [r.json.event.event_type, r.json.event.data.incident_key])).toEqual([["incident.resolved", "only-a"]]);
  });

  test("a 500 is retried with the same X-Webhook-Id and byte-identical body, then delivered", async () => {
    const rx = await receiver((_r, i) => (i === 0 ? 500 : 200));
    const { key, serviceId } = await serviceWithKey(rest);
    const sub = await subscribe(rx.url, ["incident.triggered"], { type: "service_reference", id: serviceId });
    await sendEvent(pd.url, trigger(key, "retry me"));
    await waitFor(() => rx.requests.length >= 2, 3000, "retry");
    const [first, second] = rx.requests;
    expect(first.headers["x-webhook-id"]).toBe(second.headers["x-webhook-id"]);
    expect(first.raw.equals(second.raw)).toBe(true);
    expect(signatureValid(sub.secret, second.raw, second.headers["x-pagerduty-signature"])).toBe(true);
    await waitFor(async () => (await state()).webhook_deliveries.some((d: any) => d.id === first.headers["x-webhook-id"] && d.delivered_at), 2000, "delivered");
    const d = (await state()).webhook_deliveries.find((x: any) => x.id === first.headers["x-webhook-id"]);
    expect(d).toMatchObject({ attempts: 2, last_status: 200 });
  });

  test("429, timeouts and refused connections are retried until maxAttempts, then given up", async () => {
    const slow = await receiver((_r, i) => (i === 0 ? 429 : i === 1 ? 0 : 200));
    const { key, serviceId } = await serviceWithKey(rest);
    await subscribe(slow.url, ["incident.triggered"], { type: "service_reference", id: serviceId });
    await sendEvent(pd.url, trigger(key, "flaky receiver"));
    await waitFor(() => slow.requests.length >= 3, 4000, "429 → timeout → 200");
    expect(new Set(slow.requests.map((r) => r.headers["x-webhook-id"])).size).toBe(1);

    const gone = await receiver();
    const goneUrl = gone.url;
    await gone.close();
    const other = await serviceWithKey(rest);
    const sub = await subscribe(goneUrl, ["incident.triggered"], { type: "service_reference", id: other.serviceId });
    await sendEvent(pd.url, trigger(other.key, "nobody listening"));
    await waitFor(async () => (await state()).webhook_deliveries.some((d: any) => d.subscription_id === sub.id && d.failed_at), 4000, "give up");
    const d = (await state()).webhook_deliveries.find((x: any) => x.subscription_id === sub.id);
    expect(d.attempts).toBe(4);
    expect(d.last_error).toMatch(/ECONNREFUSED|network|Socket|error/i);
    // A refused connection is not a "drop": the subscription stays active.
    expect((await rest.get(`/webhook_subscriptions/${sub.id}`)).body.webhook_subscription.active).toBe(true);
  });

  test("other 4xx are dropped without retry; 3 drops in a row disable the subscription; enable restores it", async () => {
    let status = 404;
    const rx = await receiver(() => status);
    const { key, serviceId } = await serviceWithKey(rest);
    const sub = await subscribe(rx.url, ["incident.triggered"], { type: "service_reference", id: serviceId });
    for (let i = 0; i < 3; i++) {
      await sendEvent(pd.url, trigger(key, `drop ${i}`));
      await waitFor(() => rx.requests.length >= i + 1, 2000, `delivery ${i}`);
    }
    await drainWebhookDeliveries(pd.app);
    expect(rx.requests).toHaveLength(3); // no retries of a 404
    await waitFor(async () => (await rest.get(`/webhook_subscriptions/${sub.id}`)).body.webhook_subscription.active === false, 2000, "disabled");
    const disabled = (await rest.get(`/webhook_subscriptions/${sub.id}`)).body.webhook_subscription;
    expect(disabled.delivery_method.temporarily_disabled).toBe(true);

    // While disabled nothing is queued for it.
    await sendEvent(pd.url, trigger(key, "while disabled"));
    await drainWebhookDeliveries(pd.app, { ignoreSchedule: true });
    expect(rx.requests).toHaveLength(3);

    status = 200;
    const enabled = await rest.post(`/webhook_subscriptions/${sub.id}/enable`);
    expect(enabled.body.webhook_subscription).toMatchObject({ active: true, delivery_method: { temporarily_disabled: false } });
    await sendEvent(pd.url, trigger(key, "after enable"));
    await waitFor(() => rx.requests.length === 4, 2000, "delivery after enable");
    expect(rx.requests[3].json.event.data.title).toBe("after enable");
  });

  test("a success breaks the run of drops", async () => {
    const answers = [400, 400, 200, 400, 400];
    const rx = await receiver((_r, i) => answers[i] ?? 200);
    const { key, serviceId } = await serviceWithKey(rest);
    const sub = await subscribe(rx.url, ["incident.triggered"], { type: "service_reference", id: serviceId });
    for (let i = 0; i < answers.length; i++) {
      await sendEvent(pd.url, trigger(key, `run ${i}`));
      await waitFor(() => rx.requests.length >= i + 1, 2000, `delivery ${i}`);
    }
    await drainWebhookDeliveries(pd.app);
    expect((await rest.get(`/webhook_subscriptions/${sub.id}`)).body.webhook_subscription.active).toBe(true);
  });

  test("ping sends a signed pagey.ping", async () => {
    const rx = await receiver();
    const sub = await subscribe(rx.url, ["incident.triggered"]);
    const ping = await rest.post(`/webhook_subscriptions/${sub.id}/ping`);
    expect(ping.status).toBe(202);
    await waitFor(() => rx.requests.some((r) => r.json?.event?.event_type === "pagey.ping"), 2000, "ping");
    const r = rx.requests.find((x) => x.json.event.event_type === "pagey.ping")!;
    expect(signatureValid(sub.secret, r.raw, r.headers["x-pagerduty-signature"])).toBe(true);
    await rest.del(`/webhook_subscriptions/${sub.id}`);
  });
});

describe("service timeouts (ManualClock)", () => {
  test("acknowledgement timeout → incident.unacknowledged; auto-resolve timeout → incident.resolved", async () => {
    const clock = new ManualClock("2026-03-01T10:00:00Z");
    // A long poll interval: this test drives the worker by hand.
    const local = await startPagerDuty(recorder, { clock, webhookPollMs: 60_000 });
    try {
      const r = restClient(local.url);
      const rx = await receiver();
      const svc = await call(`${local.url}/sandbox/services`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "timeouts", integration: true, acknowledgement_timeout: 60, auto_resolve_timeout: 3600 }),
      });
      expect(svc.status).toBe(201);
      const key = svc.body.integration.integration_key;
      await subscribe(
        rx.url,
        ["incident.triggered", "incident.acknowledged", "incident.unacknowledged", "incident.resolved"],
        { type: "account_reference" },
        r,
      );

      await sendEvent(local.url, trigger(key, "slow burn", { dedup_key: "t" }));
      await sendEvent(local.url, { routing_key: key, event_action: "acknowledge", dedup_key: "t" });
      clock.advance(59_000);
      await drainWebhookDeliveries(local.app);
      expect((await r.get("/incidents?incident_key=t")).body.incidents[0].status).toBe("acknowledged");
      clock.advance(2_000);
      await drainWebhookDeliveries(local.app);
      expect((await r.get("/incidents?incident_key=t")).body.incidents[0].status).toBe("triggered");
      clock.advance(3600_000);
      await drainWebhookDeliveries(local.app);
      expect((await r.get("/incidents?incident_key=t")).body.incidents[0].status).toBe("resolved");
      expect(rx.requests.map((x) => x.json.event.event_type)).toEqual([
        "incident.triggered",
        "incident.acknowledged",
        "incident.unacknowledged",
        "incident.resolved",
      ]);
      expect(rx.requests[0].json.event.occurred_at).toBe("2026-03-01T10:00:00.000Z");
      const timeline = (await state(local.url)).incidents[0].timeline.map((e: any) => `${e.kind}:${e.channel}`);
      expect(timeline).toEqual(["trigger:events_api", "acknowledge:events_api", "unacknowledge:timeout", "resolve:timeout"]);
    } finally {
      await local.close();
    }
  });
});
