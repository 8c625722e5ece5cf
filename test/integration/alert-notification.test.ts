import { setTimeout as sleep } from "node:timers/promises";
import { startHarness, type Harness } from "../support/harness";
import { urnOf } from "../support/provider-host";
import { sampleNotificationsOfEveryType, SAMPLE_NOTIFICATIONS, storedConfig, withoutRedacted } from "../support/notifications";
import { atlas, makeService, newProjectId } from "../support/sandbox-client";

// AlertNotification through the real provider host: PagerDuty added to configurations the
// program does not own (Atlas's defaults, the team's own), every other field and notification
// (secrets included, compared in the sandbox's store) left exactly as it was; drift seen by read
// and repaired by update; no lost update when someone edits a configuration meanwhile.
jest.setTimeout(120_000);

let h: Harness;
let service: { key: string };

beforeAll(async () => {
  h = await startHarness({ defaultAlertConfigs: true });
  service = await makeService(h.sandbox, "Database on-call");
});

afterAll(async () => {
  await h?.close();
});

const base = (projectId: string) => `/api/atlas/v2/groups/${projectId}/alertConfigs`;
const configs = async (projectId: string): Promise<any[]> => (await atlas(h.sandbox, "GET", `${base(projectId)}?itemsPerPage=500`)).body.results;
const stored = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, storedConfig(h.sandbox.db, id)]));

/** A new project with its defaults and a PagerDutyIntegration. */
async function project(): Promise<{ projectId: string; integration: { id: string; outs: Record<string, any> } }> {
  const projectId = newProjectId();
  expect((await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId })).status).toBe(201);
  const urn = urnOf("PagerDutyIntegration", `pd-${projectId}`);
  const checked = await h.host.check(urn, {}, { projectId, integrationKey: service.key, __provider: h.provider.integration });
  return { projectId, integration: await h.host.create(urn, checked.inputs) };
}

async function attach(name: string, news: Record<string, unknown>) {
  const urn = urnOf("AlertNotification", name);
  const checked = await h.host.check(urn, {}, { ...news, __provider: h.provider.notification });
  expect(checked.failures).toEqual([]);
  const created = await h.host.create(urn, checked.inputs);
  return { urn, ...created, inputs: checked.inputs };
}

const native = (p: Awaited<ReturnType<typeof project>>, extra: Record<string, unknown>) => ({
  projectId: p.projectId,
  integrationInstanceId: p.integration.outs.instanceId,
  region: "US",
  ...extra,
});

const ours = (c: any, integrationId: string) => c.notifications.filter((n: any) => n.typeName === "PAGER_DUTY" && n.integrationId === integrationId);

