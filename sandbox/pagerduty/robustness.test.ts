import * as net from "node:net";
import { ConformanceRecorder } from "../../test/support/openapi";
import { call, restClient, sendEvent, serviceWithKey, startPagerDuty, TOKEN, trigger, type PagerDutyHarness } from "../../test/support/pagerduty/harness";

/**
 * Garbage in: the server answers every request with a 4xx in the right
 * service's format, never a 5xx, never echoes credentials, and keeps serving.
 */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
let key: string;

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
  key = (await serviceWithKey(restClient(pd.url))).key;
});

afterAll(async () => {
  await pd.close();
  // Garbage gets statuses the spec does not list for every operation (and paths it does not have);
  // everything else about these exchanges must still conform.
  expect(recorder.errors().filter((e) => !/: status \d+ not documented$|: no such operation in /.test(e))).toEqual([]);
});

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const bodies: Array<[string, string, string]> = [
  ["binary garbage", "\u0000\u0001\u00ff\ufffd{{{", "application/json"],
  ["truncated JSON", '{"routing_key": "abc', "application/json"],
  ["huge number", `{"routing_key": 1e999999, "event_action": 12345678901234567890123}`, "application/json"],
  ["nested arrays", deep(50_000), "application/json"],
  ["prototype keys", `{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}, "routing_key": {"__proto__": 1}}`, "application/json"],
  ["arrays for strings", JSON.stringify({ routing_key: ["a"], event_action: ["trigger"], payload: [1], dedup_key: ["x"] }), "application/json"],
  ["xml", "<event><routing_key>x</routing_key></event>", "application/xml"],
  ["form", "routing_key=abc&event_action=trigger", "application/x-www-form-urlencoded"],
  ["no content type", '{"a":1}', ""],
  ["weird json media type", '{"a":1}', "application/vnd.weird+json; charset=latin1"],
  ["multipart-ish", "--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"],
];

const targets = [
  { name: "events enqueue", method: "POST", path: "/v2/enqueue", auth: false },
  { name: "change enqueue", method: "POST", path: "/v2/change/enqueue", auth: false },
  { name: "create service", method: "POST", path: "/services", auth: true },
  { name: "create subscription", method: "POST", path: "/webhook_subscriptions", auth: true },
  { name: "sandbox services", method: "POST", path: "/sandbox/services", auth: true },
  { name: "sandbox faults", method: "POST", path: "/sandbox/faults", auth: true },
];

describe.each(targets)("$name survives garbage", ({ method, path, auth }) => {
  test.each(bodies)("%s", async (_n, body, type) => {
    const headers: Record<string, string> = { ...(type ? { "content-type": type } : {}), ...(auth ? { authorization: `Token token=${TOKEN}` } : {}) };
    const r = await call(pd.url + path, { method, headers, body });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(typeof r.body).toBe("object");
    expect(r.text).not.toContain(TOKEN);
  });
});

test("deeply nested custom_details within 512 KB: accepted or refused, never a 5xx", async () => {
  for (const depth of [10, 98, 99, 1_000, 20_000, 90_000]) {
    const nested = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const body = `{"routing_key":"${key}","event_action":"trigger","payload":{"summary":"deep ${depth}","source":"s","severity":"info","custom_details":${nested}}}`;
    const r = await call(`${pd.url}/v2/enqueue`, { method: "POST", headers: { "content-type": "application/json" }, body });
    // The body itself is 3 levels deep before custom_details; 100 levels in all are accepted.
    expect([depth, r.status]).toEqual([depth, depth + 2 <= 100 ? 202 : 400]);
  }
});

test("garbage in URLs, queries and headers gets 4xx, not 5xx", async () => {
  const auth = { authorization: `Token token=${TOKEN}` };
  const cases: Array<[string, Record<string, string>]> = [
    ["/services?limit=99999999999999999999999", auth],
    ["/services?limit=abc&offset=-3", auth],
    [`/incidents?statuses[]=${"x".repeat(5000)}`, auth],
    [`/incidents?${Array.from({ length: 500 }, (_, i) => `service_ids[]=P${i}`).join("&")}`, auth],
    ["/incidents?since=9999999-99-99&until=%00", auth],
    ["/incidents?include[]=__proto__&__proto__[x]=1", auth],
    ["/services/%ZZ", auth],
    [`/services/${"P".repeat(5000)}`, auth],
    ["/incidents/..%2F..%2Fetc%2Fpasswd", auth],
    ["/services", { authorization: `Token token=${"x".repeat(8000)}` }],
    ["/services", { authorization: "Token token=\u00e9\u00e9" }],
  ];
  for (const [p, headers] of cases) {
    const r = await call(pd.url + p, { headers });
    expect([p, r.status < 500]).toEqual([p, true]);
  }
});

test("a truncated request and an abrupt disconnect do not hurt the server", async () => {
  const { port } = new URL(pd.url);
  await new Promise<void>((resolve) => {
    const s = net.connect(Number(port), "127.0.0.1", () => {
      s.write('POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"routing_key":');
      setTimeout(() => s.destroy(), 30);
    });
    s.on("close", () => resolve());
    s.on("error", () => resolve());
  });
  await new Promise<void>((resolve) => {
    let reply = "";
    const s = net.connect(Number(port), "127.0.0.1", () => s.end("GARBAGE / HTTP/9.9\r\n\r\n"));
    // Read the answer (a paused socket never reaches "close").
    s.on("data", (d) => (reply += d.toString()));
    s.on("close", () => {
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      resolve();
    });
    s.on("error", () => resolve());
  });
});

test("oversized bodies on every surface are refused and the server still serves", async () => {
  const big = "x".repeat(1_200_000);
  for (const p of ["/v2/enqueue", "/services", "/sandbox/services"]) {
    const r = await call(pd.url + p, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${TOKEN}` },
      body: JSON.stringify({ blob: big }),
    });
    expect([p, r.status]).toEqual([p, 400]);
  }
});

test("after all that, a valid event still opens an incident", async () => {
  const r = await sendEvent(pd.url, trigger(key, "still alive", { dedup_key: "alive" }));
  expect(r.status).toBe(202);
  const incs = await restClient(pd.url).get("/incidents?incident_key=alive");
  expect(incs.body.incidents).toHaveLength(1);
});
