import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { observation } from "../../support/relay-store";
import { startWorld, waitUntil, type RelayWorld } from "../../support/relay";

/** Retention as the relay runs it: pruned at start (then hourly), with the config's retentionDays. */
let w: RelayWorld;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-retention-"));
beforeAll(async () => {
  w = await startWorld({ dataDir, config: (c) => ({ ...c, retentionDays: 7 }) });
}, 30_000);
afterAll(async () => {
  await w?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("a start prunes what is past retentionDays (a closed alert, its configuration, an intake dead letter) and keeps the rest", async () => {
  const DAY = 86_400_000;
  const store = w.relay.store;
  const old = Date.now() - 8 * DAY;
  await store.observeAlert(observation("old-closed", { routeId: w.routeId, projectId: w.projectId, status: "CLOSED", alertConfigId: "c-old" }), old);
  await store.observeAlert(observation("old-triggered", { routeId: w.routeId, projectId: w.projectId }), old);
  await store.markSent({ routeId: w.routeId, alertId: "old-triggered", action: "trigger", at: old }, "triggered");
  await store.observeAlert(observation("new-closed", { routeId: w.routeId, projectId: w.projectId, status: "CLOSED" }), Date.now() - 6 * DAY);
  await store.recordIntakeDeadLetter({ routeId: w.routeId, reason: "old", event: "alert.open", projectId: null, alertId: null, receivedAt: old });
  await w.relay.close();
  await w.restart();
  await waitUntil("the prune", async () => (await w.relay.store.getAlert(w.routeId, "old-closed")) === undefined);
  expect((await w.relay.store.listAlerts({ limit: 10 })).map((a) => a.alertId).sort()).toEqual(["new-closed", "old-triggered"]);
  expect(await w.relay.store.servedConfigs(w.routeId)).toEqual([]);
  expect(await w.relay.store.listIntakeDeadLetters(10)).toEqual([]);
});
