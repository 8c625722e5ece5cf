import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { sandboxPerFile } from "../support/e2e-sandbox";
import { newProjectId } from "../support/sandbox-client";
import { PLUGIN_DIR, yamlProgram, yamlRef, yamlStack } from "../support/yaml-program";

// One command brings a whole project under code: the bulk import command (the plugin's
// `pagerduty-as-code-import` launcher, settings from the environment) lists a project with an
// integration and 20 alert configurations routed to it (and others it must not take), writes the
// file `pulumi import --file` takes, the real CLI imports them all and generates YAML; `up` with
// the generated code plus the key writes nothing and sends no alert.
jest.setTimeout(900_000);

const e2e = sandboxPerFile("pdac-bulk-import-");

/** The i-th configuration a person made in the project's UI, routed to the project's PagerDuty integration. */
function configuration(i: number, integrationId: string): Record<string, unknown> {
  const severity = ["INFO", "WARNING", "ERROR", "CRITICAL"][i % 4];
  const notifications = [{ typeName: "PAGER_DUTY", integrationId, region: "US", delayMin: (i % 3) * 5 }];
  const cpu = (metricName: string, threshold: number) => ({ metricName, operator: "GREATER_THAN", threshold, units: "RAW", mode: "AVERAGE" });
  switch (i % 5) {
    case 0:
      return { eventTypeName: "NO_PRIMARY", severityOverride: severity, notifications };
    case 1:
      return { eventTypeName: "PRIMARY_ELECTED", severityOverride: severity, notifications };
    case 2:
      return { eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: "GREATER_THAN", threshold: 3 + i, units: "RAW" }, notifications };
    case 3:
      return {
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        metricThreshold: cpu("NORMALIZED_SYSTEM_CPU_USER", 60 + i),
        severityOverride: severity,
        notifications,
      };
    default:
      return {
        eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
        matchers: [{ fieldName: "HOSTNAME", operator: "STARTS_WITH", value: `prod-${i}-` }],
        metricThreshold: cpu("DISK_PARTITION_SPACE_USED_DATA", 60 + i),
        notifications,
      };
  }
}

it("a project with 20 configurations: the command writes the import file, pulumi import generates YAML, up with it writes nothing and sends no alert", async () => {
  const { sb, recorder, work } = e2e;
  const projectId = newProjectId();
  const api = atlasApi(sb);
  await api.createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey("Bulk on-call")).key;
  const integrationId = await api.addPagerDutyIntegration(projectId, key);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(await api.createAlertConfig(projectId, { enabled: i !== 7, ...configuration(i, integrationId) }));
  // One that also emails: an AlertRouting would drop the email at its next update.
  const mixed = await api.createAlertConfig(projectId, {
    eventTypeName: "HOST_DOWN",
    notifications: [
      { typeName: "PAGER_DUTY", integrationId, region: "US", delayMin: 0 },
      { typeName: "EMAIL", emailAddress: "oncall@example.com", intervalMin: 5, delayMin: 0 },
    ],
  });

  const dir = path.join(work, "program");
  const ws = await yamlStack(sb, dir, yamlProgram("pdac-bulk", "resources: {}\n"), {
    projectId: { value: projectId },
    integrationKey: { value: key, secret: true },
  });

  // The command, as the plugin ships it, with the provider's settings from the environment.
  let before = recorder.exchanges.length;
  // (Run asynchronously: the sandbox answers from this process.)
  const { stdout: listed } = await promisify(execFile)(path.join(PLUGIN_DIR, "pagerduty-as-code-import"), ["--project", projectId], {
    cwd: dir,
    env: { ...process.env, ...sb.providerEnv() },
    encoding: "utf8",
  });
  expect(e2e.writesSince(before)).toEqual([]);
  expect(listed).toMatch(new RegExp(`^pagerduty-as-code-import: project ${projectId}: 21 resources to import, \\d+ skipped$`, "m"));
  expect(listed).toContain(`skip   HOST_DOWN (${mixed}): notifications besides PagerDuty (PAGER_DUTY, EMAIL)`);
  const file = JSON.parse(fs.readFileSync(path.join(dir, "import.json"), "utf8"));
  expect(file.resources.map((r: any) => r.id).sort()).toEqual([`${projectId}/PAGER_DUTY`, ...ids.map((id) => `${projectId}/${id}`)].sort());

  before = recorder.exchanges.length;
  const imported = await ws.ok(["import", "--file", "import.json", "--yes", "--out", "generated.yaml"]);
  expect(imported.stdout + imported.stderr).not.toMatch(/failed to validate|warning/);
  expect(e2e.writesSince(before)).toEqual([]);
  const generated = fs.readFileSync(path.join(dir, "generated.yaml"), "utf8");
  expect(generated.match(/type: pagerduty-as-code:AlertRouting/g)).toHaveLength(20);
  expect(generated.match(/type: pagerduty-as-code:PagerDutyIntegration/g)).toHaveLength(1);
  expect(generated).toContain("enabled: false");
  expect(generated).toContain("metricName: DISK_PARTITION_SPACE_USED_DATA");

  // The generated code with the key from secret config: the one edit the command's note asks for.
  const program = generated.replace(/integrationKey: '\*+\w{4}'/, `integrationKey: ${yamlRef("integrationKey")}`);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram("pdac-bulk", program));
  const preview = await ws.steps(["preview"]);
  expect(preview.steps).toEqual([{ op: "update", name: "pagerduty", type: "PagerDutyIntegration" }]);
  const incidents = (await pagerDutyApi(sb).allIncidents()).length;
  before = recorder.exchanges.length;
  await ws.ok(["up", "--yes"]);
  expect(e2e.writesSince(before)).toEqual([]);
  expect((await pagerDutyApi(sb).allIncidents()).length).toBe(incidents);
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  await ws.ok(["up", "--yes", "--expect-no-changes"]);
  for (const f of ws.stateFiles()) expect(fs.readFileSync(f, "utf8").includes(key)).toBe(false);
  expect(ws.transcript.includes(key)).toBe(false);
  expect(recorder.errors()).toEqual([]);
});
