import * as fs from "node:fs";
import * as path from "node:path";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { sandboxPerFile } from "../support/e2e-sandbox";
import { newProjectId } from "../support/sandbox-client";
import { yamlProgram, yamlRef, yamlStack } from "../support/yaml-program";

// `pulumi import` through the plugin: an integration and a routing made outside
// Pulumi, imported with YAML code generation; then `up` with the generated
// code plus the key writes nothing and sends no alert.
jest.setTimeout(600_000);

const e2e = sandboxPerFile("pdac-import-");

/** A PagerDuty integration and a NO_PRIMARY configuration made outside Pulumi, as a person makes them in the project's UI. */
async function madeByHand(projectId: string, key: string): Promise<{ integrationId: string; configId: string }> {
  const api = atlasApi(e2e.sb);
  const integrationId = await api.addPagerDutyIntegration(projectId, key);
  const configId = await api.createAlertConfig(projectId, {
    eventTypeName: "NO_PRIMARY",
    severityOverride: "CRITICAL",
    notifications: [{ typeName: "PAGER_DUTY", integrationId, region: "US", delayMin: 0 }],
  });
  return { integrationId, configId };
}

it("pulumi import of an integration and a routing made outside Pulumi generates YAML; up with it plus the key writes nothing and sends no alert", async () => {
  const { sb, recorder, work } = e2e;
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey("Imported on-call")).key;
  const { integrationId, configId } = await madeByHand(projectId, key);
  const dir = path.join(work, "import");
  const ws = await yamlStack(sb, dir, yamlProgram("pdac-import", "resources: {}\n"), {
    projectId: { value: projectId },
    integrationKey: { value: key, secret: true },
  });
  // The file `pulumi import --file` takes (the bulk import writes the same shape).
  fs.writeFileSync(
    path.join(dir, "import.json"),
    JSON.stringify({
      resources: [
        { type: "pagerduty-as-code:index:PagerDutyIntegration", name: "pd", id: `${projectId}/PAGER_DUTY` },
        { type: "pagerduty-as-code:index:AlertRouting", name: "no-primary", id: `${projectId}/${configId}` },
      ],
    }),
  );
  let before = recorder.exchanges.length;
  const imported = await ws.ok(["import", "--file", "import.json", "--yes", "--out", "generated.yaml"]);
  expect(imported.stdout + imported.stderr).not.toMatch(/failed to validate|warning/);
  expect(recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service !== "sandbox")).toEqual([]);
  const generated = fs.readFileSync(path.join(dir, "generated.yaml"), "utf8");
  expect(generated).toContain("type: pagerduty-as-code:PagerDutyIntegration");
  expect(generated).toContain("type: pagerduty-as-code:AlertRouting");
  expect(generated).toContain(`integrationInstanceId: imported-${integrationId}`);
  expect(generated).toMatch(new RegExp(`integrationKey: '\\*{28}${key.slice(-4)}'`));
  expect(generated).toMatch(/severity: CRITICAL/);

  // The generated code into the program, with the key from secret config and the routing pointing at the integration.
  const program = generated
    .replace(/integrationKey: '\*+\w{4}'/, `integrationKey: ${yamlRef("integrationKey")}`)
    .replace(/integrationInstanceId: imported-\w+/, `integrationInstanceId: ${yamlRef("pd.instanceId")}`);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram("pdac-import", program));
  const preview = await ws.steps(["preview"]);
  expect(preview.steps).toEqual([{ op: "update", name: "pd", type: "PagerDutyIntegration" }]);
  const incidents = (await pagerDutyApi(sb).allIncidents()).length;
  before = recorder.exchanges.length;
  await ws.ok(["up", "--yes"]);
  // A state-only update: no write to the project API or PagerDuty, no alert.
  expect(recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && e.service !== "sandbox")).toEqual([]);
  expect((await pagerDutyApi(sb).allIncidents()).length).toBe(incidents);
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  await ws.ok(["up", "--yes", "--expect-no-changes"]);
  const state = (await ws.exportState()).deployment.resources.find((r: any) => r.type === "pagerduty-as-code:index:PagerDutyIntegration");
  expect(state.outputs.integrationKey.ciphertext).toBeDefined();
  for (const f of ws.stateFiles()) expect(fs.readFileSync(f, "utf8").includes(key)).toBe(false);
  expect(ws.transcript.includes(key)).toBe(false);
  expect(recorder.errors()).toEqual([]);
});
