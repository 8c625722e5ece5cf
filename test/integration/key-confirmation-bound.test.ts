import { startHarness, type Harness } from "../support/harness";
import { urnOf } from "../support/provider-host";
import { atlas, incidentsFor, makeService, newProjectId, pd } from "../support/sandbox-client";
import { CONFIRM_MAX_PAGES } from "../../provider/integration/lifecycle";

// Key confirmation reads at most CONFIRM_MAX_PAGES pages of services (100 each), so a create on a large
// PagerDuty account never exhausts the REST rate limit. Through the real provider host, on an account with
// more than 10 pages of services whose key sits on the 11th: the create goes on with keyConfirmed false and
// a warning that says what to check, never an error.
jest.setTimeout(120_000);

const FILLERS = CONFIRM_MAX_PAGES * 100;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  // Services sort by name: the fillers fill the first 10 pages.
  for (let i = 0; i < FILLERS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, FILLERS - i) }, async (_, j) => {
        const res = await pd(h.sandbox, "POST", "/sandbox/services", { name: `a-filler-${String(i + j).padStart(4, "0")}` });
        expect(res.status).toBe(201);
      }),
    );
  }
});

afterAll(async () => {
  await h?.close();
});

it(`a key past the first ${CONFIRM_MAX_PAGES} pages of services: created unconfirmed, with a warning naming what to check`, async () => {
  const service = await makeService(h.sandbox, "zz Database on-call");
  const projectId = newProjectId();
  expect((await atlas(h.sandbox, "POST", "/sandbox/groups", { id: projectId })).status).toBe(201);
  const urn = urnOf("PagerDutyIntegration", "big-account");
  const checked = await h.host.check(urn, {}, { projectId, integrationKey: service.key, __provider: h.provider.integration });
  expect(checked.failures).toEqual([]);
  const from = h.recorder.exchanges.length;
  const output = h.host.output.length;

  const { id, outs } = await h.host.create(urn, checked.inputs);

  expect(outs).toMatchObject({ keyConfirmed: false, initialIncidentOpen: false, keyLast4: service.key.slice(-4) });
  const listed = h.recorder.exchanges.slice(from).filter((e) => e.service === "pagerduty-rest" && e.method === "GET" && e.path === "/services");
  expect(listed).toHaveLength(CONFIRM_MAX_PAGES);
  const shown = h.host.output.slice(output);
  expect(shown).toContain(
    `warning: integrationKey (ending ${service.key.slice(-4)}) was not found in the first ${CONFIRM_MAX_PAGES} pages of services of the PagerDuty account (region US); ` +
      "it is used without confirmation (keyConfirmed: false). Check the initial incident in PagerDuty.",
  );
  expect(shown).not.toContain(service.key);
  // The key is still proved the only way PagerDuty allows: the initial alert, triggered then resolved.
  const incidents = await incidentsFor(h.sandbox, outs.initialDedupKey);
  expect(incidents.map((i) => i.status)).toEqual(["resolved"]);
  expect((await atlas(h.sandbox, "GET", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`)).body.serviceKey.slice(-4)).toBe(service.key.slice(-4));
  await h.host.delete(urn, id, outs);
});
