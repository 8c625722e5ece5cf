import * as fs from "node:fs";
import * as path from "node:path";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { FAST_RETRY } from "../support/harness";
import { compileProgram, installNodeSdk } from "../support/node-sdk";
import { sandboxPerFile } from "../support/e2e-sandbox";
import { newProjectId } from "../support/sandbox-client";
import { PLUGIN_DIR } from "../support/yaml-program";

// A stack made by the dynamic classes (`pagerduty-as-code`) moves to the provider plugin, through
// the generated Node.js SDK (`@pagerduty-as-code/pulumi`), without replacing anything in the project
// API or PagerDuty, by either path the README documents:
//   1. aliases: the same program on the plugin's classes, each resource aliased to its dynamic type;
//      one `pulumi up` moves them (the engine's step is "same": the plugin's diff sees no change);
//   2. `pulumi state delete` of the dynamic resources, `pulumi import` of the same ids through the
//      plugin, then `pulumi up` on the plugin's classes: a state-only update of the key.
// Both: no write to the project API or PagerDuty, no alert, and the stack then refreshes clean.
jest.setTimeout(900_000);

const e2e = sandboxPerFile("pdac-migrate-");
beforeAll(() => installNodeSdk(e2e.work));

const CPU = `{ metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" }`;

/** The program on the dynamic classes, as it runs today. */
const DYNAMIC = `import * as pulumi from "@pulumi/pulumi";
import { AlertRouting, PagerDutyIntegration } from "pagerduty-as-code";

const config = new pulumi.Config();
const pd = new PagerDutyIntegration("pd", { projectId: config.require("projectId"), integrationKey: config.requireSecret("integrationKey") });
new AlertRouting("no-primary", { integration: pd, eventTypeName: "NO_PRIMARY", severity: "CRITICAL" });
new AlertRouting("cpu", { integration: pd, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: ${CPU}, severity: "WARNING", delayMin: 10 });
export const integrationId = pd.integrationId;
`;

/** The same program on the generated SDK (what the README shows); `aliases`: each resource names the dynamic type it had. */
function pluginProgram(opts: { aliases: boolean; cpuSeverity?: string }): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as pdac from "@pagerduty-as-code/pulumi";

