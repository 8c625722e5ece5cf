import { setTimeout as sleep } from "node:timers/promises";
import { startHarness, FAST_RETRY, type Harness } from "../support/harness";
import { ProviderHost, urnOf } from "../support/provider-host";
import { storedConfig } from "../support/notifications";
import { atlas, incidentsFor, makeService, newProjectId, pd } from "../support/sandbox-client";
import { initialDedupKey } from "../../provider/integration/initial-alert";
import { serviceIntegrationName } from "../../provider/integration/lifecycle";

// Crash safety through the real provider host: a sandbox delay fault holds one
// step of a create, update or delete open, the host is killed (SIGKILL) while
// it waits, and the same operation runs again in a new host, as the next
// `pulumi up` would after `pulumi refresh --clear-pending-creates`. Afterwards
// the project holds exactly what the program declares, PagerDuty has no open
// initial incident, no orphaned integration, and no duplicate configuration.
jest.setTimeout(90_000);

const HOLD_MS = 2500;
const INT = urnOf("PagerDutyIntegration", "crash");
const ROUTE = urnOf("AlertRouting", "crash");

let h: Harness;
let host: ProviderHost;
let service: { serviceId: string; integrationId: string; key: string };
let other: { serviceId: string; integrationId: string; key: string };

beforeAll(async () => {
  h = await startHarness();
  host = h.host;
  service = await makeService(h.sandbox, "Crash on-call");
  other = await makeService(h.sandbox, "Crash other");
});

afterAll(async () => {
  await host?.stop();
  await h?.close();
});

/** The project's alert configurations that notify PagerDuty: Atlas's default configurations (GROUP notifications) left out. */
async function routedConfigs(projectId: string): Promise<any[]> {
  const all = (await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs`)).body.results;
  return all.filter((c: any) => c.notifications.some((n: any) => n.typeName === "PAGER_DUTY"));
}

async function project(): Promise<string> {
  const id = newProjectId();
  expect((await atlas(h.sandbox, "POST", "/sandbox/groups", { id })).status).toBe(201);
  return id;
}

async function freshHost(): Promise<ProviderHost> {
  const next = await ProviderHost.start();
  await next.configure({ ...h.sandbox.providerConfig(), ...FAST_RETRY });
  return next;
}

type Fault = { server: "pagerduty"; body: Record<string, unknown> } | { server: "atlas"; body: Record<string, unknown> };

/**
 * Starts `op` on the current host with `fault` holding one request, kills the
 * host once the held request has arrived, waits until the request landed (or
 * not) on the server, and returns a new host.
 */
async function crashDuring(fault: Fault, op: (host: ProviderHost) => Promise<unknown>): Promise<void> {
  const control = (method: string, body?: unknown) =>
    fault.server === "atlas" ? atlas(h.sandbox, method, "/sandbox/faults", body) : pd(h.sandbox, method, "/sandbox/faults", body);
  expect((await control("POST", { count: 1, delayMs: HOLD_MS, ...fault.body })).status).toBe(201);
  const running = op(host).then(
    () => "finished",
    () => "failed",
  );
  try {
    // The fault is consumed when the held request arrives.
    for (let i = 0; ; i++) {
      const pending = (await control("GET")).body.faults as unknown[];
      if (pending.length === 0) break;
      if (i > 400) throw new Error("the held request never arrived");
      await sleep(25);
    }
    await host.kill();
    expect(await Promise.race([running, sleep(100).then(() => "killed")])).not.toBe("finished");
    await sleep(HOLD_MS + 300);
  } finally {
    await control("DELETE");
  }
  host = await freshHost();
}

async function checked(urn: string, provider: string, news: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await host.check(urn, {}, { ...news, __provider: provider });
  expect(res.failures).toEqual([]);
  return res.inputs;
}

async function projectIntegration(projectId: string): Promise<any> {
  const res = await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`);
  return res.status === 200 ? res.body : undefined;
}

async function openIncidents(dedupKeys: string[]): Promise<any[]> {
  const all = (await Promise.all(dedupKeys.map((k) => incidentsFor(h.sandbox, k)))).flat();
  return all.filter((i) => i.status !== "resolved");
}

