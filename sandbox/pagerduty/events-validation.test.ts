import { ConformanceRecorder } from "../../test/support/openapi";
import { MAX_EVENT_BYTES } from "./events/messages";
import { call, startPagerDuty, type PagerDutyHarness } from "../../test/support/pagerduty/harness";

/** Request/response validation of the Events API, table-driven, over a real socket. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
const KEY = "a".repeat(32);

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
});

afterAll(async () => {
  await pd.close();
  expect(recorder.errors()).toEqual([]);
});

const ok = { routing_key: KEY, event_action: "trigger", payload: { summary: "s", source: "h", severity: "info" } };
const INVALID = { status: "invalid event", message: "Event object is invalid" };

async function post(body: unknown, headers: Record<string, string> = { "content-type": "application/json" }, url = "/v2/enqueue") {
  const res = await call(pd.url + url, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { statusCode: res.status, json: () => res.body, body: res.text };
}

describe("Events API v2 validation", () => {
  test.each<[string, unknown, string[]]>([
    ["routing key too short", { ...ok, routing_key: "abc" }, ["Length of 'routing_key' is incorrect (should be 32 characters)"]],
    ["routing key too long", { ...ok, routing_key: "a".repeat(33) }, ["Length of 'routing_key' is incorrect (should be 32 characters)"]],
    ["routing key non-alphanumeric", { ...ok, routing_key: `${"a".repeat(31)}-` }, ["'routing_key' cannot contain non-alphanumeric characters."]],
    ["routing key missing", { event_action: "trigger", payload: ok.payload }, ["'routing_key' is missing or blank"]],
    ["routing key not a string", { ...ok, routing_key: 12345 }, ["'routing_key' is invalid"]],
    ["event_action missing", { routing_key: KEY, payload: ok.payload }, ["'event_action' is missing or blank"]],
    ["event_action unknown", { ...ok, event_action: "explode" }, ["'event_action' is invalid (must be one of: trigger, acknowledge, resolve)"]],
    ["payload missing on trigger", { routing_key: KEY, event_action: "trigger" }, ["'payload' is missing or blank"]],
    ["payload not an object", { ...ok, payload: "disk full" }, ["'payload' is missing or blank"]],
    ["summary missing", { ...ok, payload: { source: "h", severity: "info" } }, ["'payload.summary' is missing or blank"]],
    ["source blank", { ...ok, payload: { summary: "s", source: "  ", severity: "info" } }, ["'payload.source' is missing or blank"]],
    ["severity missing", { ...ok, payload: { summary: "s", source: "h" } }, ["'payload.severity' is missing or blank"]],
    [
      "severity unknown",
      { ...ok, payload: { ...ok.payload, severity: "CRITICAL" } },
      ["'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
    ],
    ["summary over 1024", { ...ok, payload: { ...ok.payload, summary: "x".repeat(1025) } }, ["'summary' is too long (maiximum is 1024 characters)"]],
    ["dedup_key over 255", { ...ok, dedup_key: "d".repeat(256) }, ["'dedup_key' is too long (maximum is 255 characters)"]],
    ["dedup_key not a string", { ...ok, dedup_key: 7 }, ["'dedup_key' is invalid"]],
    ["acknowledge without dedup_key", { routing_key: KEY, event_action: "acknowledge" }, ["'dedup_key' is missing or blank"]],
    ["resolve with blank dedup_key", { routing_key: KEY, event_action: "resolve", dedup_key: "" }, ["'dedup_key' is missing or blank"]],
    ["links not an array", { ...ok, links: { href: "x" } }, ["'links' is invalid"]],
    [
      "several problems at once",
      { routing_key: "short!", event_action: "trigger", payload: { summary: "", severity: "bad" } },
      [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'routing_key' cannot contain non-alphanumeric characters.",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
      ],
    ],
  ])("%s → 400", async (_name, body, errors) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ ...INVALID, errors });
  });

  test("limits are inclusive: summary of 1024 characters (emoji count once) and dedup_key of 255 pass", async () => {
    const res = await post({ ...ok, dedup_key: "d".repeat(255), payload: { ...ok.payload, summary: "🔥".repeat(1024) } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "d".repeat(255) });
  });

  test.each<[string, string, Record<string, string>]>([
    ["malformed JSON", '{"routing_key": ', { "content-type": "application/json" }],
    ["a JSON array", "[1,2,3]", { "content-type": "application/json" }],
    ["a JSON string", '"hello"', { "content-type": "application/json" }],
    ["null", "null", { "content-type": "application/json" }],
    ["plain text", "not json at all", { "content-type": "text/plain" }],
    ["empty body", "", { "content-type": "application/json" }],
  ])("%s → 400 Unrecognized object", async (_name, body, headers) => {
    const res = await post(body, headers);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ status: "Unrecognized object", message: "Event object format is unrecognized", errors: ["JSON parse error"] });
  });

  test("a body over 512 KB → 400 (not 413), and the server keeps serving", async () => {
    const big = { ...ok, payload: { ...ok.payload, custom_details: { blob: "x".repeat(MAX_EVENT_BYTES) } } };
    const res = await post(big);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ ...INVALID, errors: ["Event object is too large (maximum is 512 KB)"] });
    expect((await post(ok)).statusCode).toBe(202);
  });

  test("a body of exactly 512 KB is accepted", async () => {
    const base = JSON.stringify({ ...ok, payload: { ...ok.payload, custom_details: { blob: "" } } });
    const body = JSON.stringify({ ...ok, payload: { ...ok.payload, custom_details: { blob: "x".repeat(MAX_EVENT_BYTES - base.length) } } });
    expect(Buffer.byteLength(body)).toBe(MAX_EVENT_BYTES);
    expect((await post(body)).statusCode).toBe(202);
  });

  test("errors never echo the routing key", async () => {
    const secretish = "S3cr3tRoutingKey0123456789abcde!"; // 32 chars, one bad character
    const res = await post({ ...ok, routing_key: secretish, event_action: "nope" });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain("S3cr3tRoutingKey");
  });

  describe("change events", () => {
    test("accepted with 202", async () => {
      const res = await post({ routing_key: KEY, payload: { summary: "Deployed v42", source: "ci" } }, undefined, "/v2/change/enqueue");
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ status: "success", message: "Change event processed" });
    });
    test.each<[string, unknown, string[]]>([
      ["payload missing", { routing_key: KEY }, ["'payload' is missing or blank"]],
      ["summary missing", { routing_key: KEY, payload: { source: "ci" } }, ["'payload.summary' is missing or blank"]],
      ["summary too long", { routing_key: KEY, payload: { summary: "x".repeat(1025) } }, ["'summary' is too long (maiximum is 1024 characters)"]],
      ["bad key", { routing_key: "k", payload: { summary: "s" } }, ["Length of 'routing_key' is incorrect (should be 32 characters)"]],
    ])("%s → 400", async (_n, body, errors) => {
      const res = await post(body, undefined, "/v2/change/enqueue");
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ ...INVALID, errors });
    });
  });
});
