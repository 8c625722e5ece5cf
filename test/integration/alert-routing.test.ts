import { startHarness, type Harness } from "../support/harness";
import { urnOf } from "../support/provider-host";
import { atlas, incidentsFor, makeService, newProjectId, pd } from "../support/sandbox-client";

// AlertRouting through the real provider host against the sandbox, including
// the native delivery end to end: a project alert opens and closes a
// PagerDuty incident.
jest.setTimeout(60_000);

let h: Harness;
let service: { serviceId: string; integrationId: string; key: string };
const projectId = newProjectId();
const INTEGRATION_URN = urnOf("PagerDutyIntegration", "pd");
let integration: { id: string; outs: Record<string, any> };

beforeAll(async () => {
  h = await startHarness({ projects: [projectId] });
  service = await makeService(h.sandbox, "Database on-call");
  const checked = await h.host.check(INTEGRATION_URN, {}, { projectId, integrationKey: service.key, __provider: h.provider.integration });
  integration = await h.host.create(INTEGRATION_URN, checked.inputs);
});

afterAll(async () => {
  await h?.close();
});

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

const liveConfig = (id: string) => atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${id}`);

describe("AlertRouting through the provider host", () => {
  it("create stores a PAGER_DUTY notification by integrationId; refresh shows no drift", async () => {
    const r = await up(
      "lag",
      routing({
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: ">", threshold: 60, units: "SECONDS" },
        matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }],
        severity: "critical",
        delayMin: 5,
      }),
    );
    expect(r.id).toBe(`${projectId}/${r.outs.alertConfigId}`);
    expect(r.outs.notifierId).toMatch(/^[0-9a-f]{24}$/);
    const stored = await liveConfig(r.outs.alertConfigId);
    expect(stored.body).toMatchObject({
      enabled: true,
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      severityOverride: "CRITICAL",
      metricThreshold: { metricName: "OPLOG_SLAVE_LAG_MASTER_TIME", operator: "GREATER_THAN", threshold: 60, units: "SECONDS" },
      notifications: [expect.objectContaining({ typeName: "PAGER_DUTY", integrationId: integration.outs.integrationId, delayMin: 5, region: "US" })],
    });
    // The key never travels with the routing.
    const posts = h.recorder.exchanges.filter((e) => e.method === "POST" && e.path.endsWith("/alertConfigs"));
    expect(JSON.stringify(posts.map((p) => p.requestBody))).not.toContain(service.key);

    const read = await h.host.read(r.urn, r.id, r.outs);
    expect(await h.host.diff(r.urn, r.id, read.props, r.inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
    expect(await h.host.diff(r.urn, r.id, read.inputs!, r.inputs)).toMatchObject({ changes: "none" });
  });

  it("drift by hand (disabled, severity, threshold) is seen by refresh and repaired by update; enabling alone is a PATCH", async () => {
    const r = await up(
      "elections",
      routing({ eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: ">", threshold: 3, units: "RAW" }, severity: "WARNING" }),
    );
    const path = `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`;
    expect((await atlas(h.sandbox, "PATCH", path, { enabled: false })).status).toBe(200);
    let read = await h.host.read(r.urn, r.id, r.outs);
    expect(read.props.enabled).toBe(false);
    expect(await h.host.diff(r.urn, r.id, read.props, r.inputs)).toMatchObject({ changes: "some", replaces: [] });
    const before = h.recorder.exchanges.length;
    let outs = await h.host.update(r.urn, r.id, read.props, r.inputs);
    const calls = h.recorder.exchanges.slice(before).filter((e) => e.path === path);
    expect(calls.map((c) => c.method)).toEqual(["PATCH"]);
    expect((await liveConfig(r.outs.alertConfigId)).body.enabled).toBe(true);

    const edited = (await liveConfig(r.outs.alertConfigId)).body;
    edited.severityOverride = "INFO";
    edited.threshold.threshold = 10;
    delete edited.id;
    delete edited.created;
    delete edited.updated;
    delete edited.links;
    delete edited.groupId;
    expect((await atlas(h.sandbox, "PUT", path, edited)).status).toBe(200);
    read = await h.host.read(r.urn, r.id, outs);
    expect(read.props).toMatchObject({ severity: "INFO", threshold: { threshold: 10 } });
    outs = await h.host.update(r.urn, r.id, read.props, r.inputs);
    const puts = h.recorder.exchanges.filter((e) => e.method === "PUT" && e.path === path);
    const body = puts.at(-1)!.requestBody as any;
    expect(body.notifications[0]).toMatchObject({ typeName: "PAGER_DUTY", integrationId: integration.outs.integrationId, notifierId: r.outs.notifierId });
    expect(body.notifications[0].serviceKey).toBeUndefined();
    expect((await liveConfig(r.outs.alertConfigId)).body).toMatchObject({ severityOverride: "WARNING", threshold: { threshold: 3 } });
    expect(await h.host.diff(r.urn, r.id, (await h.host.read(r.urn, r.id, outs)).props, r.inputs)).toMatchObject({ changes: "none" });
  });

  it("deleted by hand is gone on refresh; delete of a gone routing is fine", async () => {
    const r = await up(
      "cpu",
      routing({
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" },
      }),
    );
    expect((await atlas(h.sandbox, "DELETE", `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`)).status).toBe(204);
    expect((await h.host.read(r.urn, r.id, r.outs)).id).toBe("");
    await h.host.delete(r.urn, r.id, r.outs);
  });

  it("import by <projectId>/<alertConfigId> adopts a matching configuration without writing, and names the fields that differ", async () => {
    const created = await atlas(h.sandbox, "POST", `/api/atlas/v2/groups/${projectId}/alertConfigs`, {
      eventTypeName: "PRIMARY_ELECTED",
      enabled: true,
      severityOverride: "CRITICAL",
      notifications: [{ typeName: "PAGER_DUTY", integrationId: integration.outs.integrationId, delayMin: 0 }],
    });
    expect(created.status).toBe(201);
    const urn = urnOf("AlertRouting", "imported");
    const importId = `${projectId}/${created.body.id}`;
    const differing = (await h.host.check(urn, {}, routing({ eventTypeName: "PRIMARY_ELECTED", severity: "WARNING", importId }))).inputs;
    await expect(h.host.create(urn, differing)).rejects.toThrow(/cannot import .* differs from the program in severity/);

    const before = h.recorder.exchanges.length;
    const checked = await h.host.check(urn, {}, routing({ eventTypeName: "PRIMARY_ELECTED", severity: "CRITICAL", importId }));
    const adopted = await h.host.create(urn, checked.inputs);
    expect(adopted.id).toBe(importId);
    expect(adopted.outs).toMatchObject({ alertConfigId: created.body.id, notifierId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(h.recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service === "atlas")).toEqual([]);
    const { importId: _i, ...program } = checked.inputs;
    expect(await h.host.diff(urn, adopted.id, adopted.outs, program)).toMatchObject({ changes: "none" });
  });

  it("relay delivery stores a WEBHOOK notification with the secret, redacted on read, without drift", async () => {
    const secret = "relay-secret-0123456789";
    const r = await up(
      "relayed",
      routing({ eventTypeName: "NO_PRIMARY", delivery: "relay", relayUrl: "https://relay.example.com/atlas/webhook", relaySecret: secret }),
    );
    const stored = await liveConfig(r.outs.alertConfigId);
    expect(stored.body.notifications[0]).toMatchObject({ typeName: "WEBHOOK" });
    expect(JSON.stringify(stored.body)).not.toContain(secret);
    const read = await h.host.read(r.urn, r.id, r.outs);
    expect(read.props.relaySecret).toBe(secret);
    expect(await h.host.diff(r.urn, r.id, read.props, r.inputs)).toMatchObject({ changes: "none" });
  });

  it("relay delivery without an integration (projectId only): create, then refresh reads it back without drift", async () => {
    // The SDK leaves integrationInstanceId undefined here; read results go through protobuf's
    // Struct encoding, which refuses undefined values ("Unexpected struct type").
    const r = await up("relay-only", {
      projectId,
      integrationInstanceId: undefined,
      __provider: h.provider.routing,
      eventTypeName: "HOST_DOWN",
      delivery: "relay",
      relayUrl: "https://relay.example.com/atlas/orders",
      relaySecret: "relay-secret-abcdefghij",
    });
    const read = await h.host.read(r.urn, r.id, r.outs);
    expect(read.id).toBe(r.id);
    expect(read.props).toMatchObject({ delivery: "relay", eventTypeName: "HOST_DOWN" });
    expect(await h.host.diff(r.urn, r.id, read.props, r.inputs)).toMatchObject({ changes: "none" });
  });

  it("relay delivery without an integration: update re-points the webhook and rotates its secret in place; delete removes the configuration", async () => {
    const relayOnly = (relayUrl: string, relaySecret: string, severity: string) => ({
      projectId,
      integrationInstanceId: undefined,
      __provider: h.provider.routing,
      eventTypeName: "CLUSTER_MONGOS_IS_MISSING",
      delivery: "relay",
      relayUrl,
      relaySecret,
      severity,
    });
    const r = await up("relay-crud", relayOnly("https://relay.example.com/atlas/orders", "relay-secret-first-000", "WARNING"));
    const path = `/api/atlas/v2/groups/${projectId}/alertConfigs/${r.outs.alertConfigId}`;
    // Atlas shows webhook URLs and secrets redacted: what was written is read off the recorded requests.
    expect((await liveConfig(r.outs.alertConfigId)).body).toMatchObject({
      severityOverride: "WARNING",
      notifications: [expect.objectContaining({ typeName: "WEBHOOK" })],
    });

    const news = (await h.host.check(r.urn, r.inputs, relayOnly("https://relay-2.example.com/atlas/orders", "relay-secret-second-00", "CRITICAL"))).inputs;
    expect(await h.host.diff(r.urn, r.id, r.outs, news)).toMatchObject({ changes: "some", replaces: [] });
    const before = h.recorder.exchanges.length;
    const outs = await h.host.update(r.urn, r.id, r.outs, news);
    expect(outs.alertConfigId).toBe(r.outs.alertConfigId);
    const written = h.recorder.exchanges.slice(before).filter((e) => e.path === path && e.method !== "GET");
    expect(written.at(-1)?.requestBody).toMatchObject({
      notifications: [
        expect.objectContaining({ typeName: "WEBHOOK", webhookUrl: "https://relay-2.example.com/atlas/orders", webhookSecret: "relay-secret-second-00" }),
      ],
    });
    const live = (await liveConfig(r.outs.alertConfigId)).body;
    expect(live).toMatchObject({ severityOverride: "CRITICAL", notifications: [expect.objectContaining({ typeName: "WEBHOOK" })] });
    expect(JSON.stringify(live)).not.toContain("relay-secret-second-00");
    const read = await h.host.read(r.urn, r.id, outs);
    expect(read.props).toMatchObject({ delivery: "relay", relaySecret: "relay-secret-second-00", severity: "CRITICAL" });
    expect(await h.host.diff(r.urn, r.id, read.props, news)).toMatchObject({ changes: "none" });

    await h.host.delete(r.urn, r.id, outs);
    expect((await liveConfig(r.outs.alertConfigId)).status).toBe(404);
    expect((await h.host.read(r.urn, r.id, outs)).id).toBe("");
  });

  it("creating a routing in a project without a PagerDuty integration says so", async () => {
    const other = newProjectId();
    await atlas(h.sandbox, "POST", "/sandbox/groups", { id: other });
    const urn = urnOf("AlertRouting", "orphan");
    const checked = await h.host.check(urn, {}, routing({ projectId: other, eventTypeName: "NO_PRIMARY" }));
    await expect(h.host.create(urn, checked.inputs)).rejects.toThrow(/has no PagerDuty integration: declare a PagerDutyIntegration/);
  });

  it("end to end: an alert of a routed configuration opens a PagerDuty incident and closing it resolves the incident", async () => {
    const r = await up("no-primary", routing({ eventTypeName: "NO_PRIMARY", severity: "CRITICAL" }));
    const opened = await atlas(h.sandbox, "POST", `/sandbox/groups/${projectId}/alerts`, {
      alertConfigId: r.outs.alertConfigId,
      clusterName: "Cluster0",
      replicaSetName: "rs0",
    });
    expect([200, 201]).toContain(opened.status);
    const alertId = opened.body.id;
    await atlas(h.sandbox, "POST", "/sandbox/tick", {});
    const incident = await waitFor(async () => {
      const list = await incidentsFor(h.sandbox, alertId);
      return list.length ? list[0] : undefined;
    });
    expect(incident).toMatchObject({ status: "triggered", service: expect.objectContaining({ id: service.serviceId }) });
    const alerts = await pd(h.sandbox, "GET", `/incidents/${incident.id}/alerts`);
    expect(alerts.body.alerts[0]).toMatchObject({ alert_key: alertId, severity: "critical" });

    expect((await atlas(h.sandbox, "POST", `/sandbox/groups/${projectId}/alerts/${alertId}/close`, {})).status).toBeLessThan(300);
    await waitFor(async () => ((await incidentsFor(h.sandbox, alertId))[0]?.status === "resolved" ? true : undefined));
  });

  it("every request and response conformed to the specs", () => {
    expect(h.recorder.errors()).toEqual([]);
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
