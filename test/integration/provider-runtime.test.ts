import { startHarness, FAST_RETRY, type Harness } from "../support/harness";
import { ProviderHost, urnOf } from "../support/provider-host";
import { atlas, makeService, newProjectId } from "../support/sandbox-client";

// The provider as the host loads it through the stub: a small `__provider`,
// one OAuth token and connection pool per process, and state written by
// 0.1.0 (no schemaVersion) upgraded without API calls.
jest.setTimeout(180_000);

let h: Harness;
const projectId = newProjectId();
const INTEGRATION = urnOf("PagerDutyIntegration", "pd");
let integration: { id: string; outs: Record<string, any>; inputs: Record<string, any> };
const routings: Array<{ urn: string; id: string; outs: Record<string, any>; inputs: Record<string, any> }> = [];

beforeAll(async () => {
  h = await startHarness({ projects: [projectId] });
  const service = await makeService(h.sandbox, "Database on-call");
  const checked = await h.host.check(INTEGRATION, {}, { projectId, integrationKey: service.key, __provider: h.provider.integration });
  integration = { ...(await h.host.create(INTEGRATION, checked.inputs)), inputs: checked.inputs };
  for (const name of ["a", "b", "c", "d"]) {
    const urn = urnOf("AlertRouting", name);
    const news = {
      projectId,
      integrationInstanceId: integration.outs.instanceId,
      region: "US",
      eventTypeName: "NO_PRIMARY",
      matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: name }],
      __provider: h.provider.routing,
    };
    const c = await h.host.check(urn, {}, news);
    routings.push({ urn, ...(await h.host.create(urn, c.inputs)), inputs: c.inputs });
  }
});

afterAll(async () => {
  await h?.close();
});

const atlasCalls = (from: number) => h.recorder.exchanges.slice(from).filter((e) => e.service === "atlas");
/** Token requests (the recorder files them under "sandbox": they are not under /api/atlas/v2). */
const tokenRequests = (from: number) => h.recorder.exchanges.slice(from).filter((e) => e.path === "/api/oauth/token");

