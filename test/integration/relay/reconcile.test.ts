import { parseResponse } from "../../support/fetch";
import { dedupKey, eventsFor, startWorld, waitUntil, type RelayWorld } from "../../support/relay";

/**
 * The reconciler's scope is the live configuration, read through the sandbox's project API on each
 * pass: a configuration switched to native delivery (a PUT) stops being reconciled at once, and a
 * webhook's delayMin is honoured.
 */
let w: RelayWorld;
beforeAll(async () => {
  w = await startWorld();
}, 30_000);
afterAll(async () => w?.close());

const relayKey = (alertId: string) => dedupKey(w.projectId, alertId);

it("a configuration switched from the relay to native delivery (PUT in the project API) is not reconciled: the next alert opens one incident, not two", async () => {
  const cfg = await w.alertConfig();
  const first = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster0" });
  // The relay pages the first alert: it now knows the configuration.
  await w.pd.waitForIncident(relayKey(first.id), "triggered");
  const put = await parseResponse(
    await w.atlas.call("PUT", `/api/atlas/v2/groups/${w.projectId}/alertConfigs/${cfg.id}`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      severityOverride: "CRITICAL",
      notifications: [{ typeName: "PAGER_DUTY", serviceKey: w.routingKey, region: "US", delayMin: 0 }],
    }),
  );
  expect(put.status).toBe(200);
  const second = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, clusterName: "Cluster1" });
  // The project pages it natively (its own dedup key)...
  await waitUntil("the native page", async () => (await w.pd.allIncidents()).some((i) => i.title?.includes("Cluster1") || i.incident_key?.includes(second.id)));
  // ...and the relay's reconciler does not page it again.
  await w.relay.reconciler.runOnce();
  await new Promise((r) => setTimeout(r, 500));
  expect(eventsFor(w.sandbox, relayKey(second.id))).toEqual([]);
  expect((await w.pd.allIncidents()).filter((i) => i.title?.includes("Cluster1") || i.incident_key?.includes(second.id))).toHaveLength(1);
});

it("honours the webhook's delayMin: an alert that closes inside it (email at 0 min, the relay at 5) pages nobody", async () => {
  const cfg = await w.alertConfig({
    eventTypeName: "HOST_DOWN",
    notifications: [
      { typeName: "EMAIL", emailAddress: "ops@example.com", delayMin: 0 },
      { typeName: "WEBHOOK", webhookUrl: `${w.relay.url}/atlas/orders`, webhookSecret: w.secret, delayMin: 5 },
    ],
  });
  // The route watches this configuration from the start (it has received no webhook for it).
  await w.relay.close();
  await w.restart(undefined, (c) => ({ ...c, routes: [{ ...c.routes[0], alertConfigIds: [cfg.id] }] }));
  const a = await w.atlas.openAlert(w.projectId, { alertConfigId: cfg.id, hostnameAndPort: "db-1:27017" });
  await w.relay.reconciler.runOnce();
  await w.atlas.closeAlert(w.projectId, a.id);
  await w.relay.reconciler.runOnce();
  await new Promise((r) => setTimeout(r, 500));
  expect(eventsFor(w.sandbox, relayKey(a.id))).toEqual([]);
  expect(await w.relay.store.getAlert(w.routeId, a.id)).toBeUndefined();
});
