import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runImportCommand } from "../../provider/import/cli";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";

// The bulk import command (pagerduty-as-code-import, provider/import/cli.ts) against the sandbox's
// project API: what it writes for `pulumi import --file`, what it skips and why, where its settings
// come from, and its errors. It only reads. The CLI's import of what it writes: test/e2e/bulk-import.test.ts.

let sb: Sandbox;
let recorder: ConformanceRecorder;
let work: string;
const projectId = newProjectId();
let configs: Record<string, string>;

function io(env: NodeJS.ProcessEnv) {
  const out = { stdout: "", stderr: "" };
  return { out, io: { env, cwd: work, stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
}

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-bulk-"));
  const api = atlasApi(sb);
  await api.createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey("Bulk on-call")).key;
  const integrationId = await api.addPagerDutyIntegration(projectId, key);
  const create = (body: Record<string, unknown>) => api.createAlertConfig(projectId, body);
  const pd = { typeName: "PAGER_DUTY", integrationId, region: "US", delayMin: 0 };
  configs = {
    routed: await create({ eventTypeName: "NO_PRIMARY", severityOverride: "CRITICAL", notifications: [pd] }),
    relayed: await create({
      eventTypeName: "PRIMARY_ELECTED",
      notifications: [{ typeName: "WEBHOOK", webhookUrl: "https://relay.example.com/atlas/webhook", webhookSecret: "relay-secret-0123456789", delayMin: 0 }],
    }),
    mixed: await create({
      eventTypeName: "HOST_DOWN",
      notifications: [pd, { typeName: "EMAIL", emailAddress: "oncall@example.com", intervalMin: 5, delayMin: 0 }],
    }),
    ownKey: await create({
      eventTypeName: "TOO_MANY_ELECTIONS",
      threshold: { operator: "GREATER_THAN", threshold: 3, units: "RAW" },
      notifications: [{ typeName: "PAGER_DUTY", serviceKey: key, region: "US", delayMin: 0 }],
    }),
  };
});

afterAll(async () => {
  await sb?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

it("writes the integration and the configurations a routing can own; lists the others as skipped with the reason; reads only", async () => {
  const { out, io: cmd } = io(sb.providerEnv());
  const before = recorder.exchanges.length;
  expect(await runImportCommand(["--project", projectId, "--out", "project.json"], cmd)).toBe(0);
  expect(recorder.exchanges.slice(before).filter((e) => e.method !== "GET" && !(e.method === "POST" && e.path === "/api/oauth/token"))).toEqual([]);

  const file = JSON.parse(fs.readFileSync(path.join(work, "project.json"), "utf8"));
  expect(Object.keys(file)).toEqual(["resources"]);
  expect(file.resources).toEqual([
    { type: "pagerduty-as-code:index:PagerDutyIntegration", name: "pagerduty", id: `${projectId}/PAGER_DUTY` },
    { type: "pagerduty-as-code:index:AlertRouting", name: `no-primary-${configs.routed.slice(-6)}`, id: `${projectId}/${configs.routed}` },
    { type: "pagerduty-as-code:index:AlertRouting", name: `primary-elected-${configs.relayed.slice(-6)}`, id: `${projectId}/${configs.relayed}` },
  ]);
  expect(out.stdout).toContain(`skip   HOST_DOWN (${configs.mixed}): notifications besides PagerDuty (PAGER_DUTY, EMAIL)`);
  expect(out.stdout).toContain(`skip   TOO_MANY_ELECTIONS (${configs.ownKey}): its PagerDuty notification carries its own key`);
  // The project's other configurations (Atlas's defaults) notify elsewhere.
  expect(out.stdout).toMatch(/skip {3}\w+ \([0-9a-f]{24}\): not routed to PagerDuty \(notifications: /);
  expect(out.stdout).toContain("wrote project.json; next, in the program's directory: pulumi import --file project.json");
  expect(out.stdout).toMatch(/then, in the generated code of pagerduty: set integrationKey to the key the project uses/);
  expect(out.stdout).toMatch(new RegExp(`then, in the generated code of primary-elected-${configs.relayed.slice(-6)}: set relayUrl and relaySecret`));
  expect(out.stderr).toBe("");
  expect(out.stdout).not.toContain(sb.credentials.clientSecret);
  expect(recorder.errors()).toEqual([]);
});

it("takes settings that are not secret as flags named as their config keys (over the environment)", async () => {
  const { MONGODB_ATLAS_BASE_URL, ...env } = sb.providerEnv();
  const { out, io: cmd } = io({ ...env, MONGODB_ATLAS_BASE_URL: "http://127.0.0.1:9" });
  expect(await runImportCommand(["--project", projectId, "--atlasBaseUrl", MONGODB_ATLAS_BASE_URL], cmd)).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(work, "import.json"), "utf8")).resources).toHaveLength(3);
  expect(out.stdout).toContain("wrote import.json");
});

it.each([
  [[], /--project is required/, 2],
  [["--project", "nope"], /--project "nope" is not a project id: 24 lowercase hexadecimal characters/, 2],
  [
    ["--project", projectId, "--atlasClientSecret", "s3cr3t-value"],
    /--atlasClientSecret is a secret: set the environment variable MONGODB_ATLAS_CLIENT_SECRET instead/,
    2,
  ],
  [["--project", projectId, "--atlasBaseUrl", "ftp://x"], /pagerduty-as-code:atlasBaseUrl \(or MONGODB_ATLAS_BASE_URL\) must be an absolute http\(s\) URL/, 1],
  [["--project", projectId, "--verbose"], /Unknown option '--verbose'[\s\S]*usage: pagerduty-as-code-import/, 2],
] as Array<[string[], RegExp, number]>)("%j is refused with the fix", async (args, message, code) => {
  const { out, io: cmd } = io(sb.providerEnv());
  expect(await runImportCommand(args, cmd)).toBe(code);
  expect(out.stderr).toMatch(message);
  expect(out.stderr).not.toContain("s3cr3t-value");
});

it("without credentials, names the settings to set", async () => {
  const { out, io: cmd } = io({ MONGODB_ATLAS_BASE_URL: sb.atlasUrl });
  expect(await runImportCommand(["--project", projectId], cmd)).toBe(1);
  expect(out.stderr).toMatch(/no project API credentials configured: set pagerduty-as-code:atlasClientId .*MONGODB_ATLAS_\* environment variables/);
});