describe("AlertNotification on a project's default configurations", () => {
  it("attaches to every default, keeps each one's e-mail notification and every field; refresh sees no drift; destroy restores each exactly", async () => {
    const p = await project();
    const defaults = await configs(p.projectId);
    const before = stored(defaults.map((d) => d.id));
    const res = await attach("defaults", native(p, { selector: { defaults: true }, delayMin: 5 }));

    const after = await configs(p.projectId);
    for (const c of after) {
      const was = before[c.id]!;
      const now = storedConfig(h.sandbox.db, c.id)!;
      // Every field and the GROUP notification as they were, plus ours last.
      expect({ ...now, notifications: now.notifications.slice(0, -1) }).toEqual(was);
      expect(ours(c, p.integration.outs.integrationId)).toEqual([expect.objectContaining({ delayMin: 5, region: "US" })]);
    }
    expect(res.outs.matched).toEqual(defaults.map((d) => d.id));
    expect(res.outs.attachments.map((a: any) => a.alertConfigId)).toEqual(defaults.map((d) => d.id));
    expect(res.outs.skipped).toEqual([]);

    const read = await h.host.read(res.urn, res.id, res.outs);
    expect(read.props).toEqual(res.outs);
    expect(await h.host.diff(res.urn, res.id, read.props, res.inputs)).toMatchObject({ changes: "none" });

    await h.host.delete(res.urn, res.id, read.props);
    expect(stored(defaults.map((d) => d.id))).toEqual(before);
  });

  it("drift: ours removed by hand, a new matching configuration, a deleted one: read shows each, update repairs, nothing else is written", async () => {
    const p = await project();
    const res = await attach("drift", native(p, { selector: { eventTypeNames: ["NO_PRIMARY", "HOST_DOWN"] } }));
    const [noPrimary] = await configs(p.projectId).then((all) => all.filter((c) => c.eventTypeName === "NO_PRIMARY"));
    expect(res.outs.attachments).toEqual([expect.objectContaining({ alertConfigId: noPrimary.id })]);

    // By hand: ours removed from the default NO_PRIMARY, a new HOST_DOWN configuration.
    const kept = noPrimary.notifications.filter((n: any) => n.typeName !== "PAGER_DUTY");
    expect(
      (await atlas(h.sandbox, "PUT", `${base(p.projectId)}/${noPrimary.id}`, { eventTypeName: "NO_PRIMARY", enabled: true, notifications: kept })).status,
    ).toBe(200);
    const hostDown = (
      await atlas(h.sandbox, "POST", base(p.projectId), {
        eventTypeName: "HOST_DOWN",
        enabled: true,
        notifications: [SAMPLE_NOTIFICATIONS.SMS, SAMPLE_NOTIFICATIONS.TEAM],
      })
    ).body;
    const hostDownBefore = storedConfig(h.sandbox.db, hostDown.id)!;

    const read = await h.host.read(res.urn, res.id, res.outs);
    expect(read.props.matched).toEqual([noPrimary.id, hostDown.id]);
    expect(read.props.attachments).toEqual([]);
    expect(await h.host.diff(res.urn, res.id, read.props, res.inputs)).toMatchObject({ changes: "some", replaces: [] });

    const before = h.recorder.exchanges.length;
    const outs = await h.host.update(res.urn, res.id, read.props, res.inputs);
    expect(outs.attachments.map((a: any) => a.alertConfigId)).toEqual([noPrimary.id, hostDown.id]);
    const writes = h.recorder.exchanges.slice(before).filter((e) => e.service === "atlas" && e.method !== "GET");
    expect(writes.map((e) => `${e.method} ${e.path}`).sort()).toEqual(
      [`PUT ${base(p.projectId)}/${noPrimary.id}`, `PUT ${base(p.projectId)}/${hostDown.id}`].sort(),
    );
    const hostDownNow = storedConfig(h.sandbox.db, hostDown.id)!;
    expect({ ...hostDownNow, notifications: hostDownNow.notifications.slice(0, 2) }).toEqual(hostDownBefore);
    expect(await h.host.diff(res.urn, res.id, (await h.host.read(res.urn, res.id, outs)).props, res.inputs)).toMatchObject({ changes: "none" });

    // A matched configuration deleted by hand: gone from what read resolves, and nothing to repair.
    expect((await atlas(h.sandbox, "DELETE", `${base(p.projectId)}/${hostDown.id}`)).status).toBe(204);
    const gone = await h.host.read(res.urn, res.id, outs);
    expect(gone.props.matched).toEqual([noPrimary.id]);
    expect(await h.host.diff(res.urn, res.id, gone.props, res.inputs)).toMatchObject({ changes: "none" });
    await h.host.delete(res.urn, res.id, gone.props);
    expect(
      ours(
        (await configs(p.projectId)).find((c) => c.id === noPrimary.id),
        p.integration.outs.integrationId,
      ),
    ).toEqual([]);
  });

  it("a configuration leaving the selection loses only our notification", async () => {
    const p = await project();
    const res = await attach("narrowed", native(p, { selector: { eventTypeNames: ["NO_PRIMARY", "JOINED_GROUP"] } }));
    expect(res.outs.attachments).toHaveLength(2);
    const joined = (await configs(p.projectId)).find((c) => c.eventTypeName === "JOINED_GROUP");
    const news = { ...res.inputs, selector: { eventTypeNames: ["NO_PRIMARY"] } };
    expect(await h.host.diff(res.urn, res.id, res.outs, news)).toMatchObject({ changes: "some", replaces: [] });
    const outs = await h.host.update(res.urn, res.id, res.outs, news);
    expect(outs.attachments.map((a: any) => a.alertConfigId)).not.toContain(joined.id);
    expect(storedConfig(h.sandbox.db, joined.id)!.notifications).toEqual([expect.objectContaining({ typeName: "GROUP" })]);
    await h.host.delete(res.urn, res.id, outs);
  });

  it("skips, with a warning, a configuration that already notifies the integration (an AlertRouting's): never paged twice", async () => {
    const p = await project();
    const rUrn = urnOf("AlertRouting", `np-${p.projectId}`);
    const rChecked = await h.host.check(rUrn, {}, native(p, { eventTypeName: "NO_PRIMARY", __provider: h.provider.routing }));
    const routing = await h.host.create(rUrn, rChecked.inputs);
    const routed = storedConfig(h.sandbox.db, routing.outs.alertConfigId);

    const res = await attach("np", native(p, { selector: { eventTypeNames: ["NO_PRIMARY"] } }));
    expect(res.outs.skipped).toEqual([
      {
        alertConfigId: routing.outs.alertConfigId,
        notifierId: routing.outs.notifierId,
        reason: expect.stringMatching(/already notifies this PagerDuty integration/),
      },
    ]);
    expect(res.outs.attachments).toHaveLength(1); // the default NO_PRIMARY
    expect(storedConfig(h.sandbox.db, routing.outs.alertConfigId)).toEqual(routed);
    expect(h.host.output).toMatch(
      /warning: AlertNotification in project [0-9a-f]{24}: alert configuration [0-9a-f]{24} \(NO_PRIMARY\) already notifies this PagerDuty integration/,
    );
    // The routing refreshes as its own, untouched.
    const rRead = await h.host.read(rUrn, routing.id, routing.outs);
    expect(await h.host.diff(rUrn, routing.id, rRead.props, rChecked.inputs)).toMatchObject({ changes: "none" });
    const read = await h.host.read(res.urn, res.id, res.outs);
    expect(await h.host.diff(res.urn, res.id, read.props, res.inputs)).toMatchObject({ changes: "none" });
    await h.host.delete(res.urn, res.id, read.props);
    expect(storedConfig(h.sandbox.db, routing.outs.alertConfigId)).toEqual(routed);
  });
});

