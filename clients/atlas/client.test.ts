import { atlasExchangeErrors } from "../../test/support/atlas-conformance";
import { leakedSecrets, recordingSleep, rejection } from "../../test/support/client-checks";
import { FakeServer, type RecordedRequest, type ScriptedResponse } from "../../test/support/fake-server";
import { ATLAS_ACK_MEDIA_TYPE, ATLAS_MEDIA_TYPE, AtlasClient, integrationMatches } from "./client";
import type { AlertConfigInput, Integration } from "./types";

const GROUP = "5f0c1a2b3c4d5e6f70819203";
const G = `/api/atlas/v2/groups/${GROUP}`;
const KEY = "0123456789abcdef0123456789ab0022";
const REDACTED_KEY = "****************************0022";
const CONFIG_ID = "65a1b2c3d4e5f60718293a4b";
const ALERT_ID = "65a1b2c3d4e5f60718293a4c";
const json = { "content-type": ATLAS_MEDIA_TYPE };
const privateKey = "priv-0000-SECRET-1111-2222";

const pdIntegration: Integration = { id: "65a1b2c3d4e5f60718293a4d", type: "PAGER_DUTY", serviceKey: REDACTED_KEY, region: "EU" };
const integrationList = (...results: unknown[]): ScriptedResponse => ({ status: 200, headers: json, body: { links: [], results, totalCount: results.length } });
const alertConfig = {
  id: CONFIG_ID,
  groupId: GROUP,
  eventTypeName: "NO_PRIMARY",
  enabled: true,
  created: "2026-01-01T00:00:00Z",
  updated: "2026-01-01T00:00:00Z",
  matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "prod" }],
  severityOverride: "CRITICAL",
  notifications: [{ typeName: "PAGER_DUTY", serviceKey: REDACTED_KEY, region: "US", delayMin: 0, notifierId: "65a1b2c3d4e5f60718293a4e" }],
};
const alert = {
  id: ALERT_ID,
  alertConfigId: CONFIG_ID,
  groupId: GROUP,
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  status: "OPEN",
  created: "2026-01-01T00:00:00Z",
  updated: "2026-01-01T00:00:00Z",
  metricName: "CONNECTIONS_PERCENT",
  currentValue: { number: 91, units: "RAW" },
};

/** Validates what the client sent (and what the script answered) against the Atlas spec subset, with the repo's corrections. */
function specErrors(req: RecordedRequest, res: ScriptedResponse): string[] {
  return atlasExchangeErrors({
    service: "atlas",
    method: req.method,
    path: req.path,
    query: req.query.toString(),
    requestHeaders: req.headers,
    requestBody: req.json,
    status: res.status ?? 200,
    responseHeaders: res.headers ?? {},
    responseBody: res.body,
  });
}