async function namedIntegrations(serviceId: string, projectId: string): Promise<any[]> {
  const svc = await pd(h.sandbox, "GET", `/services/${serviceId}?include[]=integrations`);
  return (svc.body.service.integrations as any[]).filter((i) => (i.name ?? i.summary) === serviceIntegrationName(projectId));
}

describe("PagerDutyIntegration create survives a crash at each step", () => {
  it.each<[string, Fault]>([
    ["key confirmation (REST)", { server: "pagerduty", body: { path: "rest" } }],
    ["initial alert trigger", { server: "pagerduty", body: { path: "events" } }],
    ["project API POST", { server: "atlas", body: { method: "POST", path: "/integrations/PAGER_DUTY" } }],
    ["initial alert resolve (after the commit point)", { server: "pagerduty", body: { path: "events", skip: 1 } }],
  ])("killed during the %s, then create runs again", async (_step, fault) => {
    const projectId = await project();
    const news = { projectId, integrationKey: service.key };
    const inputs = await checked(INT, h.provider.integration, news);
    await crashDuring(fault, (hst) => hst.create(INT, inputs));

    const { id, outs } = await host.create(INT, await checked(INT, h.provider.integration, news));
    expect(id).toBe(`${projectId}/PAGER_DUTY`);
    expect(outs).toMatchObject({ integrationKey: service.key, initialIncidentOpen: false });
    expect(outs.pendingCleanup).toBeUndefined();
    expect((await projectIntegration(projectId)).serviceKey.slice(-4)).toBe(service.key.slice(-4));
    expect(outs.initialDedupKey).toBe(initialDedupKey(projectId, service.key));
    expect(await openIncidents([outs.initialDedupKey])).toEqual([]);
    await host.delete(INT, id, outs);
  });

  it("service form: killed during the trigger, after the PagerDuty integration was created: the retry finds it by name (no orphan)", async () => {
    const projectId = await project();
    const news = { projectId, pagerdutyServiceId: service.serviceId };
    const inputs = await checked(INT, h.provider.integration, news);
    await crashDuring({ server: "pagerduty", body: { path: "events" } }, (hst) => hst.create(INT, inputs));
    expect(await namedIntegrations(service.serviceId, projectId)).toHaveLength(1);

    const { id, outs } = await host.create(INT, await checked(INT, h.provider.integration, news));
    const named = await namedIntegrations(service.serviceId, projectId);
    expect(named).toEqual([expect.objectContaining({ id: outs.pagerdutyIntegrationId })]);
    expect((await projectIntegration(projectId)).serviceKey.slice(-4)).toBe(outs.integrationKey.slice(-4));
    expect(await openIncidents([outs.initialDedupKey])).toEqual([]);
    await host.delete(INT, id, outs);
    expect(await namedIntegrations(service.serviceId, projectId)).toEqual([]);
  });
});

