import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConformanceRecorder } from "../../test/support/openapi";
import { openDb } from "../../lib/sqlite";
import { drainWebhookDeliveries } from "./app";
import { call, restClient, sendEvent, serviceWithKey, startPagerDuty, trigger, waitFor, webhookReceiver } from "../../test/support/pagerduty/harness";

/** State lives in the SQLite file: a restarted sandbox knows its services, keys, incidents and pending webhooks. */
const recorder = new ConformanceRecorder();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pd-sandbox-"));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  expect(recorder.errors()).toEqual([]);
});

test("services, integration keys, incidents, timeline and the webhook outbox survive a restart", async () => {
  let answer = 500;
  const rx = await webhookReceiver(() => answer);
  try {
    // First life: long backoff so the failed delivery is still pending when the process stops.
    let db = openDb(dir);
    let pd = await startPagerDuty(recorder, { db, webhookRetry: { baseDelayMs: 60_000, maxAttempts: 5, timeoutMs: 500 } });
    let rest = restClient(pd.url);
    const { key, serviceId, integrationId } = await serviceWithKey(rest, "persistent");
    const sub = await rest.post("/webhook_subscriptions", {
      webhook_subscription: {
        type: "webhook_subscription",
        delivery_method: { type: "http_delivery_method", url: rx.url },
        events: ["incident.triggered"],
        filter: { type: "account_reference" },
      },
    });
    await sendEvent(pd.url, trigger(key, "Before restart", { dedup_key: "persist" }));
    await waitFor(() => rx.requests.length === 1, 2000, "first attempt");
    const firstId = rx.requests[0].headers["x-webhook-id"];
    await pd.close();
    db.close();

    // Second life on the same file.
    db = openDb(dir);
    pd = await startPagerDuty(recorder, { db, webhookRetry: { baseDelayMs: 60_000, maxAttempts: 5, timeoutMs: 500 } });
    rest = restClient(pd.url);
    try {
      expect((await rest.get(`/services/${serviceId}/integrations/${integrationId}`)).body.integration.integration_key).toBe(key);
      const incs = (await rest.get("/incidents?incident_key=persist")).body.incidents;
      expect(incs.map((i: any) => [i.status, i.title])).toEqual([["triggered", "Before restart"]]);
      expect((await rest.get(`/webhook_subscriptions/${sub.body.webhook_subscription.id}`)).status).toBe(200);

      // The key still routes, and the dedup rule still sees the open alert.
      await sendEvent(pd.url, trigger(key, "After restart", { dedup_key: "persist" }));
      expect((await rest.get("/incidents?incident_key=persist")).body.incidents).toHaveLength(1);
      const st = (await call(`${pd.url}/sandbox/state`)).body;
      expect(st.incidents.find((i: any) => i.incident_key === "persist").timeline.map((e: any) => e.kind)).toEqual(["trigger", "repeat_trigger"]);

      // The pending delivery is sent by the new process, with the same X-Webhook-Id and body.
      answer = 200;
      await drainWebhookDeliveries(pd.app, { ignoreSchedule: true });
      expect(rx.requests).toHaveLength(2);
      expect(rx.requests[1].headers["x-webhook-id"]).toBe(firstId);
      expect(rx.requests[1].raw.equals(rx.requests[0].raw)).toBe(true);
    } finally {
      await pd.close();
      db.close();
    }
  } finally {
    await rx.close();
  }
});