describe("AlertNotification on the team's own configurations", () => {
  it("every notification type the catalog knows keeps every field, secrets included, through attach, a delay change and destroy", async () => {
    const p = await project();
    const created = (
      await atlas(h.sandbox, "POST", base(p.projectId), {
        eventTypeName: "HOST_DOWN",
        enabled: false,
        severityOverride: "CRITICAL",
        notifications: sampleNotificationsOfEveryType(),
      })
    ).body;
    const before = storedConfig(h.sandbox.db, created.id)!;
    const res = await attach("all-types", native(p, { alertConfigIds: [created.id] }));
    const others = (c: any) => ({ ...c, notifications: c.notifications.filter((n: any) => n.integrationId !== p.integration.outs.integrationId) });
    // The sample PAGER_DUTY notification has its own key: another service, not skipped.
    expect(res.outs.skipped).toEqual([]);
    expect(others(storedConfig(h.sandbox.db, created.id))).toEqual(before);

    const news = { ...res.inputs, delayMin: 15 };
    const outs = await h.host.update(res.urn, res.id, res.outs, news);
    expect(outs.attachments).toEqual([expect.objectContaining({ alertConfigId: created.id, delayMin: 15, notifierId: res.outs.attachments[0].notifierId })]);
    expect(others(storedConfig(h.sandbox.db, created.id))).toEqual(before);

    await h.host.delete(res.urn, res.id, outs);
    expect(storedConfig(h.sandbox.db, created.id)).toEqual(before);
  });

  it("relay delivery: a WEBHOOK to the route with its secret; a secret rotation rewrites it; destroy removes it", async () => {
    const p = await project();
    const created = (
      await atlas(h.sandbox, "POST", base(p.projectId), { eventTypeName: "HOST_DOWN", enabled: true, notifications: [SAMPLE_NOTIFICATIONS.WEBHOOK] })
    ).body;
    const before = storedConfig(h.sandbox.db, created.id)!;
    const relay = { projectId: p.projectId, delivery: "relay", relayUrl: "https://relay.example.com/atlas/orders", relaySecret: "relay-secret-0123456789" };
    const res = await attach("relayed", { ...relay, alertConfigIds: [created.id] });
    expect(storedConfig(h.sandbox.db, created.id)!.notifications).toEqual([
      before.notifications[0],
      { typeName: "WEBHOOK", webhookUrl: relay.relayUrl, webhookSecret: relay.relaySecret, delayMin: 0, notifierId: expect.any(String) },
    ]);
    const rotated = { ...res.inputs, relaySecret: "relay-secret-rotated-0123" };
    const outs = await h.host.update(res.urn, res.id, res.outs, rotated);
    expect(storedConfig(h.sandbox.db, created.id)!.notifications[1]).toMatchObject({
      webhookSecret: rotated.relaySecret,
      notifierId: res.outs.attachments[0].notifierId,
    });
    expect(storedConfig(h.sandbox.db, created.id)!.notifications[0]).toEqual(before.notifications[0]);
    await h.host.delete(res.urn, res.id, outs);
    expect(storedConfig(h.sandbox.db, created.id)).toEqual(before);
    expect(h.host.output).not.toContain(relay.relaySecret);
  });

  it("a configuration named by id that is gone: up fails naming it and the fix", async () => {
    const p = await project();
    const urn = urnOf("AlertNotification", "gone");
    const checked = await h.host.check(urn, {}, { ...native(p, { alertConfigIds: ["5f00000000000000000000ab"] }), __provider: h.provider.notification });
    await expect(h.host.create(urn, checked.inputs)).rejects.toThrow(/has no alert configuration 5f00000000000000000000ab .*remove it from alertConfigIds/);
  });

  it("a project without a PagerDuty integration: native delivery fails saying so, writing nothing", async () => {
    const projectId = newProjectId();
    await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
    const urn = urnOf("AlertNotification", "no-integration");
    const checked = await h.host.check(
      urn,
      {},
      { projectId, integrationInstanceId: "0f1e2d3c4b5a6978", selector: { all: true }, __provider: h.provider.notification },
    );
    const before = h.recorder.exchanges.length;
    await expect(h.host.create(urn, checked.inputs)).rejects.toThrow(/has no PagerDuty integration: declare a PagerDutyIntegration/);
    expect(h.recorder.exchanges.slice(before).filter((e) => e.method !== "GET")).toEqual([]);
  });
});