describe("PagerDutyIntegration update and delete survive a crash", () => {
  it("key change killed during the project API PUT: the rerun ends with the new key and no open initial incident", async () => {
    const projectId = await project();
    const created = await host.create(
      INT,
      await checked(INT, h.provider.integration, { projectId, integrationKey: service.key, initialAlert: { keepOpen: true } }),
    );
    const news = await checked(INT, h.provider.integration, { projectId, integrationKey: other.key });
    await crashDuring({ server: "atlas", body: { method: "PUT", path: "/integrations/PAGER_DUTY" } }, (hst) => hst.update(INT, created.id, created.outs, news));

    // The engine never saw the update's result: state is still the old one.
    const updated = await host.update(INT, created.id, created.outs, news);
    expect(updated).toMatchObject({ integrationKey: other.key, initialIncidentOpen: false });
    expect(updated.pendingCleanup).toBeUndefined();
    expect((await projectIntegration(projectId)).serviceKey.slice(-4)).toBe(other.key.slice(-4));
    expect(await openIncidents([created.outs.initialDedupKey, updated.initialDedupKey])).toEqual([]);
    await host.delete(INT, created.id, updated);
  });

  it("service change killed while resolving the new alert: the rerun reuses the integration it created and deletes the old one", async () => {
    const projectId = await project();
    const created = await host.create(INT, await checked(INT, h.provider.integration, { projectId, pagerdutyServiceId: service.serviceId }));
    const news = await checked(INT, h.provider.integration, { projectId, pagerdutyServiceId: other.serviceId });
    await crashDuring({ server: "pagerduty", body: { path: "events", skip: 1 } }, (hst) => hst.update(INT, created.id, created.outs, news));

    const updated = await host.update(INT, created.id, created.outs, news);
    expect(updated).toMatchObject({ pagerdutyServiceId: other.serviceId });
    expect(updated.pendingCleanup).toBeUndefined();
    expect(await namedIntegrations(other.serviceId, projectId)).toEqual([expect.objectContaining({ id: updated.pagerdutyIntegrationId })]);
    expect(await namedIntegrations(service.serviceId, projectId)).toEqual([]);
    expect((await projectIntegration(projectId)).serviceKey.slice(-4)).toBe(updated.integrationKey.slice(-4));
    expect(await openIncidents([created.outs.initialDedupKey, updated.initialDedupKey])).toEqual([]);
    await host.delete(INT, created.id, updated);
  });

  it("delete killed while resolving the kept-open incident: deleting again finishes", async () => {
    const projectId = await project();
    const created = await host.create(
      INT,
      await checked(INT, h.provider.integration, { projectId, integrationKey: service.key, initialAlert: { keepOpen: true } }),
    );
    expect(await openIncidents([created.outs.initialDedupKey])).toHaveLength(1);
    await crashDuring({ server: "pagerduty", body: { path: "events" } }, (hst) => hst.delete(INT, created.id, created.outs));
    await host.delete(INT, created.id, created.outs);
    expect(await projectIntegration(projectId)).toBeUndefined();
    expect(await openIncidents([created.outs.initialDedupKey])).toEqual([]);
  });
});

describe("AlertRouting create survives a crash", () => {
  it("killed while the alert configuration POST is held: the rerun adopts it, no duplicate", async () => {
    const projectId = await project();
    const integration = await host.create(INT, await checked(INT, h.provider.integration, { projectId, integrationKey: service.key }));
    const news = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", eventTypeName: "NO_PRIMARY", severity: "CRITICAL" };
    const inputs = await checked(ROUTE, h.provider.routing, news);
    await crashDuring({ server: "atlas", body: { method: "POST", path: "/alertConfigs" } }, (hst) => hst.create(ROUTE, inputs));
    const landed = await routedConfigs(projectId);
    expect(landed).toHaveLength(1);

    const { id, outs } = await host.create(ROUTE, await checked(ROUTE, h.provider.routing, news));
    expect(id).toBe(`${projectId}/${landed[0].id}`);
    expect(outs.notifierId).toBe(landed[0].notifications[0].notifierId);
    expect(await routedConfigs(projectId)).toHaveLength(1);
    await host.delete(ROUTE, id, outs);
    await host.delete(INT, integration.id, integration.outs);
  });

  it("does not adopt a configuration that differs in any field", async () => {
    const projectId = await project();
    const integration = await host.create(INT, await checked(INT, h.provider.integration, { projectId, integrationKey: service.key }));
    const news = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", eventTypeName: "NO_PRIMARY", severity: "CRITICAL" };
    const first = await host.create(ROUTE, await checked(ROUTE, h.provider.routing, { ...news, severity: "WARNING" }));
    const second = await host.create(ROUTE, await checked(ROUTE, h.provider.routing, news));
    expect(second.id).not.toBe(first.id);
    expect(await routedConfigs(projectId)).toHaveLength(2);
    await host.delete(ROUTE, first.id, first.outs);
    await host.delete(ROUTE, second.id, second.outs);
    await host.delete(INT, integration.id, integration.outs);
  });
});

