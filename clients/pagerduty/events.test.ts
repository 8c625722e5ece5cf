import { SpecValidator } from "../../test/support/openapi";
import { leakedSecrets, recordingSleep, rejection } from "../../test/support/client-checks";
import { FakeServer } from "../../test/support/fake-server";
import { PagerDutyEventsClient } from "./events";
import type { PagerDutyEvent } from "./events";

const ROUTING_KEY = "R0123456789abcdef0123456789ABCDE";
const accepted = { status: 202, body: { status: "success", message: "Event processed", dedup_key: "atlas-65a1b2c3d4e5f60718293a4c" } };
const trigger: PagerDutyEvent = {
  routing_key: ROUTING_KEY,
  event_action: "trigger",
  dedup_key: "atlas-65a1b2c3d4e5f60718293a4c",
  payload: { summary: "No primary in cluster prod", source: "cluster prod", severity: "critical", custom_details: { groupId: "5f0c1a2b3c4d5e6f70819203" } },
  links: [{ href: "https://example.org/alert", text: "alert" }],
  client: "pagerduty-as-code",
};

describe("PagerDutyEventsClient", () => {
  let server: FakeServer;
  let waits: number[];
  let events: PagerDutyEventsClient;
  beforeEach(async () => {
    server = await FakeServer.start();
    const rec = recordingSleep();
    waits = rec.waits;
    events = new PagerDutyEventsClient({
      baseUrl: server.url,
      sleep: rec.sleep,
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2000 },
      timeoutMs: 300,
    });
  });
  afterEach(async () => {
    await server.close();
  });

  test("POST /v2/enqueue with a spec-valid event; returns status, message, dedup_key", async () => {
    server.on("POST", "/v2/enqueue", accepted);
    expect(await events.enqueue(trigger)).toEqual(accepted.body);
    const req = server.requests[0];
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.authorization).toBeUndefined();
    expect(req.json).toEqual(trigger);
    const errors = new SpecValidator("pagerduty-events", "/v2").validate({
      service: "pagerduty-events",
      method: "POST",
      path: req.path,
      query: "",
      requestHeaders: req.headers,
      requestBody: req.json,
      status: 202,
      responseHeaders: { "content-type": "application/json" },
      responseBody: accepted.body,
    });
    expect(errors).toEqual([]);
  });

  test("429 with Retry-After then 202: waited at least Retry-After, 2 requests", async () => {
    server.on(
      "POST",
      "/v2/enqueue",
      { status: 429, headers: { "retry-after": "3" }, body: { status: "throttle event", message: "Requests for this service are arriving too quickly." } },
      accepted,
    );
    await events.enqueue(trigger);
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(3000);
  });

  test("429 without Retry-After: backoff", async () => {
    server.on("POST", "/v2/enqueue", { status: 429 }, { status: 429 }, accepted);
    await events.enqueue(trigger);
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits.every((w) => w >= 0 && w <= 2000)).toBe(true);
  });

  test("500 twice then 202 (idempotent by dedup key)", async () => {
    server.on("POST", "/v2/enqueue", { status: 500, body: "Internal Server Error" }, { status: 503 }, accepted);
    expect((await events.enqueue(trigger)).status).toBe("success");
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.json.dedup_key === trigger.dedup_key)).toBe(true);
  });

  test("400 is never retried; the error carries PagerDuty's text and never the routing key", async () => {
    const shortKey = "abc123-not-32-characters-long";
    server.always("POST", "/v2/enqueue", (req) => ({
      status: 400,
      body: {
        status: "invalid event",
        message: "Event object is invalid",
        errors: [`Length of 'routing_key' is incorrect (should be 32 characters)`, `got ${req.json.routing_key}`],
      },
    }));
    const err = await rejection(events.enqueue({ ...trigger, routing_key: shortKey }));
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(err).toMatchObject({ code: "BAD_REQUEST", status: 400, service: "pagerduty-events", method: "POST", path: "/v2/enqueue", attempts: 1 });
    expect(err.message).toBe("PagerDuty Events API rejected the event (400): Length of 'routing_key' is incorrect (should be 32 characters); got [REDACTED]");
    expect(leakedSecrets(err, [shortKey])).toEqual([]);
  });

  test("no answer: TIMEOUT after the attempts, routing key nowhere", async () => {
    server.always("POST", "/v2/enqueue", { hang: true });
    const rec = recordingSleep();
    events = new PagerDutyEventsClient({ baseUrl: server.url, sleep: rec.sleep, retry: { maxAttempts: 4 }, timeoutMs: 100 });
    waits = rec.waits;
    const err = await rejection(events.enqueue(trigger));
    expect(err).toMatchObject({ code: "TIMEOUT", attempts: 4 });
    expect(server.requests).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(leakedSecrets(err, [ROUTING_KEY])).toEqual([]);
  }, 10_000);
});
