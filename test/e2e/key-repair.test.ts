import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { integrationState, stackFactory } from "../support/e2e-stack";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";

// A new user's repair, with the real CLI: the integration's key is changed by
// hand in the project; `pulumi refresh` shows it and sets keyConfirmed false;
// `pulumi up` puts the key back and keyConfirmed reads true again (the README:
// a confirmed key reads true). For both forms: the key the provider got from
// PagerDuty for pagerdutyServiceId, and a key given in the program (confirmed
// through the PagerDuty REST API again).
jest.setTimeout(600_000);

const programDir = path.resolve(__dirname, "program").replace(`${path.sep}dist${path.sep}`, path.sep);
let sb: Sandbox;
let recorder: ConformanceRecorder;
let service: { serviceId: string; key: string };
let strangerKey: string;
const stacks = stackFactory(() => sb, programDir);

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  service = await pagerDutyApi(sb).serviceWithKey("Database on-call");
  strangerKey = (await pagerDutyApi(sb).serviceWithKey("Someone else")).key;
});

afterAll(async () => {
  await sb?.close();
  stacks.cleanup();
  expect(recorder.errors()).toEqual([]);
});

/** The PagerDuty REST lookups of services since exchange `from` (how a key given in the program is confirmed). */
const serviceLookups = (from: number) =>
  recorder.exchanges.slice(from).filter((e) => e.service === "pagerduty-rest" && e.method === "GET" && e.path.startsWith("/services"));

describe.each<[string, () => Record<string, string>]>([
  ["made from pagerdutyServiceId", () => ({ pagerdutyServiceId: service.serviceId })],
  ["given integrationKey in the program", () => ({ integrationKey: service.key })],
])("an integration %s, its key changed by hand", (form, config) => {
  it("refresh shows the change and keyConfirmed false; up repairs the key and keyConfirmed is true", async () => {
    const projectId = newProjectId();
    await atlasApi(sb).createProject(projectId);
    const ws = await stacks.stack({ projectId, ...config() });
    await ws.ok(["up", "--yes"]);
    expect((await ws.outputs()).keyConfirmed).toBe(true);
    const ours = (await atlasApi(sb).integration(projectId)).serviceKey.slice(-4);

    await atlasApi(sb).replaceIntegration(projectId, { type: "PAGER_DUTY", serviceKey: strangerKey, region: "US" });
    const refresh = await ws.run(["refresh", "--yes", "--expect-no-changes", "--diff"]);
    expect(refresh.code).not.toBe(0);
    expect(refresh.stdout).toMatch(/keyLast4/);
    expect(refresh.stdout).toMatch(/keyConfirmed\s*:\s*true\s*=>\s*false/);
    expect(await integrationState(ws)).toMatchObject({ keyConfirmed: false, keyLast4: strangerKey.slice(-4) });

    const before = recorder.exchanges.length;
    await ws.ok(["up", "--yes"]);
    expect((await ws.outputs()).keyConfirmed).toBe(true);
    expect(await integrationState(ws)).toMatchObject({ keyConfirmed: true, keyLast4: ours });
    expect((await atlasApi(sb).integration(projectId)).serviceKey.slice(-4)).toBe(ours);
    if (form.startsWith("given")) expect(serviceLookups(before).length).toBeGreaterThan(0);
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    await ws.ok(["destroy", "--yes"]);
  });
});
