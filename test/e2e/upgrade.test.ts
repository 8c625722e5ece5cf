import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { ConformanceRecorder } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";
import { repoRoot } from "../support/provider-host";
import { MAX_STATE_BYTES_PER_RESOURCE, stackFactory, stateBytesPerResource } from "../support/e2e-stack";

// State written by 0.1.0 (the whole provider serialized into every resource,
// no schema version) is managed by this version: the stack is created by the
// program and provider of commit 9a4d691, built from git into a temporary
// directory, then refreshed, updated and destroyed by today's program.
jest.setTimeout(900_000);

const OLD_COMMIT = "9a4d691";
const programDir = path.resolve(__dirname, "program").replace(`${path.sep}dist${path.sep}`, path.sep);
let sb: Sandbox;
let recorder: ConformanceRecorder;
let oldDir: string;
const stacks = stackFactory(() => sb, programDir);

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  // The old tree, compiled with today's toolchain (only what its e2e program reaches).
  oldDir = fs.mkdtempSync(path.join(os.tmpdir(), `pdac-${OLD_COMMIT}-`));
  stacks.track(oldDir);
  const archive = execFileSync("git", ["-C", repoRoot, "archive", OLD_COMMIT], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", oldDir], { input: archive });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(oldDir, "node_modules"));
  fs.writeFileSync(path.join(oldDir, "tsconfig.old.json"), JSON.stringify({ extends: "./tsconfig.json", include: ["test/e2e/program/index.ts"] }));
  execFileSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", path.join(oldDir, "tsconfig.old.json")], { stdio: "inherit" });
});

afterAll(async () => {
  await sb?.close();
  stacks.cleanup();
});

const writes = (calls: Array<{ method: string }>) => calls.filter((c) => c.method !== "GET");

async function callsDuring(run: () => Promise<unknown>): Promise<Array<{ method: string; path: string }>> {
  const before = recorder.exchanges.length;
  await run();
  return recorder.exchanges
    .slice(before)
    .filter((e) => e.service !== "sandbox")
    .map((e) => ({ method: e.method, path: e.path }));
}

it(`a stack created by ${OLD_COMMIT} refreshes, upgrades with no API write, updates and destroys with this version`, async () => {
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const key = (await pagerDutyApi(sb).serviceWithKey("Database on-call")).key;
  const otherKey = (await pagerDutyApi(sb).serviceWithKey("Someone else")).key;

  // 1. The old version creates the stack.
  const current = await stacks.stack({ projectId, integrationKey: key, routings: "true" });
  const oldProgram = path.join(oldDir, "test/e2e/program");
  fs.copyFileSync(path.join(programDir, `Pulumi.${current.opts.stack}.yaml`), path.join(oldProgram, `Pulumi.${current.opts.stack}.yaml`));
  const old = new PulumiWorkspace({ ...current.opts, programDir: oldProgram });
  await old.ok(["up", "--yes"]);
  const before = await stateBytesPerResource(old);
  expect(before.resources).toBe(3);
  expect(Math.min(...before.providerChars)).toBeGreaterThan(50_000); // the whole provider, serialized
  const oldState = (await old.exportState()).deployment.resources.filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic/"));
  expect(oldState.every((r: any) => r.outputs.schemaVersion === undefined)).toBe(true);

  // 2. Today's program and package: refresh (the old code in state still reads), then a preview and an up that only upgrade the state.
  await current.ok(["refresh", "--yes", "--expect-no-changes"]);
  const preview = await current.steps(["preview"]);
  expect(preview.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["update cpu", "update no-primary", "update pd"]);
  const calls = await callsDuring(() => current.ok(["up", "--yes"]));
  expect(writes(calls)).toEqual([]);
  const after = await stateBytesPerResource(current);
  // Issue 9's goal for each resource type (0.1.0: about 360 KB): the upgrade writes the one-line stub into inputs and outputs.
  for (const bytes of Object.values(after.byKind)) expect(bytes).toBeLessThanOrEqual(MAX_STATE_BYTES_PER_RESOURCE);
  expect(Math.max(...after.providerChars)).toBeLessThan(128);
  const upgraded = (await current.exportState()).deployment.resources.filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic/"));
  expect(upgraded.map((r: any) => r.outputs.schemaVersion)).toEqual([1, 1, 1]);
  await current.ok(["refresh", "--yes", "--expect-no-changes"]);
  await current.ok(["up", "--yes", "--expect-no-changes"]);
  console.log(
    `checkpoint per resource: ${before.fileBytesPerResource} bytes with ${OLD_COMMIT}, ${after.fileBytesPerResource} bytes after the upgrade (largest resource record ${before.perResource} -> ${after.perResource} bytes; per type ${JSON.stringify(after.byKind)})`,
  );

  // 3. A real change goes through the new provider; the routings keep referencing the integration.
  await current.setConfig({ integrationKey: { value: otherKey, secret: true } });
  await current.ok(["up", "--yes"]);
  expect(await atlasApi(sb).integration(projectId)).toMatchObject({ serviceKey: "*".repeat(28) + otherKey.slice(-4) });
  const integration = await atlasApi(sb).integration(projectId);
  expect((await atlasApi(sb).pagerDutyConfigs(projectId)).map((c) => c.notifications[0].integrationId)).toEqual([integration.id, integration.id]);

  // 4. Destroy removes everything.
  await current.ok(["destroy", "--yes"]);
  expect(await atlasApi(sb).integration(projectId)).toBeUndefined();
  expect(await atlasApi(sb).pagerDutyConfigs(projectId)).toEqual([]);
  expect(recorder.errors()).toEqual([]);
});