describe("AtlasClient", () => {
  let server: FakeServer;
  let waits: number[];
  let atlas: AtlasClient;
  beforeEach(async () => {
    server = await FakeServer.start();
    const rec = recordingSleep();
    waits = rec.waits;
    atlas = new AtlasClient({
      baseUrl: server.url,
      auth: { kind: "apiKey", publicKey: "pub", privateKey },
      sleep: rec.sleep,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      timeoutMs: 500,
      random: () => 0.5,
    });
    // Prime the Digest challenge (the handshake is tested in atlas-auth.test.ts) so the queues see only the calls under test.
    (atlas.authenticator as any).challenge = { realm: "MMS Public API", nonce: "n", qop: "auth", algorithm: "MD5", stale: false };
  });
  afterEach(async () => {
    await server.close();
  });

  test("every call sends the 2023-01-01 media type and Digest credentials", async () => {
    server.on("GET", `${G}/integrations/PAGER_DUTY`, { status: 200, headers: json, body: pdIntegration });
    expect(await atlas.getIntegration(GROUP, "PAGER_DUTY")).toEqual(pdIntegration);
    const req = server.requests[0];
    expect(req.headers.accept).toBe(ATLAS_MEDIA_TYPE);
    expect(String(req.headers.authorization)).toMatch(/^Digest username="pub"/);
  });

  test("listIntegrations follows pageNum while there is a next link", async () => {
    const page = (n: number, next: boolean, ...results: unknown[]): ScriptedResponse => ({
      status: 200,
      headers: json,
      body: {
        links: [
          { rel: "self", href: `https://x${G}/integrations?pageNum=${n}` },
          ...(next ? [{ rel: "next", href: `https://x${G}/integrations?pageNum=${n + 1}` }] : []),
        ],
        results,
        totalCount: 3,
      },
    });
    server.on(
      "GET",
      `${G}/integrations`,
      page(1, true, pdIntegration),
      page(2, true, { id: "65a1b2c3d4e5f60718293a4f", type: "WEBHOOK", url: "https://hooks.example/****2101" }),
      page(3, false, { id: "65a1b2c3d4e5f60718293a50", type: "SLACK", apiToken: "****", channelName: "c", teamName: "t" }),
    );
    const all = await atlas.listIntegrations(GROUP);
    expect(all.map((i) => i.type)).toEqual(["PAGER_DUTY", "WEBHOOK", "SLACK"]);
    expect(server.requests.map((r) => r.query.get("pageNum"))).toEqual(["1", "2", "3"]);
    expect(server.requests.every((r) => r.query.get("itemsPerPage") === "500")).toBe(true);
  });

  test("getIntegration → undefined on 404", async () => {
    server.on("GET", `${G}/integrations/PAGER_DUTY`, { status: 404, body: { error: 404, errorCode: "INTEGRATION_NOT_FOUND", detail: "none" } });
    expect(await atlas.getIntegration(GROUP, "PAGER_DUTY")).toBeUndefined();
  });

  test("createIntegration sends a spec-valid body and returns the project's integration list", async () => {
    const res = integrationList(pdIntegration);
    server.on("POST", `${G}/integrations/PAGER_DUTY`, res);
    const list = await atlas.createIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" });
    expect(list).toEqual([pdIntegration]);
    const req = server.requests[0];
    expect(req.json).toEqual({ type: "PAGER_DUTY", serviceKey: KEY, region: "EU" });
    expect(req.headers["content-type"]).toBe(ATLAS_MEDIA_TYPE);
    expect(specErrors(req, res)).toEqual([]);
  });

  test("a POST that gets 503 is read back with GET before anything else; a match counts as created", async () => {
    server.on("POST", `${G}/integrations/PAGER_DUTY`, { status: 503, body: { error: 503, errorCode: "SERVICE_UNAVAILABLE" } });
    server.on("GET", `${G}/integrations/PAGER_DUTY`, { status: 200, headers: json, body: pdIntegration });
    const list = await atlas.createIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" });
    expect(list).toEqual([pdIntegration]);
    expect(server.log).toEqual([`POST ${G}/integrations/PAGER_DUTY`, `GET ${G}/integrations/PAGER_DUTY`]);
    expect(waits).toEqual([]);
  });

  test("read back finds nothing (or someone else's key): the POST is retried", async () => {
    server.on("POST", `${G}/integrations/PAGER_DUTY`, { status: 503 }, { status: 502 }, integrationList(pdIntegration));
    server.on(
      "GET",
      `${G}/integrations/PAGER_DUTY`,
      { status: 404, body: { error: 404, errorCode: "NOT_FOUND" } },
      { status: 200, headers: json, body: { ...pdIntegration, serviceKey: "****************************9999" } },
    );
    const list = await atlas.createIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" });
    expect(list).toEqual([pdIntegration]);
    expect(server.log.map((l) => l.split(" ")[0])).toEqual(["POST", "GET", "POST", "GET", "POST"]);
    expect(waits).toHaveLength(2);
  });

  test("a timed-out POST that did land: read back after the retry's 409 counts as created", async () => {
    server.on(
      "POST",
      `${G}/integrations/PAGER_DUTY`,
      { hang: true },
      { status: 409, body: { error: 409, errorCode: "DUPLICATE_INTEGRATION", detail: "exists" } },
    );
    server.on("GET", `${G}/integrations/PAGER_DUTY`, { status: 404 }, { status: 200, headers: json, body: pdIntegration });
    const list = await atlas.createIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" });
    expect(list).toEqual([pdIntegration]);
    expect(server.log.map((l) => l.split(" ")[0])).toEqual(["POST", "GET", "POST", "GET"]);
  });

  test("409 on create → CONFLICT with Atlas's words", async () => {
    server.on("POST", `${G}/integrations/PAGER_DUTY`, {
      status: 409,
      headers: { "x-error-code": "DUPLICATE_INTEGRATION" },
      body: { error: 409, errorCode: "DUPLICATE_INTEGRATION", detail: "Integration of type PAGER_DUTY already exists.", reason: "Conflict" },
    });
    const err = await rejection(atlas.createIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY }));
    expect(err).toMatchObject({ code: "CONFLICT", status: 409, upstreamCode: "DUPLICATE_INTEGRATION", attempts: 1, service: "atlas", method: "POST" });
    expect(err.message).toBe(
      `Atlas Administration API rejected creating the PAGER_DUTY integration of project ${GROUP} (409 DUPLICATE_INTEGRATION): Integration of type PAGER_DUTY already exists. It already exists: import or update it instead of creating it.`,
    );
    expect(server.requests).toHaveLength(1);
  });

  test("400 echoing the key: the key is scrubbed", async () => {
    server.on("PUT", `${G}/integrations/PAGER_DUTY`, (req) => ({
      status: 400,
      body: {
        error: 400,
        errorCode: "INVALID_ATTRIBUTE",
        detail: `Invalid attribute serviceKey specified: ${req.json.serviceKey} should be 32 hexadecimal digits.`,
      },
    }));
    const err = await rejection(atlas.replaceIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("Invalid attribute serviceKey specified: [REDACTED] should be 32 hexadecimal digits.");
    expect(leakedSecrets(err, [KEY, privateKey])).toEqual([]);
  });

  test("replaceIntegration (PUT) is retried on 503", async () => {
    server.on("PUT", `${G}/integrations/PAGER_DUTY`, { status: 503 }, integrationList(pdIntegration));
    expect(await atlas.replaceIntegration(GROUP, "PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" })).toEqual([pdIntegration]);
    expect(server.requests).toHaveLength(2);
  });

  test.each([
    [204, true],
    [404, false],
  ])("deleteIntegration: %i → %p", async (status, expected) => {
    server.on("DELETE", `${G}/integrations/PAGER_DUTY`, { status });
    expect(await atlas.deleteIntegration(GROUP, "PAGER_DUTY")).toBe(expected);
  });

  test("integrationMatches compares type, key ending and region", () => {
    expect(integrationMatches(pdIntegration, { type: "PAGER_DUTY", serviceKey: KEY, region: "EU" })).toBe(true);
    expect(integrationMatches(pdIntegration, { type: "PAGER_DUTY", serviceKey: KEY })).toBe(false); // region US by default
    expect(integrationMatches({ type: "PAGER_DUTY", serviceKey: REDACTED_KEY }, { type: "PAGER_DUTY", serviceKey: KEY, region: "US" })).toBe(true);
    expect(integrationMatches({ type: "WEBHOOK", url: "https://h/****2101" }, { type: "WEBHOOK", url: "https://h/abc2101" })).toBe(true);
    expect(integrationMatches({ type: "WEBHOOK", url: "https://h/****2101" }, { type: "PAGER_DUTY", serviceKey: KEY })).toBe(false);
  });

  // NO_PRIMARY: a configuration the spec subset validates unambiguously (its metricThreshold oneOf is ambiguous without discriminators).
  const configInput: AlertConfigInput = {
    eventTypeName: "NO_PRIMARY",
    enabled: true,
    matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "prod" }],
    severityOverride: "CRITICAL",
    notifications: [{ typeName: "PAGER_DUTY", serviceKey: KEY, region: "US", delayMin: 0 }],
  };
  const metricConfigInput: AlertConfigInput = {
    eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
    matchers: [{ fieldName: "HOSTNAME_AND_PORT", operator: "CONTAINS", value: "shard-00" }],
    metricThreshold: { metricName: "CONNECTIONS_PERCENT", operator: "GREATER_THAN", threshold: 80, units: "RAW", mode: "AVERAGE" },
    notifications: [
      { typeName: "PAGER_DUTY", integrationId: "65a1b2c3d4e5f60718293a4d", region: "US" },
      { typeName: "WEBHOOK", webhookUrl: "https://hooks.example/x", webhookSecret: "whsec-0123456789" },
    ],
  };

  test("createAlertConfig accepts 201 and sends a spec-valid body", async () => {
    const res: ScriptedResponse = { status: 201, headers: json, body: alertConfig };
    server.on("POST", `${G}/alertConfigs`, res);
    expect(await atlas.createAlertConfig(GROUP, configInput)).toEqual(alertConfig);
    expect(specErrors(server.requests[0], { ...res, status: 200 })).toEqual([]);
  });

  test("createAlertConfig after a 503 is not retried: the error says the outcome is unknown", async () => {
    server.always("POST", `${G}/alertConfigs`, { status: 503, body: { error: 503, errorCode: "SERVICE_UNAVAILABLE", detail: "try later" } });
    const err = await rejection(atlas.createAlertConfig(GROUP, configInput));
    expect(server.requests).toHaveLength(1);
    expect(err.code).toBe("UNAVAILABLE");
    expect(err.ambiguous).toBe(true);
    expect(err.message).toMatch(/creating a NO_PRIMARY alert configuration.*not retried because it is not idempotent/);
    expect(leakedSecrets(err, [KEY])).toEqual([]);
  });

  test("createAlertConfig after a 429 is retried", async () => {
    server.on("POST", `${G}/alertConfigs`, { status: 429, headers: { "retry-after": "1" } }, { status: 201, headers: json, body: alertConfig });
    await atlas.createAlertConfig(GROUP, configInput);
    expect(server.requests).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
  });

  test("alert configs: list (pages), get (404 → undefined), replace, enable (PATCH retried), delete", async () => {
    server.on(
      "GET",
      `${G}/alertConfigs`,
      { status: 200, headers: json, body: { links: [{ rel: "next", href: "n" }], results: [alertConfig], totalCount: 2 } },
      { status: 200, headers: json, body: { links: [], results: [{ ...alertConfig, id: "65a1b2c3d4e5f60718293a99" }], totalCount: 2 } },
    );
    expect((await atlas.listAlertConfigs(GROUP)).map((c) => c.id)).toEqual([CONFIG_ID, "65a1b2c3d4e5f60718293a99"]);

    server.on("GET", `${G}/alertConfigs/${CONFIG_ID}`, { status: 404, body: { error: 404, errorCode: "ALERT_CONFIG_NOT_FOUND" } });
    expect(await atlas.getAlertConfig(GROUP, CONFIG_ID)).toBeUndefined();

    const put: ScriptedResponse = { status: 200, headers: json, body: alertConfig };
    server.on("PUT", `${G}/alertConfigs/${CONFIG_ID}`, put, put);
    await atlas.replaceAlertConfig(GROUP, CONFIG_ID, configInput);
    expect(specErrors(server.requests.at(-1)!, put)).toEqual([]);
    await atlas.replaceAlertConfig(GROUP, CONFIG_ID, metricConfigInput);
    expect(server.requests.at(-1)!.json).toEqual(metricConfigInput);

    server.on("PATCH", `${G}/alertConfigs/${CONFIG_ID}`, { status: 503 }, { status: 200, headers: json, body: { ...alertConfig, enabled: false } });
    expect((await atlas.setAlertConfigEnabled(GROUP, CONFIG_ID, false)).enabled).toBe(false);
    expect(server.requests.at(-1)!.json).toEqual({ enabled: false });

    server.on("DELETE", `${G}/alertConfigs/${CONFIG_ID}`, { status: 204 }, { status: 404 });
    expect(await atlas.deleteAlertConfig(GROUP, CONFIG_ID)).toBe(true);
    expect(await atlas.deleteAlertConfig(GROUP, CONFIG_ID)).toBe(false);
  });

  test("alerts: list by status, get, acknowledge and unacknowledge with the 2024-05-30 media type", async () => {
    server.on("GET", `${G}/alerts`, { status: 200, headers: json, body: { links: [], results: [alert], totalCount: 1 } });
    expect(await atlas.listAlerts(GROUP, "OPEN")).toEqual([alert]);
    expect(server.requests[0].query.get("status")).toBe("OPEN");

    server.on("GET", `${G}/alerts/${ALERT_ID}`, { status: 200, headers: json, body: alert }, { status: 404 });
    expect(await atlas.getAlert(GROUP, ALERT_ID)).toEqual(alert);
    expect(await atlas.getAlert(GROUP, ALERT_ID)).toBeUndefined();

    const until = "2126-01-01T00:00:00Z";
    const ack: ScriptedResponse = {
      status: 200,
      headers: { "content-type": ATLAS_ACK_MEDIA_TYPE },
      body: { ...alert, acknowledgedUntil: until, acknowledgementComment: "on it" },
    };
    server.on("PATCH", `${G}/alerts/${ALERT_ID}`, ack, { status: 200, headers: { "content-type": ATLAS_ACK_MEDIA_TYPE }, body: alert });
    expect((await atlas.acknowledgeAlert(GROUP, ALERT_ID, until, "on it")).acknowledgedUntil).toBe(until);
    const ackReq = server.requests.at(-1)!;
    expect(ackReq.headers.accept).toBe(ATLAS_ACK_MEDIA_TYPE);
    expect(ackReq.headers["content-type"]).toBe(ATLAS_ACK_MEDIA_TYPE);
    expect(ackReq.json).toEqual({ acknowledgedUntil: until, acknowledgementComment: "on it" });
    expect(specErrors(ackReq, { ...ack, body: undefined })).toEqual([]);

    await atlas.unacknowledgeAlert(GROUP, ALERT_ID);
    expect(server.requests.at(-1)!.json).toEqual({ unacknowledgeAlert: true });
  });

  test("403 explains roles and the API access list", async () => {
    server.on("GET", `${G}/alertConfigs/${CONFIG_ID}`, {
      status: 403,
      body: { error: 403, errorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST", detail: "IP address 10.0.0.1 is not allowed to access this resource." },
    });
    const err = await rejection(atlas.getAlertConfig(GROUP, CONFIG_ID));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toMatch(/403 IP_ADDRESS_NOT_ON_ACCESS_LIST.*API access list/);
  });
});