describe("the provider loaded through the stub", () => {
  it("__provider is one line of about 100 bytes that loads the package's runtime entry point and holds no secret", () => {
    expect(h.provider.integration).toBe('exports.handler = () => require("pagerduty-as-code/provider/runtime").provider("PagerDutyIntegration");\n');
    expect(h.provider.routing).toBe('exports.handler = () => require("pagerduty-as-code/provider/runtime").provider("AlertRouting");\n');
    for (const text of [h.provider.integration, h.provider.routing]) {
      expect(text.length).toBeLessThan(128);
      for (const s of [h.sandbox.credentials.clientSecret, h.sandbox.pagerdutyToken]) expect(text).not.toContain(s);
    }
  });

  it("state whose __provider is the closure-serialized stub of earlier 0.2 builds still reads, diffs, updates and deletes", async () => {
    const old = require("./fixtures/closure-stub.json") as Record<"PagerDutyIntegration" | "AlertRouting", string>;
    const host = await ProviderHost.start();
    try {
      await host.configure({ ...h.sandbox.providerConfig(), ...FAST_RETRY });
      const r = routings[3];
      const olds = { ...r.outs, __provider: old.AlertRouting };
      const read = await host.read(r.urn, r.id, olds);
      expect(read.props).toMatchObject({ alertConfigId: r.outs.alertConfigId, __provider: old.AlertRouting });
      // The program now sends the one-line stub: no change, then a real update through the old state's provider.
      expect(await host.diff(r.urn, r.id, read.props, { ...r.inputs, __provider: h.provider.routing })).toMatchObject({ changes: "none" });
      const news = { ...r.inputs, severity: "WARNING", __provider: h.provider.routing };
      const outs = await host.update(r.urn, r.id, read.props, news);
      expect(outs).toMatchObject({ severity: "WARNING", __provider: h.provider.routing });
      const i = await host.read(INTEGRATION, integration.id, { ...integration.outs, __provider: old.PagerDutyIntegration });
      expect(i.props).toMatchObject({ integrationId: integration.outs.integrationId, keyLast4: integration.outs.keyLast4 });
      await host.delete(r.urn, r.id, { ...outs, __provider: old.AlertRouting });
      expect((await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`)).status).toBe(404);
    } finally {
      await host.stop();
    }
  });

  it("state carries schemaVersion 1 and the integration's instance id", () => {
    expect(integration.outs).toMatchObject({ schemaVersion: 1, instanceId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(integration.inputs.instanceId).toBe(integration.outs.instanceId);
    for (const r of routings)
      expect(r.outs).toMatchObject({ schemaVersion: 1, integrationInstanceId: integration.outs.instanceId, integrationId: integration.outs.integrationId });
  });

  it("a refresh of 5 resources in a new provider process: one GET each and one token request", async () => {
    const host = await ProviderHost.start();
    try {
      await host.configure({ ...h.sandbox.providerConfig(), ...FAST_RETRY });
      const from = h.recorder.exchanges.length;
      await Promise.all([host.read(INTEGRATION, integration.id, integration.outs), ...routings.map((r) => host.read(r.urn, r.id, r.outs))]);
      const calls = atlasCalls(from);
      expect(tokenRequests(from)).toHaveLength(1);
      expect(
        calls
          .filter((c) => c.method === "GET")
          .map((c) => c.path)
          .sort(),
      ).toEqual(
        [
          `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`,
          ...routings.map((r) => `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`),
        ].sort(),
      );
      expect(calls).toHaveLength(5);
      // A second refresh in the same process reuses the token.
      const again = h.recorder.exchanges.length;
      await Promise.all(routings.map((r) => host.read(r.urn, r.id, r.outs)));
      expect(tokenRequests(again)).toHaveLength(0);
    } finally {
      await host.stop();
    }
  });

  it("state written by 0.1.0 (no schemaVersion, routings by integrationId) shows as an update that rewrites state with no API call", async () => {
    const r = routings[0];
    const strip = ({ schemaVersion: _v, instanceId: _i, integrationInstanceId: _r, ...rest }: Record<string, any>) => rest;
    const oldIntegration = strip(integration.outs);
    const oldRouting = { ...strip(r.outs), integrationId: integration.outs.integrationId };
    // The program's inputs as today's check makes them from old state.
    const integrationNews = (
      await h.host.check(INTEGRATION, strip(integration.inputs), {
        projectId,
        integrationKey: integration.inputs.integrationKey,
        __provider: h.provider.integration,
      })
    ).inputs;
    expect(integrationNews.instanceId).toBe("v0");
    const routingNews = { ...r.inputs, integrationInstanceId: "v0" };
    expect(await h.host.diff(INTEGRATION, integration.id, oldIntegration, integrationNews)).toMatchObject({ changes: "some", replaces: [] });
    expect(await h.host.diff(r.urn, r.id, oldRouting, routingNews)).toMatchObject({ changes: "some", replaces: [] });
    const from = h.recorder.exchanges.length;
    const outs = await h.host.update(INTEGRATION, integration.id, oldIntegration, integrationNews);
    const routingOuts = await h.host.update(r.urn, r.id, oldRouting, routingNews);
    expect(atlasCalls(from).filter((c) => c.method !== "GET")).toEqual([]);
    expect(outs).toMatchObject({ schemaVersion: 1, instanceId: "v0", integrationId: integration.outs.integrationId });
    expect(routingOuts).toMatchObject({ schemaVersion: 1, integrationInstanceId: "v0", alertConfigId: r.outs.alertConfigId });
    expect(await h.host.diff(r.urn, r.id, routingOuts, routingNews)).toMatchObject({ changes: "none" });
    // Read and delete take old state too.
    const read = await h.host.read(r.urn, r.id, oldRouting);
    expect(read.props).toMatchObject({ schemaVersion: 1, integrationInstanceId: "v0" });
  });

  it("an integration created anew gives its routings a new instance id: their update re-points the notification", async () => {
    const r = routings[1];
    expect((await atlas(h.sandbox, "DELETE", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`)).status).toBe(204);
    expect((await h.host.read(INTEGRATION, integration.id, integration.outs)).id).toBe("");
    const checked = await h.host.check(INTEGRATION, {}, { projectId, integrationKey: integration.inputs.integrationKey, __provider: h.provider.integration });
    expect(checked.inputs.instanceId).not.toBe(integration.outs.instanceId);
    const created = await h.host.create(INTEGRATION, checked.inputs);
    const news = { ...r.inputs, integrationInstanceId: created.outs.instanceId };
    expect(await h.host.diff(r.urn, r.id, r.outs, news)).toMatchObject({ changes: "some", replaces: [] });
    const outs = await h.host.update(r.urn, r.id, r.outs, news);
    expect(outs.integrationId).toBe(created.outs.integrationId);
    const live = await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`);
    expect(live.body.notifications[0].integrationId).toBe(created.outs.integrationId);
  });
});
