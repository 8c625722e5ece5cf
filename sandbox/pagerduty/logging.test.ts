import { captureStdout } from "../../test/support/log-capture";
import { ConformanceRecorder } from "../../test/support/openapi";
import { call, restClient, sendEvent, serviceWithKey, startPagerDuty, TOKEN, trigger, waitFor, webhookReceiver } from "../../test/support/pagerduty/harness";

/** With logging on, routing keys, tokens and webhook secrets never reach the log. */
test("logs carry no routing key, REST token or webhook secret", async () => {
  const recorder = new ConformanceRecorder();
  const log = captureStdout();
  const rx = await webhookReceiver(() => 500);
  const pd = await startPagerDuty(recorder, { logger: true });
  try {
    const rest = restClient(pd.url);
    const { key } = await serviceWithKey(rest);
    const sub = await rest.post("/webhook_subscriptions", {
      webhook_subscription: {
        type: "webhook_subscription",
        delivery_method: { type: "http_delivery_method", url: rx.url },
        events: ["incident.triggered"],
        filter: { type: "account_reference" },
      },
    });
    const secret = sub.body.webhook_subscription.delivery_method.secret;
    await sendEvent(pd.url, trigger(key, "logged?", { dedup_key: "log-1" }));
    await sendEvent(pd.url, { routing_key: `${key}!`, event_action: "trigger" });
    await call(`${pd.url}/v2/enqueue`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"routing_key":"${key}",` });
    await call(`${pd.url}/services`, { headers: { authorization: `Token token=${TOKEN}x` } });
    await waitFor(() => rx.requests.length >= 2, 3000, "failed deliveries");
    await pd.close();
    const text = log.text();
    expect(text).toMatch(/"msg":"(incoming request|request completed)"/);
    expect(text).not.toContain(key);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(secret);
  } finally {
    log.restore();
    await rx.close();
  }
  expect(recorder.errors()).toEqual([]);
});