/** The project's configurations notifying PagerDuty or a webhook: the routings (Atlas's defaults notify GROUP). */
async function routings(projectId: string): Promise<any[]> {
  const all = (await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs`)).body.results;
  return all.filter((c: any) => c.notifications.some((n: any) => n.typeName === "PAGER_DUTY" || n.typeName === "WEBHOOK"));
}

describe("AlertRouting update and delete survive a crash", () => {
  const RELAY = { delivery: "relay", relayUrl: "http://127.0.0.1:9/atlas/webhook", relaySecret: "relay-secret-0123456789" };
  const PUT = { server: "atlas", body: { method: "PUT", path: "/alertConfigs/" } } as const;
  const PATCH = { server: "atlas", body: { method: "PATCH", path: "/alertConfigs/" } } as const;
  const GET_INTEGRATION = { server: "atlas", body: { method: "GET", path: "/integrations/PAGER_DUTY" } } as const;

  it.each<[string, Record<string, unknown>, Fault, { typeName: string; severityOverride?: string; enabled: boolean }]>([
    ["severity change, killed during the PUT", { severity: "WARNING" }, PUT, { typeName: "PAGER_DUTY", severityOverride: "WARNING", enabled: true }],
    [
      "severity change, killed reading the integration (before the PUT)",
      { severity: "WARNING" },
      GET_INTEGRATION,
      { typeName: "PAGER_DUTY", severityOverride: "WARNING", enabled: true },
    ],
    ["disable, killed during the PATCH", { enabled: false }, PATCH, { typeName: "PAGER_DUTY", severityOverride: "CRITICAL", enabled: false }],
    [
      "native to relay delivery, killed during the PUT (a new notifier landed)",
      RELAY,
      PUT,
      { typeName: "WEBHOOK", severityOverride: "CRITICAL", enabled: true },
    ],
  ])("%s: the rerun from the old state converges, one configuration with one notification", async (_case, change, fault, want) => {
    const projectId = await project();
    const integration = await host.create(INT, await checked(INT, h.provider.integration, { projectId, integrationKey: service.key }));
    const base = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", eventTypeName: "NO_PRIMARY", severity: "CRITICAL" };
    const route = await host.create(ROUTE, await checked(ROUTE, h.provider.routing, base));
    const news = await checked(ROUTE, h.provider.routing, { ...base, ...change });
    await crashDuring(fault, (hst) => hst.update(ROUTE, route.id, route.outs, news));

    // The engine never saw the update's result: it runs the update again from the old state.
    expect(await host.diff(ROUTE, route.id, route.outs, news)).toMatchObject({ changes: "some", replaces: [] });
    const outs = await host.update(ROUTE, route.id, route.outs, news);
    const live = await routings(projectId);
    expect(live).toHaveLength(1);
    expect(live[0].id).toBe(route.outs.alertConfigId);
    expect(live[0].notifications).toHaveLength(1);
    expect(live[0]).toMatchObject({
      enabled: want.enabled,
      severityOverride: want.severityOverride,
      notifications: [expect.objectContaining({ typeName: want.typeName })],
    });
    expect(outs.notifierId).toBe(live[0].notifications[0].notifierId);
    if (want.typeName === "PAGER_DUTY") expect(live[0].notifications[0].integrationId).toBe(integration.outs.integrationId);
    // Refresh then sees no drift: state and the project agree.
    const read = await host.read(ROUTE, route.id, outs);
    expect(await host.diff(ROUTE, route.id, read.props, news)).toMatchObject({ changes: "none" });
    await host.delete(ROUTE, route.id, outs);
    await host.delete(INT, integration.id, integration.outs);
  });

  it("delete killed during the DELETE (which lands after the crash): deleting again finishes, nothing left", async () => {
    const projectId = await project();
    const integration = await host.create(INT, await checked(INT, h.provider.integration, { projectId, integrationKey: service.key }));
    const news = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", eventTypeName: "NO_PRIMARY", severity: "CRITICAL" };
    const route = await host.create(ROUTE, await checked(ROUTE, h.provider.routing, news));
    await crashDuring({ server: "atlas", body: { method: "DELETE", path: "/alertConfigs/" } }, (hst) => hst.delete(ROUTE, route.id, route.outs));
    expect(await routings(projectId)).toEqual([]);
    await host.delete(ROUTE, route.id, route.outs);
    expect(await routings(projectId)).toEqual([]);
    expect((await host.read(ROUTE, route.id, route.outs)).id).toBe("");
    await host.delete(INT, integration.id, integration.outs);
  });
});

describe("AlertNotification survives a crash at each step", () => {
  const NOTE = urnOf("AlertNotification", "crash");
  const PUT = { server: "atlas", body: { method: "PUT", path: "/alertConfigs/" } } as const;
  const LIST = { server: "atlas", body: { method: "GET", path: "/alertConfigs" } } as const;

  /** A project with its defaults, its integration, and the defaults as stored before anything was attached. */
  async function setup() {
    const projectId = await project();
    const integration = await host.create(INT, await checked(INT, h.provider.integration, { projectId, integrationKey: service.key }));
    const defaults = (await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs`)).body.results as any[];
    const before = Object.fromEntries(defaults.map((d) => [d.id, storedConfig(h.sandbox.db, d.id)]));
    const news = {
      projectId,
      integrationInstanceId: integration.outs.instanceId,
      region: "US",
      selector: { eventTypeNames: ["NO_PRIMARY", "JOINED_GROUP", "CREDIT_CARD_ABOUT_TO_EXPIRE"] },
    };
    const selected = defaults.filter((d) => news.selector.eventTypeNames.includes(d.eventTypeName)).map((d) => d.id as string);
    return { projectId, integration, defaults, before, news, selected };
  }

  /** Each configuration's notifications reaching the integration: exactly one on each selected one, and every other notification as before. */
  function expectOneOfOursEach(s: Awaited<ReturnType<typeof setup>>, ids: string[], delayMin = 0): void {
    for (const d of s.defaults) {
      const now = storedConfig(h.sandbox.db, d.id)!;
      const ours = now.notifications.filter((n: any) => n.integrationId === s.integration.outs.integrationId);
      expect({ id: d.id, ours: ours.length }).toEqual({ id: d.id, ours: ids.includes(d.id) ? 1 : 0 });
      if (ours.length) expect(ours[0].delayMin).toBe(delayMin);
      expect({ ...now, notifications: now.notifications.filter((n: any) => !ours.includes(n)) }).toEqual(s.before[d.id]);
    }
  }

  it.each<[string, Fault]>([
    ["listing the configurations", LIST],
    ["a PUT (which lands after the crash)", PUT],
  ])("create killed while %s: the rerun ends with exactly one notification of ours per configuration", async (_step, fault) => {
    const s = await setup();
    const inputs = await checked(NOTE, h.provider.notification, s.news);
    await crashDuring(fault, (hst) => hst.create(NOTE, inputs));

    const { id, outs } = await host.create(NOTE, await checked(NOTE, h.provider.notification, s.news));
    expectOneOfOursEach(s, s.selected);
    expect(outs.attachments.map((a: any) => a.alertConfigId).sort()).toEqual([...s.selected].sort());
    expect(outs.skipped).toEqual([]);
    const read = await host.read(NOTE, id, outs);
    expect(await host.diff(NOTE, id, read.props, outs)).toMatchObject({ changes: "none" });
    await host.delete(NOTE, id, read.props);
    expectOneOfOursEach(s, []);
    await host.delete(INT, s.integration.id, s.integration.outs);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a delay change", { delayMin: 10 }],
    ["a wider selection", { selector: { eventTypeNames: ["NO_PRIMARY", "JOINED_GROUP", "CREDIT_CARD_ABOUT_TO_EXPIRE", "HOST_HAS_INDEX_SUGGESTIONS"] } }],
  ])("update (%s) killed during a PUT: the rerun from the old state converges", async (_case, change) => {
    const s = await setup();
    const created = await host.create(NOTE, await checked(NOTE, h.provider.notification, s.news));
    const news = await checked(NOTE, h.provider.notification, { ...s.news, ...change });
    await crashDuring(PUT, (hst) => hst.update(NOTE, created.id, created.outs, news));

    const outs = await host.update(NOTE, created.id, created.outs, news);
    const ids = s.defaults.filter((d) => (news.selector.eventTypeNames as string[]).includes(d.eventTypeName)).map((d) => d.id);
    expectOneOfOursEach(s, ids, news.delayMin);
    const read = await host.read(NOTE, created.id, outs);
    expect(await host.diff(NOTE, created.id, read.props, news)).toMatchObject({ changes: "none" });
    await host.delete(NOTE, created.id, read.props);
    expectOneOfOursEach(s, []);
    await host.delete(INT, s.integration.id, s.integration.outs);
  });

  it("delete killed during a PUT: deleting again restores every configuration exactly", async () => {
    const s = await setup();
    const created = await host.create(NOTE, await checked(NOTE, h.provider.notification, s.news));
    await crashDuring(PUT, (hst) => hst.delete(NOTE, created.id, created.outs));
    await host.delete(NOTE, created.id, created.outs);
    expectOneOfOursEach(s, []);
    await host.delete(INT, s.integration.id, s.integration.outs);
  });
});