describe("no lost updates", () => {
  /** Holds the provider's next GET of one configuration (its re-read before the PUT) until the test's edit has landed. */
  async function holdReRead(alertConfigId: string, edit: () => Promise<void>, run: () => Promise<unknown>): Promise<unknown> {
    expect((await atlas(h.sandbox, "POST", "/sandbox/faults", { count: 1, delayMs: 1500, method: "GET", path: `/alertConfigs/${alertConfigId}` })).status).toBe(
      201,
    );
    const running = run();
    for (let i = 0; ((await atlas(h.sandbox, "GET", "/sandbox/faults")).body.faults as unknown[]).length > 0; i++) {
      if (i > 400) throw new Error("the provider never re-read the configuration");
      await sleep(20);
    }
    await edit();
    return running;
  }

  it("a UI edit between the provider's read and its write (a notification added, a field changed) is neither lost nor overwritten", async () => {
    const p = await project();
    const created = (
      await atlas(h.sandbox, "POST", base(p.projectId), {
        eventTypeName: "HOST_DOWN",
        enabled: true,
        notifications: [SAMPLE_NOTIFICATIONS.WEBHOOK, SAMPLE_NOTIFICATIONS.SMS],
      })
    ).body;
    const urn = urnOf("AlertNotification", "concurrent");
    const checked = await h.host.check(urn, {}, { ...native(p, { alertConfigIds: [created.id] }), __provider: h.provider.notification });
    const [webhook, sms] = created.notifications;
    const res = (await holdReRead(
      created.id,
      async () => {
        // The UI: severity set, the SMS number changed, an e-mail notification added (webhook sent back by notifierId).
        const edit = await atlas(h.sandbox, "PUT", `${base(p.projectId)}/${created.id}`, {
          eventTypeName: "HOST_DOWN",
          enabled: true,
          severityOverride: "CRITICAL",
          notifications: [
            { typeName: "WEBHOOK", notifierId: webhook.notifierId, delayMin: 0, intervalMin: 60 },
            { ...SAMPLE_NOTIFICATIONS.SMS, mobileNumber: "+15555550199", notifierId: sms.notifierId },
            SAMPLE_NOTIFICATIONS.EMAIL,
          ],
        });
        expect(edit.status).toBe(200);
      },
      () => h.host.create(urn, checked.inputs),
    )) as { id: string; outs: any };
    const now = storedConfig(h.sandbox.db, created.id)!;
    expect(now).toMatchObject({ severityOverride: "CRITICAL", enabled: true });
    expect(now.notifications).toEqual([
      { ...SAMPLE_NOTIFICATIONS.WEBHOOK, notifierId: webhook.notifierId },
      { ...SAMPLE_NOTIFICATIONS.SMS, mobileNumber: "+15555550199", notifierId: sms.notifierId },
      { ...SAMPLE_NOTIFICATIONS.EMAIL, notifierId: expect.any(String) },
      { typeName: "PAGER_DUTY", integrationId: p.integration.outs.integrationId, region: "US", delayMin: 0, notifierId: res.outs.attachments[0].notifierId },
    ]);

    // And on the way out: the edit made while destroy waits is kept, ours alone removed.
    const beforeDestroy = storedConfig(h.sandbox.db, created.id)!;
    await holdReRead(
      created.id,
      async () => {
        const c = (await atlas(h.sandbox, "GET", `${base(p.projectId)}/${created.id}`)).body;
        const edit = await atlas(h.sandbox, "PUT", `${base(p.projectId)}/${created.id}`, {
          eventTypeName: "HOST_DOWN",
          enabled: false,
          severityOverride: "CRITICAL",
          notifications: c.notifications.map(withoutRedacted),
        });
        expect(edit.status).toBe(200);
      },
      () => h.host.delete(urn, res.id, res.outs),
    );
    expect(storedConfig(h.sandbox.db, created.id)).toEqual({ ...beforeDestroy, enabled: false, notifications: beforeDestroy.notifications.slice(0, 3) });
  });

  it("a configuration that keeps changing under it: no PUT, the step fails after a bounded number of rounds asking to run again", async () => {
    const p = await project();
    const created = (
      await atlas(h.sandbox, "POST", base(p.projectId), { eventTypeName: "HOST_DOWN", enabled: true, notifications: [SAMPLE_NOTIFICATIONS.EMAIL] })
    ).body;
    const urn = urnOf("AlertNotification", "busy");
    const checked = await h.host.check(urn, {}, { ...native(p, { alertConfigIds: [created.id] }), __provider: h.provider.notification });
    // Every read of the configuration is held 600 ms while someone edits it without pause.
    expect((await atlas(h.sandbox, "POST", "/sandbox/faults", { count: 20, delayMs: 600, method: "GET", path: `/alertConfigs/${created.id}` })).status).toBe(
      201,
    );
    let editing = true;
    let edits = 0;
    const editor = (async () => {
      while (editing) {
        const email = { ...SAMPLE_NOTIFICATIONS.EMAIL, intervalMin: 5 + ++edits };
        await atlas(h.sandbox, "PUT", `${base(p.projectId)}/${created.id}`, { eventTypeName: "HOST_DOWN", enabled: true, notifications: [email] });
      }
    })();
    const before = h.recorder.exchanges.length;
    try {
      await expect(h.host.create(urn, checked.inputs)).rejects.toThrow(
        /kept changing while its notifications were being updated \(5 attempts\): run the command again/,
      );
    } finally {
      editing = false;
      await editor;
      await atlas(h.sandbox, "DELETE", "/sandbox/faults");
    }
    expect(edits).toBeGreaterThan(5);
    // Only the editor wrote.
    const puts = h.recorder.exchanges.slice(before).filter((e) => e.method === "PUT" && e.service === "atlas");
    expect(puts.every((e) => (e.requestBody as any).notifications.length === 1)).toBe(true);
    expect(storedConfig(h.sandbox.db, created.id)!.notifications).toEqual([
      { ...SAMPLE_NOTIFICATIONS.EMAIL, intervalMin: 5 + edits, notifierId: expect.any(String) },
    ]);
  });

  it("every request and response conformed to the specs", () => {
    expect(h.recorder.errors()).toEqual([]);
  });
});
