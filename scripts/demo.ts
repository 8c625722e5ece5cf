/**
 * `npm run demo`: the whole product on the embedded sandbox, with the real
 * Pulumi CLI. Starts the sandbox, runs the quickstart with `pulumi up`, shows
 * the initial incident, opens and closes a project alert and shows the
 * incident it opened and resolved, checks `pulumi refresh` finds nothing,
 * changes the integration by hand and shows refresh reporting it, repairs it
 * with `pulumi up`, and destroys everything. Exits non-zero if a step fails.
 * `npm run demo -- --keep` leaves the sandbox running afterwards (Ctrl-C stops
 * it) so its dashboard can be looked at.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../relay/config";
import { startRelay, type Relay } from "../relay/main";
import { startSandbox, type Sandbox } from "../sandbox";
import { freePort } from "./lib/free-port";
import { PulumiWorkspace } from "./lib/pulumi-cli";
import { atlasApi, pagerDutyApi } from "./lib/sandbox-api";

const repoRoot = path.resolve(__dirname, "..").replace(/\/dist$/, "");

interface Step {
  title: string;
  ok: boolean;
  detail: string;
}

const steps: Step[] = [];

async function step(title: string, run: () => Promise<string>): Promise<void> {
  console.log(`\n==> ${title}`);
  try {
    const detail = await run();
    steps.push({ title, ok: true, detail });
    console.log(`    ok: ${detail}`);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    steps.push({ title, ok: false, detail });
    console.log(`    FAILED: ${detail}`);
    throw err;
  }
}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function main(): Promise<number> {
  const dataDir = path.join(repoRoot, ".sandbox-data", "demo");
  const stateDir = path.join(repoRoot, ".pulumi-state");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const projectId = randomBytes(12).toString("hex");
  let sandbox: Sandbox | undefined;
  let relay: Relay | undefined;
  try {
    await step("Start the sandbox (project API + PagerDuty, state in .sandbox-data/demo)", async () => {
      sandbox = await startSandbox({ dataDir, projects: [projectId] });
      return `project API ${sandbox.atlasUrl}, PagerDuty ${sandbox.pagerdutyUrl.US} (dashboard: open it in a browser)`;
    });
    const sb = sandbox!;
    const atlas = atlasApi(sb);
    const pd = pagerDutyApi(sb);

    let service!: { serviceId: string; key: string };
    let otherKey!: string;
    await step("Create a PagerDuty service with an Events API v2 integration (as you would in PagerDuty)", async () => {
      service = await pd.serviceWithKey("Database on-call");
      otherKey = (await pd.serviceWithKey("Someone else's service")).key;
      return `service ${service.serviceId}, integration key ending ${service.key.slice(-4)}`;
    });

    const relaySecret = randomBytes(16).toString("hex");
    let relayService!: { serviceId: string; key: string };
    await step("Start the relay next to the sandbox (one route: this project -> a 'Relay on-call' PagerDuty service)", async () => {
      relayService = await pd.serviceWithKey("Relay on-call");
      const port = await freePort();
      const env = {
        ATLAS_ID: sb.credentials.clientId,
        ATLAS_SECRET: sb.credentials.clientSecret,
        PD_TOKEN: sb.pagerdutyToken,
        ROUTE_KEY: relayService.key,
        ROUTE_SECRET: relaySecret,
      };
      const config = parseConfig(
        {
          listen: { host: "127.0.0.1", port },
          publicUrl: `http://127.0.0.1:${port}`,
          dataDir: path.join(dataDir, "relay"),
          atlas: { baseUrl: sb.atlasUrl, clientId: { env: "ATLAS_ID" }, clientSecret: { env: "ATLAS_SECRET" } },
          pagerduty: { eventsUrl: sb.pagerdutyUrl, restUrl: sb.pagerdutyUrl, restToken: { env: "PD_TOKEN" } },
          routes: [{ id: "demo", projectId, routingKey: { env: "ROUTE_KEY" }, webhookSecret: { env: "ROUTE_SECRET" } }],
        },
        { env },
      );
      relay = await startRelay(config, { logLevel: "warn" });
      return `relay ${relay.url} (intake ${relay.url}/atlas/demo, status page ${relay.url}/ when statusPage is configured)`;
    });

    const ws = new PulumiWorkspace({ programDir: repoRoot, stateDir, stack: "demo", passphrase: "demo-passphrase", echo: true });
    await step("Prepare the demo stack (local state in .pulumi-state, config pointing at the sandbox)", async () => {
      await ws.initStack();
      const cfg = sb.providerConfig();
      await ws.setConfig({
        projectId: { value: projectId },
        integrationKey: { value: service.key, secret: true },
        relayUrl: { value: `${relay!.url}/atlas/demo` },
        relaySecret: { value: relaySecret, secret: true },
        ...Object.fromEntries(Object.entries(cfg).map(([k, v]) => [k, { value: v, secret: /Secret|Token/.test(k) }])),
      });
      return `stack demo, project ${projectId}`;
    });

    // A new project already holds Atlas's default alert configurations: the program must leave them alone.
    let defaults: any[] = [];
    await step("The new project holds Atlas's default alert configurations (not ours: they must stay untouched)", async () => {
      defaults = await atlas.alertConfigs(projectId);
      check(defaults.length > 0, "the project has no default alert configurations");
      return `${defaults.length} default alert configurations`;
    });
    const ours = (configs: any[]) => configs.filter((c) => !defaults.some((d) => d.id === c.id));

    let outputs: Record<string, any> = {};
    await step("pulumi up: the integration, five alert routings and one through the relay", async () => {
      await ws.ok(["up", "--yes"]);
      outputs = await ws.outputs();
      const configs = await atlas.alertConfigs(projectId);
      check(ours(configs).length === 6, `expected 6 new alert configurations, found ${ours(configs).length}`);
      check(JSON.stringify(configs.filter((c) => defaults.some((d) => d.id === c.id))) === JSON.stringify(defaults), "a default alert configuration changed");
      const integ = await atlas.integration(projectId);
      check(integ?.serviceKey?.endsWith(service.key.slice(-4)), "the project API does not hold our key");
      return `integration ${outputs.integrationId} (key ****${outputs.keyLast4}, confirmed through the REST API: ${outputs.keyConfirmed}), 6 alert configurations`;
    });

    await step("The initial incident in PagerDuty (the integration is proven, and resolved so nobody is paged)", async () => {
      const incidents = await pd.incidents(outputs.initialIncidentKey);
      check(incidents.length === 1, `expected one initial incident, found ${incidents.length}`);
      check(incidents[0].status === "resolved", `initial incident is ${incidents[0].status}`);
      return `incident ${incidents[0].id} "${incidents[0].title}" is ${incidents[0].status}; see ${sb.pagerdutyUrl.US}/?token=${encodeURIComponent(sb.pagerdutyToken)}`;
    });

    await step("A project alert (NO_PRIMARY) opens a PagerDuty incident; closing the alert resolves it", async () => {
      const config = ours(await atlas.alertConfigs(projectId)).find((c) => c.eventTypeName === "NO_PRIMARY");
      check(config, "no NO_PRIMARY alert configuration");
      const alert = await atlas.openAlert(projectId, { alertConfigId: config.id, clusterName: "Cluster0", replicaSetName: "atlas-rs0" });
      const opened = await pd.waitForIncident(alert.id, "triggered");
      console.log(`    alert ${alert.id} opened -> incident ${opened.id} ${opened.status}, urgency ${opened.urgency ?? "high"}`);
      await atlas.closeAlert(projectId, alert.id);
      const resolved = await pd.waitForIncident(alert.id, "resolved");
      const timeline = await pd.alerts(resolved.id);
      return `incident ${resolved.id} ${resolved.status} (${timeline.length} alert(s), dedup key = alert id)`;
    });

    await step("Through the relay: a HOST_DOWN alert pages; PagerDuty's acknowledgement shows in the project; the close resolves it", async () => {
      const config = (await atlas.alertConfigs(projectId)).find((c) => c.eventTypeName === "HOST_DOWN");
      check(config, "no HOST_DOWN alert configuration");
      const alert = await atlas.openAlert(projectId, { alertConfigId: config.id, hostnameAndPort: "cluster0-shard-00-00.example.net:27017" });
      const key = `mongodb-atlas/${projectId}/${alert.id}`;
      const opened = await pd.waitForIncident(key, "triggered");
      console.log(`    alert ${alert.id} -> relay -> incident ${opened.id} ${opened.status} on "Relay on-call"`);
      const ack = await pd.call(
        "PUT",
        `/incidents/${opened.id}`,
        { incident: { type: "incident_reference", status: "acknowledged" } },
        { From: "oncall@example.com" },
      );
      check(ack.status === 200, `acknowledging in PagerDuty: ${ack.status}`);
      const deadline = Date.now() + 15_000;
      let acked: any;
      for (;;) {
        acked = JSON.parse(await (await atlas.call("GET", `/api/atlas/v2/groups/${projectId}/alerts/${alert.id}`)).text());
        if (acked.acknowledgedUntil || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      check(acked.acknowledgedUntil, "the project alert was not acknowledged after PagerDuty's acknowledgement");
      console.log(`    acknowledged in the project until ${acked.acknowledgedUntil}: "${acked.acknowledgementComment}"`);
      await atlas.closeAlert(projectId, alert.id);
      const resolved = await pd.waitForIncident(key, "resolved");
      return `incident ${resolved.id} ${resolved.status}; dedup key ${key}`;
    });

    await step("pulumi refresh right after up: no changes", async () => {
      await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
      return "refresh found the project exactly as declared";
    });

    await step("Someone changes the integration by hand (another key, region EU) through the project API", async () => {
      await atlas.replaceIntegration(projectId, { type: "PAGER_DUTY", serviceKey: otherKey, region: "EU" });
      return `the project now holds a key ending ${otherKey.slice(-4)} in region EU`;
    });

    await step("pulumi refresh reports the drift", async () => {
      const r = await ws.run(["refresh", "--yes", "--expect-no-changes", "--diff"]);
      check(r.code !== 0, "refresh --expect-no-changes passed although the integration changed");
      check(/keyLast4|region/.test(r.stdout), "refresh output does not name the changed fields");
      return "refresh showed keyLast4 and region changed outside Pulumi";
    });

    await step("pulumi up repairs it with the key from the program", async () => {
      await ws.ok(["up", "--yes"]);
      const integ = await atlas.integration(projectId);
      check(integ?.serviceKey?.endsWith(service.key.slice(-4)) && integ.region === "US", "the integration was not repaired");
      await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
      return `the project holds ****${service.key.slice(-4)} in US again; refresh is clean`;
    });

    await step("pulumi destroy: only the project's defaults remain, untouched, and no incident is open", async () => {
      await ws.ok(["destroy", "--yes"]);
      const integrations = await atlas.integrations(projectId);
      const configs = await atlas.alertConfigs(projectId);
      const open = (await pd.allIncidents()).filter((i) => i.status !== "resolved");
      check(
        integrations.length === 0 && ours(configs).length === 0,
        `left behind: ${integrations.length} integrations, ${ours(configs).length} alert configurations`,
      );
      check(JSON.stringify(configs) === JSON.stringify(defaults), "the default alert configurations changed");
      check(open.length === 0, `${open.length} incident(s) still open`);
      return `0 integrations, 0 of our alert configurations, the ${defaults.length} defaults unchanged, 0 open incidents`;
    });

    await step("The state never held the integration key in plain text", async () => {
      const hits = ws.stateFiles().filter((f) => fs.readFileSync(f, "utf8").includes(service.key));
      check(hits.length === 0, `key found in ${hits.join(", ")}`);
      return `${ws.stateFiles().length} state files checked`;
    });
    return 0;
  } catch {
    return 1;
  } finally {
    console.log("\nSummary");
    for (const s of steps) console.log(`  ${s.ok ? "PASS" : "FAIL"}  ${s.title}`);
    const failed = steps.filter((s) => !s.ok).length;
    console.log(`\n${steps.length - failed} passed, ${failed} failed`);
    if (sandbox && process.argv.includes("--keep")) {
      console.log(
        `\nThe sandbox keeps running (Ctrl-C stops it): dashboard ${sandbox.pagerdutyUrl.US}/?token=${encodeURIComponent(sandbox.pagerdutyToken)}, project API ${sandbox.atlasUrl}`,
      );
      await new Promise((resolve) => process.once("SIGINT", resolve));
    }
    await relay?.close();
    await sandbox?.close();
  }
}

main().then((code) => process.exit(code));