const config = new pulumi.Config();
const moved = (type: string): pulumi.CustomResourceOptions => (${opts.aliases ? '{ aliases: [{ type: "pulumi-nodejs:dynamic/pdac:" + type }] }' : "{}"});
const pd = new pdac.PagerDutyIntegration(
  "pd",
  { projectId: config.require("projectId"), integrationKey: config.requireSecret("integrationKey") },
  moved("PagerDutyIntegration"),
);
// The dynamic classes' \`integration\` argument, spelled out.
const integration = { projectId: pd.projectId, integrationInstanceId: pd.instanceId, region: pd.region };
new pdac.AlertRouting("no-primary", { ...integration, eventTypeName: "NO_PRIMARY", severity: "CRITICAL" }, moved("AlertRouting"));
new pdac.AlertRouting(
  "cpu",
  { ...integration, eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: ${CPU}, severity: "${opts.cpuSeverity ?? "WARNING"}", delayMin: 10 },
  moved("AlertRouting"),
);
export const integrationId = pd.integrationId;
`;
}

function writeProgram(dir: string, source: string): void {
  fs.mkdirSync(dir, { recursive: true });
  // The plugin by its folder here; a user installs it from its tarball (test/e2e/plugin-install.test.ts).
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: pdac-migrate\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\nplugins:\n  providers:\n    - name: pagerduty-as-code\n      path: ${PLUGIN_DIR}\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), source);
  compileProgram(dir);
}

/** A stack on the dynamic classes, up: an integration and two routings; settings under both namespaces (the plugin reads pagerduty-as-code:*). */
async function dynamicStack(name: string): Promise<{ ws: PulumiWorkspace; dir: string; projectId: string; key: string; ids: Record<string, string> }> {
  const { sb, work } = e2e;
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey(`Migrated on-call ${name}`)).key;
  const dir = path.join(work, name);
  writeProgram(dir, DYNAMIC);
  const ws = new PulumiWorkspace({ programDir: dir, stateDir: path.join(work, `${name}-state`), stack: "dev", passphrase: "e2e-passphrase" });
  await ws.initStack();
  const settings = Object.entries({ ...sb.providerConfig(), ...FAST_RETRY }).flatMap(([k, v]) =>
    [k, k.replace(/^pdac:/, "pagerduty-as-code:")].map((setting) => [setting, { value: v, secret: /Secret|Token/.test(setting) }]),
  );
  await ws.setConfig({ ...Object.fromEntries(settings), projectId: { value: projectId }, integrationKey: { value: key, secret: true } });
  await ws.ok(["up", "--yes"]);
  const resources = (await ws.exportState()).deployment.resources;
  const ids = Object.fromEntries(
    resources.filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic/pdac:")).map((r: any) => [r.urn.split("::").pop(), r.id]),
  );
  expect(Object.keys(ids).sort()).toEqual(["cpu", "no-primary", "pd"]);
  return { ws, dir, projectId, key, ids };
}

/** Our resources in the stack's state: type and provider package by name. */
async function owners(ws: PulumiWorkspace): Promise<Record<string, string>> {
  const resources = (await ws.exportState()).deployment.resources.filter((r: any) => !r.type.startsWith("pulumi:"));
  return Object.fromEntries(resources.map((r: any) => [r.urn.split("::").pop(), `${r.type} by ${String(r.provider).split("::")[2]}`]));
}

const ON_PLUGIN = {
  pd: "pagerduty-as-code:index:PagerDutyIntegration by pulumi:providers:pagerduty-as-code",
  "no-primary": "pagerduty-as-code:index:AlertRouting by pulumi:providers:pagerduty-as-code",
  cpu: "pagerduty-as-code:index:AlertRouting by pulumi:providers:pagerduty-as-code",
};

it("aliases: one pulumi up moves every resource to the plugin (the engine's step is same), writes nothing, sends no alert", async () => {
  const { ws, dir, projectId, key, ids } = await dynamicStack("aliases");
  const { sb, recorder, writesSince } = e2e;
  const incidents = (await pagerDutyApi(sb).allIncidents()).length;

  writeProgram(dir, pluginProgram({ aliases: true }));
  const preview = await ws.run(["preview", "--diff", "--show-sames"]);
  expect(preview.code).toBe(0);
  // Each resource: same, its provider changing from the dynamic provider to the plugin.
  for (const name of ["pd", "no-primary", "cpu"])
    expect(preview.stdout).toMatch(new RegExp(`\\[urn=urn:pulumi:dev::pdac-migrate::pagerduty-as-code:index:\\w+::${name}\\]`));
  expect(
    preview.stdout.match(
      /\[provider: urn:pulumi:dev::pdac-migrate::pulumi:providers:pulumi-nodejs::default::[\w-]+ => urn:pulumi:dev::pdac-migrate::pulumi:providers:pagerduty-as-code::default_0_2_0::/g,
    ),
  ).toHaveLength(3);
  expect(preview.stdout).not.toMatch(/\b(create|replace|delete|update)\b.*pagerduty-as-code:index/);

  const before = recorder.exchanges.length;
  const up = await ws.steps(["up", "--yes"]);
  expect(up.steps.filter((s) => s.type !== "Stack")).toEqual([]);
  expect(writesSince(before)).toEqual([]);
  expect((await pagerDutyApi(sb).allIncidents()).length).toBe(incidents);
  expect(await owners(ws)).toEqual(ON_PLUGIN);
  const moved = (await ws.exportState()).deployment.resources.filter((r: any) => !r.type.startsWith("pulumi:"));
  expect(Object.fromEntries(moved.map((r: any) => [r.urn.split("::").pop(), r.id]))).toEqual(ids);
  expect((await ws.exportState()).deployment.resources.filter((r: any) => r.type === "pulumi:providers:pulumi-nodejs")).toEqual([]);

  // From now on the plugin owns them: refresh is clean, the aliases can go, and a change goes through the plugin.
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  writeProgram(dir, pluginProgram({ aliases: false }));
  await ws.ok(["preview", "--expect-no-changes"]);
  writeProgram(dir, pluginProgram({ aliases: false, cpuSeverity: "ERROR" }));
  const change = await ws.steps(["up", "--yes"]);
  expect(change.steps).toEqual([{ op: "update", name: "cpu", type: "AlertRouting" }]);
  const cpu = (await atlasApi(sb).alertConfigs(projectId)).find((c) => c.id === ids.cpu.split("/")[1]);
  expect(cpu.severityOverride).toBe("ERROR");
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  for (const f of ws.stateFiles()) expect(fs.readFileSync(f, "utf8").includes(key)).toBe(false);
  expect(ws.transcript.includes(key)).toBe(false);
  expect(recorder.errors()).toEqual([]);
});

it("pulumi state delete + pulumi import by the plugin's ids, then up on the plugin's classes: a state-only update, no write, no alert", async () => {
  const { ws, dir, key, ids } = await dynamicStack("import");
  const { sb, recorder, writesSince } = e2e;
  const incidents = (await pagerDutyApi(sb).allIncidents()).length;
  let before = recorder.exchanges.length;

  // Out of the state (nothing is deleted: `state delete` never calls the provider), dependents first.
  for (const name of ["cpu", "no-primary", "pd"]) {
    const type = name === "pd" ? "PagerDutyIntegration" : "AlertRouting";
    await ws.ok(["state", "delete", `urn:pulumi:dev::pdac-migrate::pulumi-nodejs:dynamic/pdac:${type}::${name}`, "--yes"]);
  }
  // Into it again through the plugin, under the same names, by the same ids (the Node.js language host here generates no code).
  fs.writeFileSync(
    path.join(dir, "import.json"),
    JSON.stringify({
      resources: Object.entries(ids).map(([name, id]) => ({
        type: `pagerduty-as-code:index:${name === "pd" ? "PagerDutyIntegration" : "AlertRouting"}`,
        name,
        id,
      })),
    }),
  );
  await ws.ok(["import", "--file", "import.json", "--yes", "--generate-code=false"]);
  expect(await owners(ws)).toEqual(ON_PLUGIN);

  writeProgram(dir, pluginProgram({ aliases: false }));
  // The key: the project API returns it redacted, the program has it; same length and last 4 characters: adopted, state only.
  const preview = await ws.steps(["preview"]);
  expect(preview.steps).toEqual([{ op: "update", name: "pd", type: "PagerDutyIntegration" }]);
  await ws.ok(["up", "--yes"]);
  expect(writesSince(before)).toEqual([]);
  expect((await pagerDutyApi(sb).allIncidents()).length).toBe(incidents);
  before = recorder.exchanges.length;
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  await ws.ok(["up", "--yes", "--expect-no-changes"]);
  expect(writesSince(before)).toEqual([]);
  expect((await ws.exportState()).deployment.resources.filter((r: any) => r.type === "pulumi:providers:pulumi-nodejs")).toEqual([]);
  for (const f of ws.stateFiles()) expect(fs.readFileSync(f, "utf8").includes(key)).toBe(false);
  expect(ws.transcript.includes(key)).toBe(false);
  expect(recorder.errors()).toEqual([]);
});
