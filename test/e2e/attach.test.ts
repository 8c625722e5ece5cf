import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { stackFactory } from "../support/e2e-stack";
import { ConformanceRecorder } from "../support/openapi";
import { SAMPLE_NOTIFICATIONS, storedConfig, withoutRedacted } from "../support/notifications";
import { startWorld, type RelayWorld } from "../support/relay";
import { newProjectId } from "../support/sandbox-client";

// AlertNotification and AlertRoutingSet through the real Pulumi CLI, on the sandbox, with the relay:
// a new project's defaults (and the team's own configurations, one with a secret-bearing webhook,
// one with SMS and team notifications) routed to PagerDuty natively and through the relay, drift,
// a configuration created later, a concurrent UI edit, and destroy leaving everything as it was.
jest.setTimeout(600_000);

const programDir = path.resolve(__dirname, "attach-program").replace(`${path.sep}dist${path.sep}`, path.sep);
let world: RelayWorld;
let recorder: ConformanceRecorder;
let key: string;
const stacks = stackFactory(() => world.sandbox, programDir);

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  world = await startWorld({ sandbox: { observe: recorder.observe } });
  key = (await world.pd.serviceWithKey("Database on-call")).key;
});

afterAll(async () => {
  await world?.close();
  stacks.cleanup();
});

const base = (projectId: string) => `/api/atlas/v2/groups/${projectId}/alertConfigs`;
const db = () => world.sandbox.db;
const api = async (method: string, p: string, body?: unknown) => {
  const res = await world.atlas.call(method, p, body);
  return { status: res.status, body: res.status === 204 ? undefined : JSON.parse(await res.text()) };
};
const snapshot = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, storedConfig(db(), id)]));

/** Our notifications on a stored configuration: PAGER_DUTY to the integration, WEBHOOK to the relay. */
function split(c: Record<string, any>, integrationId: string, relayUrl: string) {
  const native = c.notifications.filter((n: any) => n.typeName === "PAGER_DUTY" && n.integrationId === integrationId);
  const relayed = c.notifications.filter((n: any) => n.typeName === "WEBHOOK" && n.webhookUrl === relayUrl);
  const others = c.notifications.filter((n: any) => !native.includes(n) && !relayed.includes(n));
  return { native, relayed, rest: { ...c, notifications: others } };
}

async function drift(ws: PulumiWorkspace): Promise<string> {
  const r = await ws.run(["refresh", "--yes", "--expect-no-changes", "--diff"]);
  expect(r.code).not.toBe(0);
  return r.stdout;
}

