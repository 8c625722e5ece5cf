import { ConformanceRecorder } from "../../test/support/openapi";
import { restClient, sendEvent, serviceWithKey, startPagerDuty, trigger, type RestClient, type PagerDutyHarness } from "../../test/support/pagerduty/harness";

/**
 * What PagerDuty's own clients need beyond the provider's calls (found driving
 * the sandbox with go-pagerduty and @pagerduty/pdjs): escalation policies to
 * create a service, bulk incident updates, one alert of an incident, deleting
 * a service. Real sockets, token auth, exchanges validated against the specs.
 */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
let rest: RestClient;

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
  rest = restClient(pd.url);
});

afterAll(async () => {
  await pd.close();
  expect(recorder.errors()).toEqual([]);
});

test("GET /escalation_policies lists the account's default policy; a service is created with its id", async () => {
  const list = await rest.get("/escalation_policies");
  expect(list.status).toBe(200);
  expect(list.body).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
  expect(list.body.escalation_policies).toHaveLength(1);
  const policy = list.body.escalation_policies[0];
  expect(policy).toMatchObject({
    id: expect.stringMatching(/^P[A-Z0-9]+$/),
    type: "escalation_policy",
    name: "Default",
    summary: "Default",
    escalation_rules: [expect.objectContaining({ escalation_delay_in_minutes: 30 })],
  });
  expect((await rest.get("/escalation_policies?query=defa")).body.escalation_policies.map((p: any) => p.id)).toEqual([policy.id]);
  expect((await rest.get("/escalation_policies?query=nothing")).body.escalation_policies).toEqual([]);

  const svc = await rest.post("/services", {
    service: { type: "service", name: "with policy", escalation_policy: { id: policy.id, type: "escalation_policy_reference" } },
  });
  expect(svc.status).toBe(201);
  expect(svc.body.service.escalation_policy).toMatchObject({ id: policy.id, type: "escalation_policy_reference" });
  const one = await rest.get(`/escalation_policies/${policy.id}`);
  expect(one.body.escalation_policy.services.map((s: any) => s.id)).toContain(svc.body.service.id);
  expect((await rest.get("/escalation_policies/PNOSUCH")).status).toBe(404);
});

test("a made-up escalation policy id is refused with PagerDuty's 400 (Invalid Input Provided, 2001), naming the policy", async () => {
  const res = await rest.post("/services", {
    service: { type: "service", name: "made-up policy", escalation_policy: { id: "PMADEUP", type: "escalation_policy_reference" } },
  });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { message: "Invalid Input Provided", code: 2001, errors: ["Escalation Policy not found"] } });
  expect((await rest.get("/services?query=made-up")).body.services).toEqual([]);
});

test("bulk PUT /incidents acknowledges and resolves several (From header), all or nothing", async () => {
  const { key } = await serviceWithKey(rest);
  for (const k of ["bulk-1", "bulk-2", "bulk-3"]) expect((await sendEvent(pd.url, trigger(key, k, { dedup_key: k }))).status).toBe(202);
  const ids: string[] = [];
  for (const k of ["bulk-1", "bulk-2", "bulk-3"]) ids.push((await rest.get(`/incidents?incident_key=${k}`)).body.incidents[0].id);

  const noFrom = await rest.put("/incidents", { incidents: ids.map((id) => ({ id, type: "incident_reference", status: "acknowledged" })) });
  expect(noFrom.status).toBe(400);
  expect(noFrom.body.error.code).toBe(2001);

  const acked = await rest.put(
    "/incidents",
    { incidents: ids.slice(0, 2).map((id) => ({ id, type: "incident_reference", status: "acknowledged" })) },
    { from: "oncall@example.com" },
  );
  expect(acked.status).toBe(200);
  expect(acked.body.incidents.map((i: any) => [i.id, i.status])).toEqual([
    [ids[0], "acknowledged"],
    [ids[1], "acknowledged"],
  ]);
  expect(acked.body.incidents[0].acknowledgements[0].acknowledger.summary).toBe("oncall@example.com");

  // One unknown id: nothing changes.
  const mixed = await rest.put(
    "/incidents",
    {
      incidents: [
        { id: ids[2], type: "incident_reference", status: "resolved" },
        { id: "PNOSUCH", type: "incident_reference", status: "resolved" },
      ],
    },
    { from: "oncall@example.com" },
  );
  expect(mixed.status).toBe(400);
  expect(mixed.body.error.errors[0]).toContain("PNOSUCH");
  expect((await rest.get(`/incidents/${ids[2]}`)).body.incident.status).toBe("triggered");

  const resolved = await rest.put(
    "/incidents",
    { incidents: ids.map((id) => ({ id, type: "incident_reference", status: "resolved" })) },
    { from: "oncall@example.com" },
  );
  expect(resolved.body.incidents.map((i: any) => i.status)).toEqual(["resolved", "resolved", "resolved"]);
  // The alerts resolve with their incidents: a later trigger with the same dedup key opens a new incident.
  await sendEvent(pd.url, trigger(key, "again", { dedup_key: "bulk-1" }));
  expect((await rest.get("/incidents?incident_key=bulk-1")).body.incidents).toHaveLength(2);
});

test("GET /incidents/{id}/alerts/{alert_id} returns that alert, 404 for another incident's", async () => {
  const { key } = await serviceWithKey(rest);
  await sendEvent(pd.url, trigger(key, "one alert", { dedup_key: "single-alert" }));
  await sendEvent(pd.url, trigger(key, "other alert", { dedup_key: "other-alert" }));
  const inc = (await rest.get("/incidents?incident_key=single-alert")).body.incidents[0];
  const other = (await rest.get("/incidents?incident_key=other-alert")).body.incidents[0];
  const alerts = (await rest.get(`/incidents/${inc.id}/alerts`)).body.alerts;
  const one = await rest.get(`/incidents/${inc.id}/alerts/${alerts[0].id}`);
  expect(one.status).toBe(200);
  expect(one.body.alert).toEqual(alerts[0]);
  expect(one.body.alert).toMatchObject({ alert_key: "single-alert", status: "triggered" });
  const otherAlert = (await rest.get(`/incidents/${other.id}/alerts`)).body.alerts[0];
  expect((await rest.get(`/incidents/${inc.id}/alerts/${otherAlert.id}`)).status).toBe(404);
});

test("DELETE /services/{id} removes the service and its integrations: its key no longer opens incidents", async () => {
  const { serviceId, integrationId, key } = await serviceWithKey(rest);
  expect((await rest.del(`/services/${serviceId}`)).status).toBe(204);
  expect((await rest.get(`/services/${serviceId}`)).status).toBe(404);
  expect((await rest.get(`/services/${serviceId}/integrations/${integrationId}`)).status).toBe(404);
  expect((await rest.del(`/services/${serviceId}`)).status).toBe(404);
  // A well-formed key of no integration is accepted and dropped, as PagerDuty does.
  expect((await sendEvent(pd.url, trigger(key, "after delete", { dedup_key: "after-delete" }))).status).toBe(202);
  expect((await rest.get("/incidents?incident_key=after-delete")).body.incidents).toEqual([]);
});
