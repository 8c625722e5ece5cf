import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import type { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";
import { integrationState, stackFactory } from "../support/e2e-stack";

// An exact preview: for each change a reviewer may read in a preview, the
// resources `pulumi preview` lists are exactly those `pulumi up` then changes.
jest.setTimeout(600_000);

const programDir = path.resolve(__dirname, "program").replace(`${path.sep}dist${path.sep}`, path.sep);
let sb: Sandbox;
let recorder: ConformanceRecorder;
let key: string;
let otherKey: string;
let euKey: string;
const stacks = stackFactory(() => sb, programDir);

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  key = (await pagerDutyApi(sb).serviceWithKey("Database on-call")).key;
  otherKey = (await pagerDutyApi(sb).serviceWithKey("Someone else")).key;
  euKey = (await pagerDutyApi(sb, "EU").serviceWithKey("Database on-call EU")).key;
});

afterAll(async () => {
  await sb?.close();
  stacks.cleanup();
});

async function project(): Promise<string> {
  const id = newProjectId();
  await atlasApi(sb).createProject(id);
  return id;
}

/** Preview, then up: both must list the same steps; returns them. */
async function previewThenUp(ws: PulumiWorkspace): Promise<Array<{ op: string; name: string }>> {
  const preview = await ws.steps(["preview"]);
  const up = await ws.steps(["up", "--yes", "--skip-preview"]);
  expect({ preview: preview.steps }).toEqual({ preview: up.steps });
  return up.steps.map(({ op, name }) => ({ op, name }));
}

describe("pulumi preview lists exactly what pulumi up changes", () => {
  it.each<[string, (ws: PulumiWorkspace, projectId: string) => Promise<unknown>, Array<{ op: string; name: string }>]>([
    ["key changed in the program", (ws) => ws.setConfig({ integrationKey: { value: otherKey, secret: true } }), [{ op: "update", name: "pd" }]],
    [
      "key changed by hand, then refreshed",
      async (ws, p) => {
        await atlasApi(sb).replaceIntegration(p, { type: "PAGER_DUTY", serviceKey: otherKey, region: "US" });
        expect((await ws.run(["refresh", "--yes", "--expect-no-changes"])).code).not.toBe(0);
        expect((await integrationState(ws)).keyConfirmed).toBe(false);
      },
      [{ op: "update", name: "pd" }],
    ],
    [
      "region changed in the program (the routings' notifications carry the region)",
      (ws) => ws.setConfig({ region: { value: "EU" }, integrationKey: { value: euKey, secret: true } }),
      [
        { op: "update", name: "cpu" },
        { op: "update", name: "no-primary" },
        { op: "update", name: "pd" },
      ],
    ],
    [
      "project changed in the program (everything is replaced, the integration deleted first)",
      async (ws) => ws.setConfig({ projectId: { value: await project() } }),
      ["cpu", "no-primary", "pd"].map((name) => ({ op: "replace", name })),
    ],
    [
      "integration deleted by hand, then refreshed (created anew; the routings re-point their notifications)",
      async (ws, p) => {
        await atlasApi(sb).deleteIntegration(p);
        expect((await ws.run(["refresh", "--yes", "--expect-no-changes"])).code).not.toBe(0);
      },
      [
        { op: "update", name: "cpu" },
        { op: "update", name: "no-primary" },
        { op: "create", name: "pd" },
      ],
    ],
  ])("%s", async (_name, change, expected) => {
    const projectId = await project();
    const ws = await stacks.stack({ projectId, integrationKey: key, routings: "true" });
    await ws.ok(["up", "--yes"]);
    await change(ws, projectId);
    expect(await previewThenUp(ws)).toEqual(expected);
    // What up did is what the program says: nothing left to change, and the key is confirmed again.
    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    const pd = await integrationState(ws);
    expect(pd.keyConfirmed).toBe(true);
    const live = await atlasApi(sb).integration(pd.projectId);
    const configs = await atlasApi(sb).pagerDutyConfigs(pd.projectId);
    expect(configs.flatMap((c) => c.notifications.map((n: any) => n.integrationId))).toEqual([live.id, live.id]);
    await ws.ok(["destroy", "--yes"]);
  });

  it("every request the provider sent and every response conformed to the specs", () => {
    expect(recorder.errors()).toEqual([]);
  });
});
