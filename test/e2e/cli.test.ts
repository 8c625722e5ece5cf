import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";
import { FAST_RETRY } from "../support/harness";

// The user's workflow with the real Pulumi CLI and engine: preview, up,
// refresh, import, replace, destroy, against the sandbox.
jest.setTimeout(240_000);

const programDir = path.resolve(__dirname, "program").replace(`${path.sep}dist${path.sep}`, path.sep);
let sb: Sandbox;
let recorder: ConformanceRecorder;
let key: string;
let otherKey: string;
const tmp: string[] = [];
let stacks = 0;

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  const pd = pagerDutyApi(sb);
  key = (await pd.serviceWithKey("Database on-call")).key;
  otherKey = (await pd.serviceWithKey("Someone else")).key;
});

afterAll(async () => {
  await sb?.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

async function stack(config: Record<string, string>): Promise<PulumiWorkspace> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-e2e-"));
  tmp.push(stateDir);
  // Stack config lives beside Pulumi.yaml (Pulumi.<stack>.yaml): one name per stack keeps tests apart.
  const name = `e2e-${process.pid}-${++stacks}`;
  tmp.push(path.join(programDir, `Pulumi.${name}.yaml`));
  const ws = new PulumiWorkspace({ programDir, stateDir, stack: name, passphrase: "e2e-passphrase" });
  await ws.initStack();
  const provider = { ...sb.providerConfig(), ...FAST_RETRY };
  await ws.setConfig({
    ...Object.fromEntries(Object.entries(provider).map(([k, v]) => [k, { value: v, secret: /Secret|Token/.test(k) }])),
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: k === "integrationKey" || k === "relaySecret" }])),
  });
  return ws;
}

/** Alert configurations each new project was created with (Atlas's defaults): the program must never touch them. */
const defaultsOf = new Map<string, any[]>();

async function project(): Promise<string> {
  const id = newProjectId();
  await atlasApi(sb).createProject(id);
  const defaults = await atlasApi(sb).alertConfigs(id);
  expect(defaults.length).toBeGreaterThan(0);
  defaultsOf.set(id, defaults);
  return id;
}

/** The project's alert configurations split into the program's and the defaults (which must be exactly as created). */
async function configsOf(projectId: string): Promise<any[]> {
  const defaults = defaultsOf.get(projectId) ?? [];
  const all = await atlasApi(sb).alertConfigs(projectId);
  expect(all.filter((c) => defaults.some((d) => d.id === c.id))).toEqual(defaults);
  return all.filter((c) => !defaults.some((d) => d.id === c.id));
}

/** API calls (not sandbox controls) made while `run` ran. */
async function callsDuring(run: () => Promise<unknown>): Promise<Array<{ method: string; path: string }>> {
  const before = recorder.exchanges.length;
  await run();
  return recorder.exchanges
    .slice(before)
    .filter((e) => e.service !== "sandbox")
    .map((e) => ({ method: e.method, path: e.path }));
}

const writes = (calls: Array<{ method: string }>) => calls.filter((c) => c.method !== "GET");

