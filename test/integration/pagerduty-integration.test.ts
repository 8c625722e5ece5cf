import { startHarness, type Harness } from "../support/harness";
import { UNKNOWN, urnOf } from "../support/provider-host";
import { atlas, incidentsFor, makeService, newProjectId, pd } from "../support/sandbox-client";
import { initialDedupKey } from "../../provider/integration/initial-alert";

// PagerDutyIntegration through the real dynamic-provider host over gRPC,
// against the sandbox servers: the path `pulumi up/refresh/destroy` takes.
jest.setTimeout(60_000);

let h: Harness;
let service: { serviceId: string; integrationId: string; key: string };
let otherService: { serviceId: string; integrationId: string; key: string };
const projects = Array.from({ length: 8 }, newProjectId);
const URN = urnOf("PagerDutyIntegration", "pd");

beforeAll(async () => {
  h = await startHarness({ projects });
  service = await makeService(h.sandbox, "Database on-call");
  otherService = await makeService(h.sandbox, "Someone else");
});

afterAll(async () => {
  await h?.close();
});

/** check + create as the engine does, returning the state the engine would keep. */
async function up(news: Record<string, unknown>): Promise<{ id: string; outs: Record<string, any>; inputs: Record<string, any> }> {
  const props = { ...news, __provider: h.provider.integration };
  const checked = await h.host.check(URN, {}, props);
  expect(checked.failures).toEqual([]);
  const created = await h.host.create(URN, checked.inputs);
  return { ...created, inputs: checked.inputs };
}

