import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";
import { yamlProgram, yamlStack } from "../support/yaml-program";

// A YAML program (the real YAML language host) through the provider plugin
// (packages/pulumi-resource-pagerduty-as-code, as staged by the build) with the
// real CLI on the sandbox. The plugin's settings come from secret stack config
// only (pagerduty-as-code:*): the environment holds none of them.
jest.setTimeout(600_000);

let sb: Sandbox;
let recorder: ConformanceRecorder;
let work: string;
let key: string;

function routings(cpuSeverity: string, delay: number): string {
  return `resources:
  pd:
    type: pagerduty-as-code:index:PagerDutyIntegration
    properties:
      projectId: \${projectId}
      integrationKey: \${integrationKey}
  no-primary:
    type: pagerduty-as-code:index:AlertRouting
    properties:
      projectId: \${pd.projectId}
      integrationInstanceId: \${pd.instanceId}
      region: \${pd.region}
      eventTypeName: NO_PRIMARY
      severity: CRITICAL
  cpu:
    type: pagerduty-as-code:index:AlertRouting
    properties:
      projectId: \${pd.projectId}
      integrationInstanceId: \${pd.instanceId}
      region: \${pd.region}
      eventTypeName: OUTSIDE_METRIC_THRESHOLD
      metricThreshold:
        metricName: NORMALIZED_SYSTEM_CPU_USER
        operator: ">"
        threshold: 90
        units: RAW
      severity: ${cpuSeverity}
      delayMin: ${delay}
  elections:
    type: pagerduty-as-code:index:AlertRouting
    properties:
      projectId: \${pd.projectId}
      integrationInstanceId: \${pd.instanceId}
      region: \${pd.region}
      eventTypeName: TOO_MANY_ELECTIONS
      threshold:
        operator: ">"
        threshold: 3
        units: RAW
outputs:
  integrationId: \${pd.integrationId}
  keyLast4: \${pd.keyLast4}
  integrationKey: \${pd.integrationKey}
`;
}

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-yaml-"));
  key = (await pagerDutyApi(sb).serviceWithKey("Database on-call")).key;
});

afterAll(async () => {
  await sb?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The changed properties of each resource in a `--json` preview or update, by resource name. */
function changedKeys(doc: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const parsed = JSON.parse(doc);
  for (const step of parsed.steps ?? []) {
    if (step.op === "same") continue;
    const name = String(step.urn).split("::").pop()!;
    out[name] = [...(step.diffReasons ?? [])].sort();
  }
  return out;
}

describe("a YAML program through the provider plugin", () => {
  it("up, refresh --expect-no-changes, a change previewed exactly as up makes it, drift shown by refresh, destroy; secrets secret throughout", async () => {
    const projectId = newProjectId();
    await atlasApi(sb).createProject(projectId);
    const dir = path.join(work, "yaml");
    const ws = await yamlStack(sb, dir, yamlProgram("pdac-yaml", routings("WARNING", 0)), {
      projectId: { value: projectId },
      integrationKey: { value: key, secret: true },
    });

    await ws.ok(["up", "--yes"]);
    const configs = await atlasApi(sb).pagerDutyConfigs(projectId);
    expect(configs.map((c) => c.eventTypeName).sort()).toEqual(["NO_PRIMARY", "OUTSIDE_METRIC_THRESHOLD", "TOO_MANY_ELECTIONS"]);
    const integration = await atlasApi(sb).integration(projectId);
    expect(integration).toMatchObject({ type: "PAGER_DUTY", serviceKey: "*".repeat(28) + key.slice(-4) });
    for (const c of configs) expect(c.notifications).toEqual([expect.objectContaining({ typeName: "PAGER_DUTY", integrationId: integration.id })]);
    // (--show-secrets prints the key on purpose: that call is left out of the transcript searched below.)
    const printed = ws.transcript;
    const outputs = await ws.outputs();
    ws.transcript = printed;
    expect(outputs).toMatchObject({ integrationId: integration.id, keyLast4: key.slice(-4), integrationKey: key });
    // Outputs are secret where the schema says so: without --show-secrets the key is hidden.
    const shown = await ws.ok(["stack", "output", "--json"]);
    expect(JSON.parse(shown.stdout).integrationKey).toBe("[secret]");

    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);

    // A change: the preview names exactly the properties up then changes, and only on the resource changed.
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram("pdac-yaml", routings("CRITICAL", 5)));
    const preview = await ws.ok(["preview", "--json", "--diff"]);
    expect(changedKeys(preview.stdout)).toEqual({ cpu: ["delayMin", "severity"] });
    const before = recorder.exchanges.length;
    const up = await ws.steps(["up", "--yes"]);
    expect(up.steps).toEqual([{ op: "update", name: "cpu", type: "AlertRouting" }]);
    const writes = recorder.exchanges.slice(before).filter((e) => e.service !== "sandbox" && e.method !== "GET");
    expect(writes.map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{24}/g, "<id>")}`)).toEqual(["PUT /api/atlas/v2/groups/<id>/alertConfigs/<id>"]);
    const cpu = (await atlasApi(sb).pagerDutyConfigs(projectId)).find((c) => c.eventTypeName === "OUTSIDE_METRIC_THRESHOLD");
    expect(cpu).toMatchObject({ severityOverride: "CRITICAL", notifications: [expect.objectContaining({ delayMin: 5 })] });

    // Drift: a routing disabled by hand shows in refresh, and up puts it back.
    const elections = (await atlasApi(sb).pagerDutyConfigs(projectId)).find((c) => c.eventTypeName === "TOO_MANY_ELECTIONS");
    await atlasApi(sb).setAlertConfigEnabled(projectId, elections.id, false);
    const drift = await ws.run(["refresh", "--yes", "--expect-no-changes", "--diff"]);
    expect(drift.code).not.toBe(0);
    expect(drift.stdout).toMatch(/enabled/);
    await ws.ok(["up", "--yes"]);
    expect((await atlasApi(sb).pagerDutyConfigs(projectId)).find((c) => c.id === elections.id)).toMatchObject({ enabled: true });
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);

    await ws.ok(["destroy", "--yes"]);
    expect(await atlasApi(sb).integration(projectId)).toBeUndefined();
    expect(await atlasApi(sb).pagerDutyConfigs(projectId)).toEqual([]);
    expect((await pagerDutyApi(sb).allIncidents()).filter((i) => i.status !== "resolved")).toEqual([]);

    // Secrets: never in what the CLI printed, never in plain text in any state, history or backup file.
    for (const s of [key, sb.credentials.clientSecret, sb.pagerdutyToken]) {
      expect(ws.transcript.includes(s)).toBe(false);
      for (const f of ws.stateFiles()) expect(fs.readFileSync(f, "utf8").includes(s)).toBe(false);
    }
    expect(recorder.errors()).toEqual([]);
  });
});