describe("AlertNotification through the Pulumi CLI", () => {
  it("routes a new project's defaults and the team's own configurations without losing any notification, through up, drift, a concurrent edit and destroy", async () => {
    const projectId = world.projectId;
    const relayUrl = `${world.relay.url}/atlas/${world.routeId}`;
    // The team's own: a webhook with a secret (HOST_DOWN), SMS and team notifications (PRIMARY_ELECTED).
    const hook = (await api("POST", base(projectId), { eventTypeName: "HOST_DOWN", enabled: true, notifications: [SAMPLE_NOTIFICATIONS.WEBHOOK] })).body;
    const sms = (
      await api("POST", base(projectId), {
        eventTypeName: "PRIMARY_ELECTED",
        enabled: false,
        notifications: [SAMPLE_NOTIFICATIONS.SMS, SAMPLE_NOTIFICATIONS.TEAM],
      })
    ).body;
    const all = (await world.atlas.alertConfigs(projectId)) as any[];
    const defaults = all.filter((c) => c.id !== hook.id && c.id !== sms.id);
    expect(defaults.length).toBeGreaterThanOrEqual(10);
    const before = snapshot(all.map((c) => c.id));

    const ws = await stacks.stack({
      projectId,
      integrationKey: key,
      relayUrl,
      relaySecret: world.secret,
      relayEventTypes: "NO_PRIMARY,HOST_DOWN,PRIMARY_ELECTED",
    });
    await ws.ok(["up", "--yes"]);
    const integrationId = (await world.atlas.integration(projectId)).id;
    for (const c of all) {
      const { native, relayed, rest } = split(storedConfig(db(), c.id)!, integrationId, relayUrl);
      expect({ id: c.id, native: native.length }).toEqual({ id: c.id, native: defaults.includes(c) ? 1 : 0 });
      expect({ id: c.id, relayed: relayed.length }).toEqual({
        id: c.id,
        relayed: ["NO_PRIMARY", "HOST_DOWN", "PRIMARY_ELECTED"].includes(c.eventTypeName) ? 1 : 0,
      });
      // Every default keeps its e-mail notification; every field and notification is as before, secrets included.
      expect(rest).toEqual(before[c.id]);
    }

    // An alert of a default configuration pages through PagerDuty natively and through the relay.
    const noPrimary = defaults.find((c) => c.eventTypeName === "NO_PRIMARY");
    const alert = await world.atlas.openAlert(projectId, { alertConfigId: noPrimary.id, clusterName: "cluster0", replicaSetName: "rs0" });
    await world.pd.waitForIncident(alert.id, "triggered");
    await world.pd.waitForIncident(`mongodb-atlas/${projectId}/${alert.id}`, "triggered");
    await world.atlas.closeAlert(projectId, alert.id);
    await world.atlas.call("POST", "/sandbox/tick", {});
    await world.pd.waitForIncident(alert.id, "resolved");

    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);

    // Ours removed by hand from a default: refresh shows it, up puts it back.
    const byHand = (await api("GET", `${base(projectId)}/${noPrimary.id}`)).body;
    const without = byHand.notifications.filter((n: any) => !(n.typeName === "PAGER_DUTY" && n.integrationId === integrationId)).map(withoutRedacted);
    expect((await api("PUT", `${base(projectId)}/${noPrimary.id}`, { eventTypeName: "NO_PRIMARY", enabled: true, notifications: without })).status).toBe(200);
    expect(await drift(ws)).toMatch(/attachments/);
    await ws.ok(["up", "--yes"]);
    expect(split(storedConfig(db(), noPrimary.id)!, integrationId, relayUrl).native).toHaveLength(1);

    // A configuration created later that matches the selector (a default event type, unscoped): drift, then up attaches it.
    const later = (await api("POST", base(projectId), { eventTypeName: "JOINED_GROUP", enabled: true, notifications: [SAMPLE_NOTIFICATIONS.EMAIL] })).body;
    before[later.id] = storedConfig(db(), later.id);
    expect(await drift(ws)).toMatch(/matched/);
    await ws.ok(["up", "--yes"]);
    expect(split(storedConfig(db(), later.id)!, integrationId, relayUrl).native).toHaveLength(1);
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);

    // A concurrent UI edit: the provider's re-read of the webhook configuration is held while the UI adds an e-mail notification.
    await ws.setConfig({ relayDelayMin: { value: "5" } });
    expect((await api("POST", "/sandbox/faults", { count: 1, delayMs: 4000, method: "GET", path: `/alertConfigs/${hook.id}` })).status).toBe(201);
    const up = ws.ok(["up", "--yes", "--skip-preview"]);
    for (let i = 0; (await api("GET", "/sandbox/faults")).body.faults.length > 0; i++) {
      if (i > 3000) throw new Error("the provider never re-read the webhook configuration");
      await sleep(20);
    }
    const seen = (await api("GET", `${base(projectId)}/${hook.id}`)).body;
    const edited = await api("PUT", `${base(projectId)}/${hook.id}`, {
      eventTypeName: "HOST_DOWN",
      enabled: true,
      notifications: [...seen.notifications.map(withoutRedacted), SAMPLE_NOTIFICATIONS.EMAIL],
    });
    expect(edited.status).toBe(200);
    await up;
    const afterEdit = split(storedConfig(db(), hook.id)!, integrationId, relayUrl);
    expect(afterEdit.relayed).toEqual([expect.objectContaining({ delayMin: 5, webhookSecret: world.secret })]);
    expect(afterEdit.rest.notifications).toEqual([
      { ...SAMPLE_NOTIFICATIONS.WEBHOOK, notifierId: expect.any(String) },
      { ...SAMPLE_NOTIFICATIONS.EMAIL, notifierId: expect.any(String) },
    ]);
    before[hook.id] = afterEdit.rest;

    // Destroy: every configuration exactly as before up (field by field, secrets included; the two edits above kept).
    await ws.ok(["destroy", "--yes"]);
    for (const [id, was] of Object.entries(before)) expect({ id, now: storedConfig(db(), id) }).toEqual({ id, now: was });

    // No secret in what the CLI printed or in any state file.
    for (const s of [key, world.secret, String(SAMPLE_NOTIFICATIONS.WEBHOOK.webhookSecret)]) {
      expect(ws.transcript.includes(s)).toBe(false);
      for (const f of ws.stateFiles()) expect({ f, leaked: fs.readFileSync(f, "utf8").includes(s) }).toEqual({ f, leaked: false });
    }
  });
});

describe("AlertRoutingSet through the Pulumi CLI", () => {
  it("three projects: one up; a change to the set previews as the same change in each project, and up does exactly that", async () => {
    const projects: Record<string, string> = {};
    for (const k of ["orders", "billing", "search"]) {
      projects[k] = newProjectId();
      await world.atlas.createProject(projects[k]);
    }
    const ws = await stacks.stack({ setProjects: JSON.stringify(projects), integrationKey: key });
    await ws.ok(["up", "--yes"]);
    for (const projectId of Object.values(projects)) {
      const configs = (await world.atlas.alertConfigs(projectId)) as any[];
      const integrationId = (await world.atlas.integration(projectId)).id;
      const routed = configs.filter((c) => c.notifications.length === 1 && c.notifications[0].integrationId === integrationId);
      expect(routed.map((c) => c.eventTypeName)).toEqual(["NO_PRIMARY"]);
      // Each default carries the set's notification once; the routing's own NO_PRIMARY configuration (unscoped, so
      // it looks like a default) already notifies the integration and is skipped.
      const defaults = configs.filter((c) => c.notifications.some((n: any) => n.typeName === "GROUP"));
      for (const d of defaults) expect(d.notifications.filter((n: any) => n.integrationId === integrationId)).toHaveLength(1);
    }
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);

    await ws.setConfig({ setSeverity: { value: "WARNING" } });
    const preview = await ws.steps(["preview"]);
    expect(preview.steps.map(({ op, name }) => ({ op, name }))).toEqual(
      Object.keys(projects)
        .sort()
        .map((k) => ({ op: "update", name: `prod-${k}-no-primary` })),
    );
    const up = await ws.steps(["up", "--yes", "--skip-preview"]);
    expect(up.steps).toEqual(preview.steps);
    await ws.ok(["destroy", "--yes"]);
    for (const projectId of Object.values(projects)) {
      const configs = (await world.atlas.alertConfigs(projectId)) as any[];
      expect(configs.every((c) => c.notifications.every((n: any) => n.typeName === "GROUP"))).toBe(true);
    }
  });

  it("every request the provider sent and every response conformed to the specs", () => {
    expect(recorder.errors()).toEqual([]);
  });
});
