import { startHarness, type Harness } from "../support/harness";
import { urnOf } from "../support/provider-host";
import { atlas, makeService, newProjectId } from "../support/sandbox-client";

// A new Atlas project already holds Atlas's default alert configurations
// (NO_PRIMARY, CONNECTIONS_PERCENT > 80, ... with GROUP notifications). The
// provider owns only what it created or imported: through the real provider
// host, create, refresh, update, import and destroy of AlertRouting must never
// read a default as drift, write to one, or delete one.
jest.setTimeout(120_000);

let h: Harness;
const projectId = newProjectId();
let integration: { id: string; outs: Record<string, any> };
let defaults: any[];
const base = `/api/atlas/v2/groups/${projectId}/alertConfigs`;

beforeAll(async () => {
  h = await startHarness({ projects: [projectId], defaultAlertConfigs: true });
  const service = await makeService(h.sandbox, "Database on-call");
  const urn = urnOf("PagerDutyIntegration", "pd");
  const checked = await h.host.check(urn, {}, { projectId, integrationKey: service.key, __provider: h.provider.integration });
  integration = await h.host.create(urn, checked.inputs);
  defaults = (await atlas(h.sandbox, "GET", `${base}?itemsPerPage=500`)).body.results;
});

afterAll(async () => {
  await h?.close();
});

const isDefault = (id: string) => defaults.some((d) => d.id === id);

/** The defaults are exactly as created, and no write ever addressed one. */
async function expectDefaultsUntouched(): Promise<void> {
  const all = (await atlas(h.sandbox, "GET", `${base}?itemsPerPage=500`)).body.results;
  expect(all.filter((c: any) => isDefault(c.id))).toEqual(defaults);
  const writes = h.recorder.exchanges.filter((e) => e.method !== "GET" && e.service === "atlas" && defaults.some((d) => e.path.includes(d.id)));
  expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([]);
}

