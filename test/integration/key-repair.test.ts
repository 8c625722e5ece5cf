import { startHarness, type Harness } from "../support/harness";
import { urnOf } from "../support/provider-host";
import { atlas, makeService, newProjectId } from "../support/sandbox-client";

// A key changed by hand in the project, seen by refresh (keyConfirmed: false)
// and put back by update: the output is worked out again, through the real
// dynamic-provider host. The service form's key is the one PagerDuty gave the
// provider; a key given in the program is confirmed through the REST API again.
jest.setTimeout(60_000);

let h: Harness;
let service: { serviceId: string; integrationId: string; key: string };
let stranger: { serviceId: string; integrationId: string; key: string };
const URN = urnOf("PagerDutyIntegration", "pd");

beforeAll(async () => {
  h = await startHarness();
  service = await makeService(h.sandbox, "Database on-call");
  stranger = await makeService(h.sandbox, "Someone else");
});

afterAll(async () => {
  await h?.close();
});

const integrationPath = (projectId: string) => `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`;

/** REST lookups of services (how a key given in the program is confirmed) since `from`. */
const serviceLookups = (from: number) => h.recorder.exchanges.slice(from).filter((e) => e.method === "GET" && e.path.startsWith("/services"));

describe.each<[string, () => Record<string, unknown>]>([
  ["service form (pagerdutyServiceId)", () => ({ pagerdutyServiceId: service.serviceId })],
  ["key form (integrationKey)", () => ({ integrationKey: service.key })],
])("%s: a key changed by hand", (form, declared) => {
  it("refresh sets keyConfirmed false; the update that puts the key back confirms it again", async () => {
    const projectId = newProjectId();
    await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId });
    const checked = await h.host.check(URN, {}, { projectId, ...declared(), __provider: h.provider.integration });
    expect(checked.failures).toEqual([]);
    const { id, outs } = await h.host.create(URN, checked.inputs);
    expect(outs.keyConfirmed).toBe(true);
    const ours = outs.integrationKey as string;

    const put = await atlas(h.sandbox, "PUT", integrationPath(projectId), { type: "PAGER_DUTY", serviceKey: stranger.key, region: "US" });
    expect(put.status).toBe(200);
    const read = await h.host.read(URN, id, outs);
    expect(read.props).toMatchObject({ keyLast4: stranger.key.slice(-4), keyConfirmed: false, integrationKey: ours });
    expect(await h.host.diff(URN, id, read.props, checked.inputs)).toMatchObject({ changes: "some", replaces: [] });

    const before = h.recorder.exchanges.length;
    const updated = await h.host.update(URN, id, read.props, checked.inputs);
    expect(updated).toMatchObject({ integrationKey: ours, keyLast4: ours.slice(-4), keyConfirmed: true });
    expect((await atlas(h.sandbox, "GET", integrationPath(projectId))).body.serviceKey.slice(-4)).toBe(ours.slice(-4));
    if (form.startsWith("key form")) expect(serviceLookups(before).length).toBeGreaterThan(0);
    // And a refresh after the repair keeps it confirmed.
    expect((await h.host.read(URN, id, updated)).props).toMatchObject({ keyConfirmed: true });
    await h.host.delete(URN, id, updated);
  });
});