describe("the Pulumi CLI against the sandbox", () => {
  it("preview shows check failures for bad input and calls no API", async () => {
    const badKey = "a1b2c3d4e5f60718293a4b5c6d7e8f9-";
    const ws = await stack({ projectId: "not-a-project", integrationKey: badKey, region: "ASIA" });
    let r!: { code: number; stdout: string; stderr: string };
    const calls = await callsDuring(async () => (r = await ws.run(["preview"])));
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/projectId must be the 24-character lowercase hexadecimal Atlas project id/);
    expect(out).toMatch(/integrationKey must be 32 hexadecimal digits/);
    expect(out).not.toContain(badKey);
    expect(out).toMatch(/region must be "US" or "EU"/);
    expect(calls).toEqual([]);
  });

  it("up creates exactly the declared objects; refresh and a second up change nothing; destroy removes everything", async () => {
    const projectId = await project();
    const ws = await stack({ projectId, integrationKey: key, routings: "true" });
    await ws.ok(["up", "--yes"]);
    const atlas = atlasApi(sb);
    const integrations = await atlas.integrations(projectId);
    expect(integrations).toEqual([expect.objectContaining({ type: "PAGER_DUTY", region: "US", serviceKey: "*".repeat(28) + key.slice(-4) })]);
    const configs = await configsOf(projectId);
    expect(configs.map((c) => c.eventTypeName).sort()).toEqual(["NO_PRIMARY", "OUTSIDE_METRIC_THRESHOLD"]);
    const out = await ws.outputs();
    expect((await pagerDutyApi(sb).incidents(out.initialDedupKey)).map((i) => i.status)).toEqual(["resolved"]);

    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    const calls = await callsDuring(() => ws.ok(["up", "--yes", "--expect-no-changes"]));
    expect(writes(calls)).toEqual([]);

    await ws.ok(["destroy", "--yes"]);
    expect(await atlas.integrations(projectId)).toEqual([]);
    expect(await configsOf(projectId)).toEqual([]); // and the defaults are exactly as created
    expect((await pagerDutyApi(sb).allIncidents()).filter((i) => i.status !== "resolved")).toEqual([]);

    // State, history and backups, and everything the CLI printed: no key, no credential in plain text.
    const secrets = [key, sb.credentials.clientSecret, sb.pagerdutyToken];
    for (const s of secrets) expect(ws.transcript.includes(s)).toBe(false);
    const files = ws.stateFiles();
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      for (const s of secrets) expect({ file: f, leaked: text.includes(s) }).toEqual({ file: f, leaked: false });
    }
  });

  it.each<[string, (projectId: string, configs: any[]) => Promise<void>, RegExp]>([
    ["key changed by hand", (p) => atlasApi(sb).replaceIntegration(p, { type: "PAGER_DUTY", serviceKey: otherKey, region: "US" }), /keyLast4/],
    ["region changed by hand", (p) => atlasApi(sb).replaceIntegration(p, { type: "PAGER_DUTY", serviceKey: key, region: "EU" }), /region/],
    ["integration deleted by hand", (p) => atlasApi(sb).deleteIntegration(p), /delete|deleted/],
    ["routing disabled by hand", (p, configs) => atlasApi(sb).setAlertConfigEnabled(p, configs[0].id, false), /enabled/],
  ])("%s: refresh reports it, up repairs it", async (_name, change, shown) => {
    const projectId = await project();
    const ws = await stack({ projectId, integrationKey: key, routings: "true" });
    await ws.ok(["up", "--yes"]);
    await change(projectId, await configsOf(projectId));
    const drift = await ws.run(["refresh", "--yes", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.stdout).toMatch(shown);
    await ws.ok(["up", "--yes"]);
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    const integ = await atlasApi(sb).integration(projectId);
    expect(integ).toMatchObject({ region: "US", serviceKey: "*".repeat(28) + key.slice(-4) });
    expect((await configsOf(projectId)).every((c) => c.enabled)).toBe(true);
    await ws.ok(["destroy", "--yes"]);
  });

  it("imports an existing integration with the import option, then manages it", async () => {
    const projectId = await project();
    const atlas = atlasApi(sb);
    const created = await atlas.call("POST", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`, {
      type: "PAGER_DUTY",
      serviceKey: key,
      region: "US",
    });
    expect(created.status).toBe(200);
    const ws = await stack({ projectId, integrationKey: key, importId: `${projectId}/PAGER_DUTY` });
    const calls = await callsDuring(() => ws.ok(["up", "--yes"]));
    expect(writes(calls)).toEqual([]);
    const state = await ws.exportState();
    const res = state.deployment.resources.find((r: any) => r.type.endsWith(":PagerDutyIntegration"));
    expect(res.id).toBe(`${projectId}/PAGER_DUTY`);
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    await ws.ok(["destroy", "--yes"]);
    expect(await atlas.integration(projectId)).toBeUndefined();
  });

  it("changing projectId replaces the integration, deleting the old one first", async () => {
    const first = await project();
    const second = await project();
    const ws = await stack({ projectId: first, integrationKey: key });
    await ws.ok(["up", "--yes"]);
    await ws.setConfig({ projectId: { value: second } });
    const preview = await ws.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/\+-.*PagerDutyIntegration|replace/);
    const calls = await callsDuring(() => ws.ok(["up", "--yes"]));
    // Delete first: a project has one PAGER_DUTY integration, so the old one goes before the new one is stored.
    const del = calls.findIndex((c) => c.method === "DELETE" && c.path === `/api/atlas/v2/groups/${first}/integrations/PAGER_DUTY`);
    const post = calls.findIndex((c) => c.method === "POST" && c.path === `/api/atlas/v2/groups/${second}/integrations/PAGER_DUTY`);
    expect(del).toBeGreaterThanOrEqual(0);
    expect(post).toBeGreaterThan(del);
    expect(await atlasApi(sb).integration(first)).toBeUndefined();
    expect(await atlasApi(sb).integration(second)).toMatchObject({ type: "PAGER_DUTY" });
    await ws.ok(["destroy", "--yes"]);
  });

  it("a relay routing by projectId: up stores its WEBHOOK notification, a new URL updates it in place, refresh shows no drift, destroy removes it; the secret stays out of state", async () => {
    const projectId = await project();
    const relaySecret = "relay-secret-e2e-0123456789";
    const ws = await stack({ projectId, integrationKey: key, relayUrl: "https://relay.example.com/atlas/orders", relaySecret });
    await ws.ok(["up", "--yes"]);
    const [relayed] = await configsOf(projectId);
    expect(relayed).toMatchObject({ eventTypeName: "HOST_DOWN", notifications: [expect.objectContaining({ typeName: "WEBHOOK" })] });
    await ws.setConfig({ relayUrl: { value: "https://relay-2.example.com/atlas/orders", secret: false } });
    const calls = await callsDuring(() => ws.ok(["up", "--yes"]));
    expect(writes(calls)).toEqual([expect.objectContaining({ path: `/api/atlas/v2/groups/${projectId}/alertConfigs/${relayed.id}` })]);
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    await ws.ok(["destroy", "--yes"]);
    expect(await configsOf(projectId)).toEqual([]);
    expect(ws.transcript.includes(relaySecret)).toBe(false);
    for (const f of ws.stateFiles()) expect({ file: f, leaked: fs.readFileSync(f, "utf8").includes(relaySecret) }).toEqual({ file: f, leaked: false });
  });

  it("every request the provider sent and every response conformed to the specs", () => {
    expect(recorder.errors()).toEqual([]);
  });
});
