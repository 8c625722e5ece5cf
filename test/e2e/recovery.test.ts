import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { parseResponse } from "../support/fetch";
import { newProjectId } from "../support/sandbox-client";
import { FAST_RETRY } from "../support/harness";

// The README's "After an interrupted pulumi up", done with the real CLI: a
// `pulumi up` is killed (SIGKILL, CLI and plugins) while the project already
// holds the integration and the initial incident is still open; then exactly
// the README's steps: `pulumi cancel` if the stack is locked,
// `pulumi refresh --clear-pending-creates`, `pulumi up`.
jest.setTimeout(240_000);

const programDir = path.resolve(__dirname, "program").replace(`${path.sep}dist${path.sep}`, path.sep);
const HOLD_MS = 15_000;
let sb: Sandbox;
let key: string;
const tmp: string[] = [];

beforeAll(async () => {
  sb = await startSandbox({});
  key = (await pagerDutyApi(sb).serviceWithKey("Recovery on-call")).key;
});

afterAll(async () => {
  await sb?.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

async function stack(config: Record<string, string>): Promise<PulumiWorkspace> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-recovery-"));
  tmp.push(stateDir);
  const name = `recovery-${process.pid}`;
  tmp.push(path.join(programDir, `Pulumi.${name}.yaml`));
  const ws = new PulumiWorkspace({ programDir, stateDir, stack: name, passphrase: "e2e-passphrase" });
  await ws.initStack();
  const provider = { ...sb.providerConfig(), ...FAST_RETRY };
  await ws.setConfig({
    ...Object.fromEntries(Object.entries(provider).map(([k, v]) => [k, { value: v, secret: /Secret|Token/.test(k) }])),
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: k === "integrationKey" }])),
  });
  return ws;
}

/** The process and every descendant (the CLI starts its plugins in their own process groups), from /proc. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of fs.readdirSync(`/proc/${out[i]}/task`)) {
        const kids = fs.readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8").trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // gone already
    }
  }
  return out;
}

async function faults(method: string, body?: unknown): Promise<any> {
  return (await parseResponse(await pagerDutyApi(sb).call(method, "/sandbox/faults", body))).body;
}

it("after pulumi up is killed mid-create, cancel/refresh --clear-pending-creates/up ends with exactly the program: no open initial incident, no duplicate", async () => {
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const ws = await stack({ projectId, integrationKey: key, routings: "true" });

  // Hold the initial alert's resolve: the project has accepted the key (the commit point), the incident is open.
  await faults("POST", { count: 1, skip: 1, delayMs: HOLD_MS, path: "events" });
  const child = spawn("pulumi", ["up", "--yes", "--non-interactive", "--color", "never", "--stack", ws.opts.stack], {
    cwd: programDir,
    env: ws.env,
    stdio: "ignore",
    detached: true,
  });
  const exited = new Promise((r) => child.once("exit", r));
  try {
    for (let i = 0; (await faults("GET")).faults.length > 0; i++) {
      if (i > 2400) throw new Error("pulumi up never reached the initial alert's resolve");
      await sleep(50);
    }
    expect(await atlasApi(sb).integration(projectId)).toBeDefined();
  } finally {
    // A crash: the CLI, the language host and the provider host die at once.
    const tree = processTree(child.pid!);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    for (const pid of tree) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await exited;
    await faults("DELETE");
  }
  await sleep(HOLD_MS); // the held resolve is answered (or not) before anyone retries

  // The README's steps.
  let refresh = await ws.run(["refresh", "--yes", "--clear-pending-creates"]);
  if (refresh.code !== 0 && /lock/i.test(refresh.stdout + refresh.stderr)) {
    await ws.ok(["cancel", "--yes"]);
    refresh = await ws.run(["refresh", "--yes", "--clear-pending-creates"]);
  }
  expect(refresh.code).toBe(0);
  await ws.ok(["up", "--yes"]);

  const outs = await ws.outputs();
  const live = await atlasApi(sb).integration(projectId);
  expect(live.serviceKey.slice(-4)).toBe(key.slice(-4));
  expect(outs.integrationId).toBe(live.id);
  const incidents = await pagerDutyApi(sb).incidents(outs.initialDedupKey);
  expect(incidents.length).toBeGreaterThan(0);
  expect(incidents.filter((i: any) => i.status !== "resolved")).toEqual([]);
  // The program's two routings and nothing else that notifies PagerDuty (new projects also hold Atlas's defaults).
  const routed = await atlasApi(sb).pagerDutyConfigs(projectId);
  expect(routed).toHaveLength(2);
  await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
  await ws.ok(["destroy", "--yes"]);
  expect(await atlasApi(sb).integration(projectId)).toBeUndefined();
});
