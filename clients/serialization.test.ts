/**
 * The provider is serialized by Pulumi's closure serializer and re-loaded in
 * another process: check that functions building the clients (and client
 * instances themselves) survive serializeFunction + a fresh module load, and
 * make real calls against a local server.
 */
import { ScriptedServer } from "./http/test-support";
import { AtlasClient } from "./atlas/client";
import { PagerDutyEventsClient } from "./pagerduty/events";
import { PagerDutyRestClient } from "./pagerduty/rest";

const GROUP = "5f0c1a2b3c4d5e6f70819203";
// The first serializeFunction of a file walks the whole module graph: about 10 s on a busy 2-core machine.
jest.setTimeout(60_000);

async function serializeAndLoad(fn: () => unknown): Promise<{ text: string; handler: () => Promise<any> }> {
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const serialized = await serializeFunction(fn);
  const mod = require("require-from-string")(serialized.text, `${__dirname}/serialized-${Date.now()}.js`);
  return { text: serialized.text, handler: mod[serialized.exportName] };
}

describe("clients survive Pulumi closure serialization", () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  test("a function that builds the events client and enqueues (with a retry)", async () => {
    server.on("POST", "/v2/enqueue", { status: 503 }, { status: 202, body: { status: "success", message: "Event processed", dedup_key: "d1" } });
    const baseUrl = server.baseUrl;
    const send = async () => {
      const client = new PagerDutyEventsClient({ baseUrl, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
      return client.enqueue({ routing_key: "R0123456789abcdef0123456789ABCDE", event_action: "trigger", dedup_key: "d1", payload: { summary: "s", source: "x", severity: "info" } });
    };
    const { text, handler } = await serializeAndLoad(() => send());
    expect(text).not.toMatch(/^(const|var|let) \w+ = require\("undici"\)/m); // undici is required inside methods only
    expect(await handler()).toEqual({ status: "success", message: "Event processed", dedup_key: "d1" });
    expect(server.requests).toHaveLength(2);
  });

  test("Atlas over OAuth and Digest, and PagerDuty REST, built inside the serialized function", async () => {
    server.always("POST", "/api/oauth/token", { status: 200, body: { access_token: "tok", expires_in: 3600 } });
    server.always("GET", `/api/atlas/v2/groups/${GROUP}/integrations/PAGER_DUTY`, (req) =>
      req.headers.authorization === "Bearer tok" || String(req.headers.authorization).startsWith("Digest ")
        ? { status: 200, body: { id: "65a1b2c3d4e5f60718293a4d", type: "PAGER_DUTY", serviceKey: "****0022", region: "US" } }
        : { status: 401, headers: { "www-authenticate": 'Digest realm="r", nonce="n1", qop="auth", algorithm=MD5' } },
    );
    server.always("GET", "/services/P1", { status: 200, body: { service: { id: "P1" } } });
    const baseUrl = server.baseUrl;
    const run = async () => {
      const oauth = new AtlasClient({ baseUrl, auth: { kind: "serviceAccount", clientId: "id", clientSecret: "secret" } });
      const digest = new AtlasClient({ baseUrl, auth: { kind: "apiKey", publicKey: "pub", privateKey: "priv" } });
      const rest = new PagerDutyRestClient({ baseUrl, token: "t" });
      return [(await oauth.getIntegration(GROUP, "PAGER_DUTY"))?.type, (await digest.getIntegration(GROUP, "PAGER_DUTY"))?.type, (await rest.getService("P1"))?.id];
    };
    const { handler } = await serializeAndLoad(() => run());
    expect(await handler()).toEqual(["PAGER_DUTY", "PAGER_DUTY", "P1"]);
    expect(server.log.filter((l) => l.includes("oauth"))).toHaveLength(1);
  });

  test("errors thrown by serialized code keep their message, name, code and redaction", async () => {
    const key = "R0123456789abcdef0123456789ABCDE";
    server.on("POST", "/v2/enqueue", (req) => ({ status: 400, body: { status: "invalid event", message: "Event object is invalid", errors: [`bad key ${req.json.routing_key}`] } }));
    const baseUrl = server.baseUrl;
    const run = async () => {
      try {
        await new PagerDutyEventsClient({ baseUrl }).enqueue({ routing_key: key, event_action: "resolve", dedup_key: "d" });
        return undefined;
      } catch (e) {
        const err = e as any;
        return { isError: err instanceof Error, name: err.name, message: err.message, code: err.code, string: String(err), json: JSON.stringify(err), stack: String(err.stack) };
      }
    };
    const { handler } = await serializeAndLoad(() => run());
    const out = await handler();
    expect(out).toMatchObject({
      isError: true,
      name: "UpstreamError",
      code: "BAD_REQUEST",
      message: "PagerDuty Events API rejected the event (400): bad key [REDACTED]",
      string: "UpstreamError: PagerDuty Events API rejected the event (400): bad key [REDACTED]",
    });
    expect(out.stack).toContain("rejected the event");
    expect(JSON.parse(out.json)).toMatchObject({ code: "BAD_REQUEST", status: 400, attempts: 1 });
    expect(`${out.json}${out.stack}`).not.toContain(key);
  });

  test("a client instance captured by the closure", async () => {
    server.on("GET", "/services/P1", { status: 200, body: { service: { id: "P1" } } });
    const rest = new PagerDutyRestClient({ baseUrl: server.baseUrl, token: "t" });
    const { handler } = await serializeAndLoad(() => rest.getService("P1"));
    expect(await handler()).toEqual({ id: "P1" });
  });
});