async function live(projectId: string): Promise<{ status: number; body: any }> {
  return atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`);
}

describe("PagerDutyIntegration through the provider host", () => {
  it("check reports bad input at preview without calling any API", async () => {
    const before = h.recorder.exchanges.length;
    const res = await h.host.check(URN, {}, { projectId: "nope", integrationKey: "short", region: "ASIA", __provider: h.provider.integration });
    expect(res.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ property: "projectId", reason: expect.stringMatching(/24-character/) }),
        expect.objectContaining({ property: "integrationKey", reason: expect.stringMatching(/32 characters/) }),
        expect.objectContaining({ property: "region", reason: expect.stringMatching(/"US" or "EU"/) }),
      ]),
    );
    expect(h.recorder.exchanges.length).toBe(before);
  });

  it("check accepts unknowns during preview", async () => {
    const res = await h.host.check(URN, {}, { projectId: UNKNOWN, integrationKey: UNKNOWN, __provider: h.provider.integration });
    expect(res.failures).toEqual([]);
  });

  it("create proves the key, stores it redacted, resolves the initial incident; read shows no drift; delete removes it", async () => {
    const projectId = projects[0];
    const { id, outs, inputs } = await up({ projectId, integrationKey: service.key });
    expect(id).toBe(`${projectId}/PAGER_DUTY`);
    expect(outs).toMatchObject({
      projectId,
      region: "US",
      keyConfirmed: true,
      keyLast4: service.key.slice(-4),
      keyLength: 32,
      pagerdutyIntegrationId: service.integrationId,
      createdPagerdutyIntegration: false,
    });
    expect(outs.integrationId).toMatch(/^[0-9a-f]{24}$/);

    const stored = await live(projectId);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ type: "PAGER_DUTY", region: "US", id: outs.integrationId });
    expect(stored.body.serviceKey).toBe("*".repeat(28) + service.key.slice(-4));

    const incidents = await incidentsFor(h.sandbox, outs.initialDedupKey);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: "resolved", service: expect.objectContaining({ id: service.serviceId }) });

    const read = await h.host.read(URN, id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ keyLast4: service.key.slice(-4), region: "US", integrationKey: service.key });
    expect(await h.host.diff(URN, id, read.props, inputs)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });

    await h.host.delete(URN, id, read.props);
    expect((await live(projectId)).status).toBe(404);
    // Deleting again (already gone) is fine.
    await h.host.delete(URN, id, read.props);
  });

  it("refresh sees a key and a region changed by hand; update repairs with the real key", async () => {
    const projectId = projects[1];
    const { id, outs, inputs } = await up({ projectId, integrationKey: service.key });
    const put = await atlas(h.sandbox, "PUT", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`, {
      type: "PAGER_DUTY",
      serviceKey: otherService.key,
      region: "EU",
    });
    expect(put.status).toBe(200);

    const read = await h.host.read(URN, id, outs);
    expect(read.props).toMatchObject({ keyLast4: otherService.key.slice(-4), region: "EU" });
    expect(read.inputs).toMatchObject({ region: "EU" });
    const diff = await h.host.diff(URN, id, read.props, inputs);
    expect(diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });

    const updated = await h.host.update(URN, id, read.props, inputs);
    expect(updated).toMatchObject({ keyLast4: service.key.slice(-4), region: "US", integrationKey: service.key });
    // Same project and key: the same dedup key (a hash of both), a new incident resolved at once.
    expect(updated.initialDedupKey).toBe(outs.initialDedupKey);
    expect(updated.initialDedupKey).not.toContain(projectId);
    expect(updated.initialDedupKey).not.toContain(service.key.slice(-4));
    expect((await incidentsFor(h.sandbox, updated.initialDedupKey)).every((i) => i.status === "resolved")).toBe(true);
    const stored = await live(projectId);
    expect(stored.body).toMatchObject({ region: "US", serviceKey: "*".repeat(28) + service.key.slice(-4) });
    // The repair's PUT carried the real key, never the redacted value read back.
    const puts = h.recorder.exchanges.filter((e) => e.method === "PUT" && e.path.endsWith(`/groups/${projectId}/integrations/PAGER_DUTY`));
    expect(puts.at(-1)!.requestBody).toMatchObject({ serviceKey: service.key });
    expect(await h.host.diff(URN, id, (await h.host.read(URN, id, updated)).props, inputs)).toMatchObject({ changes: "none" });
    await h.host.delete(URN, id, updated);
  });

  it("refresh reports an integration deleted by hand as gone", async () => {
    const projectId = projects[2];
    const { id, outs } = await up({ projectId, integrationKey: service.key });
    expect((await atlas(h.sandbox, "DELETE", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`)).status).toBe(204);
    const read = await h.host.read(URN, id, outs);
    expect(read.id).toBe("");
  });

  it("update to a new key sends a new initial alert through the new key and PUTs it", async () => {
    const projectId = projects[3];
    const { id, outs, inputs } = await up({ projectId, integrationKey: service.key });
    const news = { ...inputs, integrationKey: otherService.key };
    expect(await h.host.diff(URN, id, outs, news)).toMatchObject({ changes: "some", replaces: [] });
    const updated = await h.host.update(URN, id, outs, news);
    expect(updated).toMatchObject({ keyLast4: otherService.key.slice(-4), keyConfirmed: true, pagerdutyIntegrationId: otherService.integrationId });
    const incidents = await incidentsFor(h.sandbox, updated.initialDedupKey);
    expect(incidents).toEqual([expect.objectContaining({ status: "resolved", service: expect.objectContaining({ id: otherService.serviceId }) })]);
    await h.host.delete(URN, id, updated);
  });

  it("import adopts the existing integration without writing or alerting, and refuses a different key", async () => {
    const projectId = projects[7];
    expect(
      (
        await atlas(h.sandbox, "POST", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`, {
          type: "PAGER_DUTY",
          serviceKey: service.key,
          region: "US",
        })
      ).status,
    ).toBe(200);
    const importId = `${projectId}/PAGER_DUTY`;
    const wrong = await h.host.check(URN, {}, { projectId, integrationKey: otherService.key, importId, __provider: h.provider.integration });
    await expect(h.host.create(URN, wrong.inputs)).rejects.toThrow(/cannot import .* the project's key ends in .* but integrationKey ends in/);
    const before = h.recorder.exchanges.length;
    const { id, outs, inputs } = await up({ projectId, integrationKey: service.key, importId });
    expect(id).toBe(importId);
    expect(outs).toMatchObject({ integrationKey: service.key, keyLast4: service.key.slice(-4), initialDedupKey: "" });
    expect(h.recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service !== "sandbox")).toEqual([]);
    const { importId: _i, ...program } = inputs;
    expect(await h.host.diff(URN, id, outs, program)).toMatchObject({ changes: "none" });
    await h.host.delete(URN, id, outs);
  });

  it("another project replaces, deleting first", async () => {
    const olds = {
      projectId: projects[4],
      integrationKey: service.key,
      region: "US",
      initialAlert: { summary: "s", severity: "info", keepOpen: false },
      keyLast4: service.key.slice(-4),
      keyLength: 32,
      __provider: h.provider.integration,
    };
    expect(await h.host.diff(URN, `${projects[4]}/PAGER_DUTY`, olds, { ...olds, projectId: projects[5] })).toEqual({
      changes: "some",
      replaces: ["projectId"],
      deleteBeforeReplace: true,
    });
  });

  it("service form: creates the Events API v2 integration on the service, deletes it on delete", async () => {
    const projectId = projects[5];
    const { id, outs } = await up({ projectId, pagerdutyServiceId: service.serviceId });
    expect(outs).toMatchObject({ pagerdutyServiceId: service.serviceId, createdPagerdutyIntegration: true, keyConfirmed: true });
    const created = await pd(h.sandbox, "GET", `/services/${service.serviceId}/integrations/${outs.pagerdutyIntegrationId}`);
    expect(created.status).toBe(200);
    expect(created.body.integration.integration_key).toBe(outs.integrationKey);
    expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(outs.integrationKey.slice(-4));
    await h.host.delete(URN, id, outs);
    expect((await pd(h.sandbox, "GET", `/services/${service.serviceId}/integrations/${outs.pagerdutyIntegrationId}`)).status).toBe(404);
    expect((await live(projectId)).status).toBe(404);
  });

  it("keepOpen leaves the initial incident open until delete resolves it", async () => {
    const projectId = projects[6];
    const { id, outs } = await up({ projectId, integrationKey: service.key, initialAlert: { keepOpen: true, severity: "warning", summary: "Hello on-call" } });
    expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "triggered", title: "Hello on-call" })]);
    await h.host.delete(URN, id, outs);
    expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "resolved" })]);
  });

  describe("a failed create leaves nothing behind", () => {
    async function failingCreate(news: Record<string, unknown>): Promise<string> {
      const props = { ...news, __provider: h.provider.integration };
      const checked = await h.host.check(URN, {}, props);
      expect(checked.failures).toEqual([]);
      const err = await h.host.create(URN, checked.inputs).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      return err!.message;
    }

    async function lastInitialDedupKey(projectId: string, key: string = service.key): Promise<string | undefined> {
      const dedup = initialDedupKey(projectId, key);
      const ev = h.recorder.exchanges.filter(
        (e) => e.path === "/v2/enqueue" && (e.requestBody as any)?.dedup_key === dedup && (e.requestBody as any)?.event_action === "trigger",
      );
      return (ev.at(-1)?.requestBody as any)?.dedup_key;
    }

    it("step 1: a key PagerDuty does not know is not confirmed; nothing is sent or stored", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      const msg = await failingCreate({ projectId, integrationKey: "0123456789abcdef0123456789abcdef" });
      expect(msg).toMatch(/does not belong to any Events API v2 integration .*\(region US\)/);
      expect(msg).not.toContain("0123456789abcdef0123456789abcdef");
      // The setting as the dynamic provider's users set it.
      expect(msg).toContain("or unset pdac:pagerdutyToken to skip this confirmation");
      expect(await lastInitialDedupKey(projectId, "0123456789abcdef0123456789abcdef")).toBeUndefined();
      expect((await live(projectId)).status).toBe(404);
    });

    it("step 2: PagerDuty failing (5xx past the retries) stores nothing", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      await pd(h.sandbox, "POST", "/sandbox/faults", { count: 50, status: 503, path: "events" });
      try {
        const msg = await failingCreate({ projectId, integrationKey: service.key });
        expect(msg).toMatch(/initial alert/);
      } finally {
        await pd(h.sandbox, "DELETE", "/sandbox/faults");
      }
      expect((await live(projectId)).status).toBe(404);
    });

    it("step 3: the project already has an integration (409): the initial alert is resolved, the existing one untouched", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      await atlas(h.sandbox, "POST", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`, {
        type: "PAGER_DUTY",
        serviceKey: otherService.key,
        region: "US",
      });
      const msg = await failingCreate({ projectId, integrationKey: service.key });
      expect(msg).toMatch(/already has a PagerDuty integration.*import: "[0-9a-f]{24}\/PAGER_DUTY"/s);
      const dedup = await lastInitialDedupKey(projectId);
      expect(dedup).toBeDefined();
      expect(await incidentsFor(h.sandbox, dedup!)).toEqual([expect.objectContaining({ status: "resolved" })]);
      expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(otherService.key.slice(-4));
    });

    it("step 3, service form: the PagerDuty integration it created is deleted again", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      await atlas(h.sandbox, "POST", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`, {
        type: "PAGER_DUTY",
        serviceKey: otherService.key,
        region: "US",
      });
      const before = (await pd(h.sandbox, "GET", `/services/${service.serviceId}`)).body.service.integrations.length;
      await failingCreate({ projectId, pagerdutyServiceId: service.serviceId });
      const after = (await pd(h.sandbox, "GET", `/services/${service.serviceId}`)).body.service.integrations.length;
      expect(after).toBe(before);
    });

    it("step 4 (after the commit point): resolving the initial alert fails: a warning and a pending clean-up that the next up retries", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      // Let the trigger through, then fail the resolve for all its attempts (FAST_RETRY: 3).
      await pd(h.sandbox, "POST", "/sandbox/faults", { skip: 1, count: 3, status: 503, path: "events" });
      let created: Awaited<ReturnType<typeof up>>;
      try {
        created = await up({ projectId, integrationKey: service.key });
      } finally {
        await pd(h.sandbox, "DELETE", "/sandbox/faults");
      }
      const { id, outs, inputs } = created;
      // Committed: the project keeps the key; nothing was rolled back.
      expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(service.key.slice(-4));
      expect(outs.pendingCleanup).toEqual([{ action: "resolveInitialAlert", region: "US", dedupKey: outs.initialDedupKey, keyLast4: service.key.slice(-4) }]);
      expect(outs.initialIncidentOpen).toBe(true);
      expect(h.host.output).toMatch(/warning: .*clean-up failed; the next pulumi up retries it/);
      expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "triggered" })]);
      // The next preview shows a change; up resolves the incident and clears the pending clean-up.
      expect(await h.host.diff(URN, id, outs, inputs)).toMatchObject({ changes: "some", replaces: [] });
      const updated = await h.host.update(URN, id, outs, inputs);
      expect(updated).toMatchObject({ initialIncidentOpen: false, integrationKey: service.key });
      expect(updated.pendingCleanup).toBeUndefined();
      expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "resolved" })]);
      expect(await h.host.diff(URN, id, updated, inputs)).toMatchObject({ changes: "none" });
      await h.host.delete(URN, id, updated);
    });

    it("PagerDuty refusing the summary (check bypassed) is reported against initialAlert.summary, not integrationKey; nothing is stored", async () => {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      const inputs = {
        projectId,
        integrationKey: service.key,
        region: "US",
        initialAlert: { summary: "   ", severity: "info", keepOpen: false },
        __provider: h.provider.integration,
      };
      const err = await h.host.create(URN, inputs).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/PagerDuty rejected the initial alert \(initialAlert\.summary\)/);
      expect(err?.message).not.toMatch(/integrationKey/);
      expect((await live(projectId)).status).toBe(404);
    });

    it("an unknown project is reported by the project API and nothing is left open", async () => {
      const projectId = newProjectId();
      const msg = await failingCreate({ projectId, integrationKey: service.key });
      expect(msg).toMatch(/project API/);
      const dedup = await lastInitialDedupKey(projectId);
      expect(await incidentsFor(h.sandbox, dedup!)).toEqual([expect.objectContaining({ status: "resolved" })]);
    });
  });

  describe("each failure point of an update ends in the declared state or the previous one", () => {
    async function project(): Promise<string> {
      const projectId = newProjectId();
      await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
      return projectId;
    }
    async function checked(news: Record<string, unknown>): Promise<Record<string, any>> {
      const res = await h.host.check(URN, {}, { ...news, __provider: h.provider.integration });
      expect(res.failures).toEqual([]);
      return res.inputs;
    }
    async function named(serviceId: string, projectId: string): Promise<any[]> {
      const svc = await pd(h.sandbox, "GET", `/services/${serviceId}?include[]=integrations`);
      return (svc.body.service.integrations as any[]).filter((i) => (i.name ?? i.summary) === `MongoDB Atlas project ${projectId}`);
    }
    async function failure(p: Promise<unknown>): Promise<string> {
      const err = await p.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      return err!.message;
    }

    it("the new service's trigger failing: the integration created on it is deleted, the project keeps the old key", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, pagerdutyServiceId: service.serviceId });
      const news = await checked({ projectId, pagerdutyServiceId: otherService.serviceId });
      await pd(h.sandbox, "POST", "/sandbox/faults", { count: 3, status: 503, path: "events" });
      let msg: string;
      try {
        msg = await failure(h.host.update(URN, id, outs, news));
      } finally {
        await pd(h.sandbox, "DELETE", "/sandbox/faults");
      }
      expect(msg).toMatch(/sending the initial alert to PagerDuty failed/);
      expect(await named(otherService.serviceId, projectId)).toEqual([]);
      expect(await named(service.serviceId, projectId)).toEqual([expect.objectContaining({ id: outs.pagerdutyIntegrationId })]);
      expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(outs.integrationKey.slice(-4));
      await h.host.delete(URN, id, outs);
    });

    it("the PUT refused: the new initial alert is resolved, nothing of the new key remains", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, integrationKey: service.key });
      await atlas(h.sandbox, "DELETE", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`);
      const msg = await failure(h.host.update(URN, id, outs, await checked({ projectId, integrationKey: otherService.key })));
      expect(msg).toMatch(/no PagerDuty integration any more .* pulumi refresh/);
      expect(await incidentsFor(h.sandbox, initialDedupKey(projectId, otherService.key))).toEqual([expect.objectContaining({ status: "resolved" })]);
      expect((await live(projectId)).status).toBe(404);
    });

    it("issue 10 case 1: deleting the old service's integration fails after the PUT: the project keeps the new key, the old deletion is pending and retried", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, pagerdutyServiceId: service.serviceId });
      const news = await checked({ projectId, pagerdutyServiceId: otherService.serviceId });
      // REST: read the new service, create the integration on it, then fail every attempt (3) to delete the old one.
      await pd(h.sandbox, "POST", "/sandbox/faults", { skip: 2, count: 3, status: 503, path: "rest" });
      let updated: Record<string, any>;
      try {
        updated = await h.host.update(URN, id, outs, news);
      } finally {
        await pd(h.sandbox, "DELETE", "/sandbox/faults");
      }
      const created = await pd(h.sandbox, "GET", `/services/${otherService.serviceId}/integrations/${updated.pagerdutyIntegrationId}`);
      expect(created.status).toBe(200);
      // The project holds the new key, which still exists; state names it.
      expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(created.body.integration.integration_key.slice(-4));
      expect(updated).toMatchObject({ pagerdutyServiceId: otherService.serviceId, integrationKey: created.body.integration.integration_key });
      expect(updated.pendingCleanup).toEqual([
        { action: "deletePagerDutyIntegration", region: "US", serviceId: service.serviceId, integrationId: outs.pagerdutyIntegrationId },
      ]);
      expect(h.host.output).toMatch(/warning: .*clean-up failed.*\n- delete PagerDuty integration/);
      expect(await named(service.serviceId, projectId)).toHaveLength(1);
      // The next up shows a change and finishes the clean-up.
      expect(await h.host.diff(URN, id, updated, news)).toMatchObject({ changes: "some" });
      const next = await h.host.update(URN, id, updated, news);
      expect(next.pendingCleanup).toBeUndefined(); // nothing left: not even an empty list in state
      expect(await named(service.serviceId, projectId)).toEqual([]);
      expect(await h.host.diff(URN, id, next, news)).toMatchObject({ changes: "none" });
      await h.host.delete(URN, id, next);
    });

    it("resolving the old key's kept-open incident fails after the PUT: pending (the old key kept as a secret output), resolved by the next up", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, integrationKey: service.key, initialAlert: { keepOpen: true } });
      const news = await checked({ projectId, integrationKey: otherService.key });
      // Events: the new trigger and its resolve pass, the old incident's resolve fails (3 attempts).
      await pd(h.sandbox, "POST", "/sandbox/faults", { skip: 2, count: 3, status: 503, path: "events" });
      let updated: Record<string, any>;
      try {
        updated = await h.host.update(URN, id, outs, news);
      } finally {
        await pd(h.sandbox, "DELETE", "/sandbox/faults");
      }
      expect((await live(projectId)).body.serviceKey.slice(-4)).toBe(otherService.key.slice(-4));
      expect(updated.pendingCleanup).toEqual([
        { action: "resolveInitialAlert", region: "US", dedupKey: outs.initialDedupKey, keyLast4: service.key.slice(-4) },
      ]);
      expect(updated.retiredKeys).toEqual([service.key]);
      expect(JSON.stringify(updated.pendingCleanup)).not.toContain(service.key);
      expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "triggered" })]);
      const next = await h.host.update(URN, id, updated, news);
      expect(next.pendingCleanup).toBeUndefined();
      expect(next.retiredKeys).toBeUndefined();
      expect(await incidentsFor(h.sandbox, outs.initialDedupKey)).toEqual([expect.objectContaining({ status: "resolved" })]);
      await h.host.delete(URN, id, next);
    });

    it("issue 10 case 3: a new region proves the key again there: the service form's US service is not in the EU account", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, pagerdutyServiceId: service.serviceId });
      const before = h.recorder.exchanges.length;
      const msg = await failure(h.host.update(URN, id, outs, await checked({ projectId, pagerdutyServiceId: service.serviceId, region: "EU" })));
      expect(msg).toMatch(/no such service in the PagerDuty account \(region EU\)/);
      expect(h.recorder.exchanges.slice(before).some((e) => e.path === "/v2/enqueue")).toBe(false);
      expect((await live(projectId)).body).toMatchObject({ region: "US" });
      await h.host.delete(URN, id, outs);
    });

    it("issue 10 case 3, key form: a US key is not confirmed in the EU account, nothing is sent or stored", async () => {
      const projectId = await project();
      const { id, outs } = await up({ projectId, integrationKey: service.key });
      const msg = await failure(h.host.update(URN, id, outs, await checked({ projectId, integrationKey: service.key, region: "EU" })));
      expect(msg).toMatch(/does not belong to any Events API v2 integration .*\(region EU\)/);
      expect((await live(projectId)).body).toMatchObject({ region: "US" });
      await h.host.delete(URN, id, outs);
    });
  });

  it("no secret reaches the provider string, the host's logs or its errors", async () => {
    const secrets = [service.key, otherService.key, h.sandbox.credentials.clientSecret, h.sandbox.pagerdutyToken];
    for (const s of secrets) {
      expect(h.provider.integration).not.toContain(s);
      expect(h.provider.routing).not.toContain(s);
      expect(h.host.output).not.toContain(s);
      for (const e of h.host.errors) expect(e).not.toContain(s);
    }
    expect(h.host.errors.length).toBeGreaterThan(0);
  });

  it("every request and response conformed to the specs", () => {
    expect(h.recorder.errors()).toEqual([]);
  });
});
