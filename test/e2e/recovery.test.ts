import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startSandbox, type Sandbox } from "../../sandbox";
import type { Exchange } from "../../sandbox/http/exchange";
import { initialDedupKey } from "../../provider/integration/initial-alert";
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
/** Every request the sandbox answered, in order: which recovery path ran. */
const seen: Exchange[] = [];

beforeAll(async () => {
  sb = await startSandbox({ observe: (e) => seen.push(e) });
  key = (await pagerDutyApi(sb).serviceWithKey("Recovery on-call")).key;
});

afterAll(async () => {
  await sb?.close();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

let stacks = 0;
async function stack(config: Record<string, string>): Promise<PulumiWorkspace> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-recovery-"));
  tmp.push(stateDir);
  const name = `recovery-${process.pid}-${++stacks}`;
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

/** What the project API and PagerDuty's Events API received from index `from` on, for this project's integration and this key. */
function received(from: number, projectId: string): { integration: string[]; events: Array<{ action: string; dedupKey: string }> } {
  const since = seen.slice(from);
  return {
    integration: since
      .filter((e) => e.service === "atlas" && e.path.endsWith(`/groups/${projectId}/integrations/PAGER_DUTY`))
      .map((e) => `${e.method} ${e.status}`),
    events: since
      .filter((e) => e.service === "pagerduty-events" && (e.requestBody as any)?.routing_key === key)
      .map((e) => ({ action: String((e.requestBody as any).event_action), dedupKey: String((e.requestBody as any).dedup_key) })),
  };
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
  const crashed = seen.length;
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
  const dedupKey = initialDedupKey(projectId, key);
  // The interrupted attempt stored the integration (the commit point) and triggered the initial alert under the deterministic dedup key.
  const first = received(crashed, projectId);
  expect(first.integration.filter((r) => r.startsWith("POST"))).toEqual([expect.stringMatching(/^POST 20\d$/)]);
  expect(first.events[0]).toEqual({ action: "trigger", dedupKey });

  // The README's steps.
  let refresh = await ws.run(["refresh", "--yes", "--clear-pending-creates"]);
  if (refresh.code !== 0 && /lock/i.test(refresh.stdout + refresh.stderr)) {
    await ws.ok(["cancel", "--yes"]);
    refresh = await ws.run(["refresh", "--yes", "--clear-pending-creates"]);
  }
  expect(refresh.code).toBe(0);
  const retry = seen.length;
  const up = await ws.ok(["up", "--yes"]);

  // The path the retry took: create ran again, found the project already holding this key (409, then a GET) and adopted it,
  // with no second integration and no other write; its alert folded into the same incident and was resolved.
  const again = received(retry, projectId);
  expect(again.integration.filter((r) => !r.startsWith("GET"))).toEqual(["POST 409"]);
  expect(again.integration[1]).toBe("GET 200"); // right after the 409: the project holds our key and region, so create adopts it
  expect(again.events).toEqual([
    { action: "trigger", dedupKey },
    { action: "resolve", dedupKey },
  ]);
  expect(up.stdout).toMatch(/PagerDutyIntegration\s+pd\s+created/);
  expect(up.stdout).not.toMatch(/already has a PagerDuty integration/);

  const outs = await ws.outputs();
  const live = await atlasApi(sb).integration(projectId);
  expect(live.serviceKey.slice(-4)).toBe(key.slice(-4));
  expect(outs.integrationId).toBe(live.id);
  expect(outs.initialDedupKey).toBe(dedupKey);
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

it("a clean-up that fails after the commit point: pulumi up shows the warning, preview shows the change, the next up finishes it", async () => {
  const projectId = newProjectId();
  await atlasApi(sb).createProject(projectId);
  const ws = await stack({ projectId, integrationKey: key });
  // Every attempt to resolve the initial alert fails (FAST_RETRY: 3 attempts); the trigger before it goes through.
  await faults("POST", { count: 3, skip: 1, status: 503, path: "events" });
  const up = await ws.ok(["up", "--yes"]).finally(() => faults("DELETE"));
  // The provider host's stderr reaches the CLI as messages of the stack: printed as the step runs and again under Diagnostics.
  const shown = up.stdout.slice(up.stdout.lastIndexOf("Diagnostics:"));
  expect(shown).toMatch(
    /warning: the PagerDuty integration of project [0-9a-f]{24} is stored, but clean-up failed; the next pulumi up retries it \(pendingCleanup\)/,
  );
  expect(shown).toMatch(/resolve the initial incident pdac-initial-[0-9a-f]{40} \(key ending [0-9a-f]{4}, region US\)/);
  expect(shown.includes(key)).toBe(false);
  const dedupKey = initialDedupKey(projectId, key);
  expect((await pagerDutyApi(sb).incidents(dedupKey)).filter((i: any) => i.status !== "resolved")).toHaveLength(1);

  const preview = await ws.steps(["preview"]);
  expect(preview.steps.map((st) => `${st.op} ${st.name}`)).toEqual(["update pd"]);
  const from = seen.length;
  const next = await ws.steps(["up", "--yes"]);
  expect(next.steps.map((st) => `${st.op} ${st.name}`)).toEqual(["update pd"]);
  expect(received(from, projectId)).toEqual({ integration: [], events: [{ action: "resolve", dedupKey }] });
  expect((await pagerDutyApi(sb).incidents(dedupKey)).filter((i: any) => i.status !== "resolved")).toEqual([]);
  await ws.ok(["up", "--yes", "--expect-no-changes"]);
  await ws.ok(["destroy", "--yes"]);
});
