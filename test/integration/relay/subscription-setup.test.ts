import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Sandbox, startSandbox } from "../../../sandbox";
import { atlasAlert, postAtlasWebhook } from "../../../scripts/lib/atlas-webhook";
import { type RelayLogLine, type RelayProcess, spawnRelay, stopRelays, writeRelaySetup } from "../../../scripts/lib/relay-process";
import { pagerDutyApi } from "../../../scripts/lib/sandbox-api";
import { freePort, waitUntil } from "../../support/relay";

/**
 * Acknowledgement sync survives a bad start, with a real relay process: PagerDuty's REST API fails
 * after the first of two webhook subscriptions was created. That subscription's secret is in use at
 * once (PagerDuty's webhooks are accepted, not answered 401 until a restart), /readyz stays 200,
 * the status page and relay_pagerduty_subscriptions_pending say the set-up is pending, and the
 * relay retries until the second subscription exists.
 */
jest.setTimeout(60_000);

let sandbox: Sandbox;
let dir: string;
let relay: RelayProcess | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-subscriptions-"));
  sandbox = await startSandbox({ retry: { baseDelayMs: 50, maxAttempts: 3, timeoutMs: 5_000 } });
}, 30_000);
afterAll(async () => {
  if (relay) await stopRelays([relay], 5_000);
  await sandbox?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("a PagerDuty REST failure after the first subscription: its secret is used at once, the relay stays ready, says pending, and retries to the end", async () => {
  const pd = pagerDutyApi(sandbox);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const setup = await writeRelaySetup(dir, sandbox, {
    routes: 2,
    eventsPerMinute: 6000,
    burst: 100,
    config: {
      publicUrl: url,
      pagerduty: { eventsUrl: { US: sandbox.pagerdutyUrl.US }, restUrl: { US: sandbox.pagerdutyUrl.US }, restToken: { env: "PD_TOKEN" } },
      statusPage: { username: "ops", password: { env: "STATUS_PASSWORD" } },
    },
  });
  const env = { PD_TOKEN: sandbox.pagerdutyToken, STATUS_PASSWORD: "status-password-0123456789" };
  // The set-up's 4th REST request (the second service's subscription) answers 500.
  const fault = await pd.call("POST", "/sandbox/faults", { count: 1, skip: 3, status: 500, path: "rest" });
  expect(fault.status).toBe(201);
  const logs: RelayLogLine[] = [];
  relay = await spawnRelay({ setup, store: "sqlite", name: "subscriptions", port, env, onLog: (l) => logs.push(l) });
  await waitUntil("the failed set-up", async () => logs.some((l) => l.msg.startsWith("setting up the PagerDuty webhook subscriptions failed")));
  const subscriptions = async () =>
    ((await (await pd.call("GET", "/webhook_subscriptions")).json()) as { webhook_subscriptions: unknown[] }).webhook_subscriptions;

  // Still ready for the load balancer; the status page and the metric say what waits (the retry comes 1-2 s later).
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const page = await (await fetch(`${url}/`, { headers: { authorization: `Basic ${Buffer.from(`ops:${env.STATUS_PASSWORD}`).toString("base64")}` } })).text();
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  expect(metrics).toMatch(/relay_pagerduty_subscriptions_pending 1/);
  expect(page).toMatch(/PagerDuty webhook subscriptions: pending.*retrying, last error: .*500/s);

  // PagerDuty's webhook for the first service is accepted: its secret was handed over when it was made.
  const route = setup.routes[0];
  const id = "50c0".padEnd(24, "0");
  expect(await postAtlasWebhook(`${url}/atlas/${route.id}`, "alert.open", atlasAlert(setup.projectId, id, "OPEN"), route.secret)).toBe(200);
  const incident = await pd.waitForIncident(`mongodb-atlas/${setup.projectId}/${id}`, "triggered");
  const put = await pd.call(
    "PUT",
    `/incidents/${incident.id}`,
    { incident: { type: "incident_reference", status: "acknowledged" } },
    { From: "oncall@example.com" },
  );
  expect(put.status).toBe(200);
  await waitUntil("PagerDuty's webhook accepted", async () =>
    /relay_webhooks_total\{source="pagerduty",outcome="accepted"\} [1-9]/.test(await (await fetch(`${url}/metrics`)).text()),
  );
  expect(await (await fetch(`${url}/metrics`)).text()).not.toMatch(/source="pagerduty",outcome="rejected_signature"/);

  // The retry makes the second subscription; nothing is pending any more.
  await waitUntil("both subscriptions", async () => (await subscriptions()).length === 2, 20_000);
  await waitUntil("nothing pending", async () => /relay_pagerduty_subscriptions_pending 0/.test(await (await fetch(`${url}/metrics`)).text()));
});