function routing(extra: Record<string, unknown>): Record<string, unknown> {
  return { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", __provider: h.provider.routing, ...extra };
}

async function up(name: string, news: Record<string, unknown>) {
  const urn = urnOf("AlertRouting", name);
  const checked = await h.host.check(urn, {}, news);
  expect(checked.failures).toEqual([]);
  const created = await h.host.create(urn, checked.inputs);
  return { urn, ...created, inputs: checked.inputs };
}

describe("AlertRouting in a project with Atlas's default alert configurations", () => {
  it("the project starts with the defaults, none of them routed to PagerDuty", () => {
    expect(defaults.length).toBeGreaterThanOrEqual(10);
    expect(defaults.map((d) => d.eventTypeName)).toEqual(
      expect.arrayContaining(["NO_PRIMARY", "OUTSIDE_METRIC_THRESHOLD", "REPLICATION_OPLOG_WINDOW_RUNNING_OUT"]),
    );
    for (const d of defaults) expect(d.notifications.map((n: any) => n.typeName)).toEqual(["GROUP"]);
  });

  it("create, refresh, update and destroy of routings shaped like defaults touch only their own configurations", async () => {
    // Same event type as a default, and the very threshold of another.
    const noPrimary = await up("no-primary", routing({ eventTypeName: "NO_PRIMARY", severity: "CRITICAL" }));
    const connections = await up(
      "connections",
      routing({
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "CONNECTIONS_PERCENT", operator: ">", threshold: 80, units: "RAW" },
        severity: "WARNING",
      }),
    );
    for (const r of [noPrimary, connections]) expect(isDefault(r.outs.alertConfigId)).toBe(false);
    await expectDefaultsUntouched();

    // Refresh reads each routing's own configuration: no drift, and the defaults are not adopted.
    for (const r of [noPrimary, connections]) {
      const read = await h.host.read(r.urn, r.id, r.outs);
      expect(read.id).toBe(r.id);
      expect(read.props.alertConfigId).toBe(r.outs.alertConfigId);
      expect(await h.host.diff(r.urn, r.id, read.props, r.inputs)).toMatchObject({ changes: "none" });
    }

    // Someone disables and edits the default NO_PRIMARY by hand: that is not drift of ours.
    const dflt = defaults.find((d) => d.eventTypeName === "NO_PRIMARY");
    expect((await atlas(h.sandbox, "PATCH", `${base}/${dflt.id}`, { enabled: false })).status).toBe(200);
    const read = await h.host.read(noPrimary.urn, noPrimary.id, noPrimary.outs);
    expect(await h.host.diff(noPrimary.urn, noPrimary.id, read.props, noPrimary.inputs)).toMatchObject({ changes: "none" });
    expect((await atlas(h.sandbox, "PATCH", `${base}/${dflt.id}`, { enabled: true })).status).toBe(200);
    defaults = defaults.map((d) => (d.id === dflt.id ? { ...d, updated: expect.any(String) } : d));
    // (the two PATCHes above are ours, by hand: leave them out of the write check)
    const own = h.recorder.exchanges.length;

    // Update: a new severity is written to the routing's own configuration only.
    const newInputs = { ...noPrimary.inputs, severity: "ERROR" };
    const outs = await h.host.update(noPrimary.urn, noPrimary.id, noPrimary.outs, newInputs);
    expect(outs.alertConfigId).toBe(noPrimary.outs.alertConfigId);
    const writes = h.recorder.exchanges.slice(own).filter((e) => e.method !== "GET" && e.service === "atlas");
    expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([`PUT ${base}/${noPrimary.outs.alertConfigId}`]);

    // Destroy: each deletes its own configuration; the integration's delete leaves every default in place.
    await h.host.delete(noPrimary.urn, noPrimary.id, outs);
    await h.host.delete(connections.urn, connections.id, connections.outs);
    const after = (await atlas(h.sandbox, "GET", `${base}?itemsPerPage=500`)).body.results;
    expect(after.map((c: any) => c.id)).toEqual(defaults.map((d) => d.id));
    const dels = h.recorder.exchanges
      .slice(own)
      .filter((e) => e.method === "DELETE" && e.service === "atlas")
      .map((e) => e.path);
    expect(dels).toEqual([`${base}/${noPrimary.outs.alertConfigId}`, `${base}/${connections.outs.alertConfigId}`]);
    expect(h.recorder.exchanges.slice(own).filter((e) => e.method !== "GET" && e.service === "atlas" && defaults.some((d) => e.path.includes(d.id)))).toEqual(
      [],
    );
  });

  it("import refuses a default configuration that is not a PagerDuty routing, writing nothing", async () => {
    const dflt = defaults.find((d) => d.eventTypeName === "NO_PRIMARY");
    const urn = urnOf("AlertRouting", "adopt-default");
    const before = h.recorder.exchanges.length;
    const checked = await h.host.check(urn, {}, routing({ eventTypeName: "NO_PRIMARY", importId: `${projectId}/${dflt.id}` }));
    await expect(h.host.create(urn, checked.inputs)).rejects.toThrow(/cannot import/);
    expect(h.recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service === "atlas")).toEqual([]);
  });

  it("import adopts the program's own configuration and its destroy deletes only that one", async () => {
    const created = await atlas(h.sandbox, "POST", base, {
      eventTypeName: "PRIMARY_ELECTED",
      enabled: true,
      severityOverride: "CRITICAL",
      notifications: [{ typeName: "PAGER_DUTY", integrationId: integration.outs.integrationId, delayMin: 0 }],
    });
    expect(created.status).toBe(201);
    const urn = urnOf("AlertRouting", "imported");
    const checked = await h.host.check(
      urn,
      {},
      routing({ eventTypeName: "PRIMARY_ELECTED", severity: "CRITICAL", importId: `${projectId}/${created.body.id}` }),
    );
    const before = h.recorder.exchanges.length;
    const adopted = await h.host.create(urn, checked.inputs);
    expect(adopted.outs.alertConfigId).toBe(created.body.id);
    await h.host.delete(urn, adopted.id, adopted.outs);
    const writes = h.recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service === "atlas");
    expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([`DELETE ${base}/${created.body.id}`]);
    const after = (await atlas(h.sandbox, "GET", `${base}?itemsPerPage=500`)).body.results;
    expect(after.filter((c: any) => isDefault(c.id))).toEqual(defaults);
    expect(after).toHaveLength(defaults.length);
  });

  it("deleting the integration leaves the defaults in place", async () => {
    await h.host.delete(urnOf("PagerDutyIntegration", "pd"), integration.id, integration.outs);
    const after = (await atlas(h.sandbox, "GET", `${base}?itemsPerPage=500`)).body.results;
    expect(after).toEqual(defaults);
  });

  it("every request and response conformed to the specs", () => {
    expect(h.recorder.errors()).toEqual([]);
  });
});
