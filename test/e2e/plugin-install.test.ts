import * as fs from "node:fs";
import * as path from "node:path";
import { packPlugin } from "../../scripts/pack-plugin";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { sandboxPerFile } from "../support/e2e-sandbox";
import { repoRoot } from "../support/provider-host";
import { newProjectId } from "../support/sandbox-client";
import { PLUGIN_DIR, yamlProgram, yamlStack } from "../support/yaml-program";

// The plugin as a user installs it: its self-contained tarball (what `npm run pack` writes),
// `pulumi plugin install resource pagerduty-as-code <version> --file <tarball>` into the
// workspace's own Pulumi home, and a YAML program in a temporary directory that names no plugin
// path: the engine finds the plugin only through that install, and the plugin runs only on what
// the tarball holds (its folder is outside the repository, so no node_modules of ours is reachable).
jest.setTimeout(600_000);

const e2e = sandboxPerFile("pdac-plugin-install-");

it("pulumi plugin install --file of the tarball; a YAML program outside the repository finds it there: up, refresh, destroy", async () => {
  const { sb, recorder, work } = e2e;
  expect(path.relative(repoRoot, work).startsWith("..")).toBe(true);
  const { tarball } = packPlugin(PLUGIN_DIR, path.join(work, "tarballs"));
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey("Installed plugin on-call")).key;
  const resources = `resources:
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
outputs:
  alertConfigId: \${no-primary.alertConfigId}
`;
  const program = yamlProgram("pdac-installed", resources, "installed");
  expect(program).not.toContain("plugins:");
  // No plugin on PATH either (npm run puts the workspace's node_modules/.bin there, which links the plugin's launcher).
  const launcher = "pulumi-resource-pagerduty-as-code";
  const pathDirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d && !fs.existsSync(path.join(d, launcher)));
  const ws = await yamlStack(
    sb,
    path.join(work, "program"),
    program,
    { projectId: { value: projectId }, integrationKey: { value: key, secret: true } },
    { PATH: pathDirs.join(path.delimiter), PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
  );
  const home = ws.env.PULUMI_HOME!;
  expect(home.startsWith(work)).toBe(true);

  await ws.ok(["plugin", "install", "resource", "pagerduty-as-code", "0.2.0", "--file", tarball]);
  const installed = JSON.parse((await ws.ok(["plugin", "ls", "--json"])).stdout);
  expect(installed).toEqual([expect.objectContaining({ name: "pagerduty-as-code", kind: "resource", version: "0.2.0" })]);
  const pluginDir = path.join(home, "plugins", "resource-pagerduty-as-code-v0.2.0");
  expect(fs.existsSync(path.join(pluginDir, "pulumi-resource-pagerduty-as-code"))).toBe(true);
  expect(fs.existsSync(path.join(pluginDir, "node_modules/@grpc/grpc-js/package.json"))).toBe(true);

  const up = await ws.steps(["up", "--yes"]);
  expect(up.steps.filter((s) => s.type !== "Stack")).toEqual([
    { op: "create", name: "no-primary", type: "AlertRouting" },
    { op: "create", name: "pd", type: "PagerDutyIntegration" },
  ]);
  const alertConfigId = (await ws.outputs()).alertConfigId;
  const live: any = await (await atlasApi(sb).call("GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${alertConfigId}`)).json();
  expect(live).toMatchObject({ eventTypeName: "NO_PRIMARY", severityOverride: "CRITICAL", notifications: [{ typeName: "PAGER_DUTY" }] });
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  // The resources' provider is the plugin's default provider (the installed one: no other is reachable).
  const state = (await ws.exportState()).deployment.resources;
  expect(state.filter((r: any) => r.type === "pulumi:providers:pagerduty-as-code")).toHaveLength(1);

  await ws.ok(["destroy", "--yes"]);
  expect(await atlasApi(sb).integration(projectId)).toBeUndefined();
  // And without the install, the program has no plugin to run on.
  await ws.ok(["plugin", "rm", "resource", "pagerduty-as-code", "--all", "--yes"]);
  const missing = await ws.run(["preview"]);
  expect(missing.code).not.toBe(0);
  expect(missing.stdout + missing.stderr).toMatch(/pagerduty-as-code/);
  expect(ws.transcript.includes(key)).toBe(false);
  expect(recorder.errors()).toEqual([]);
});
