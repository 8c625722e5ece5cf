/**
 * The scale case of `npm run bench`: `pulumi up`, `refresh` and `destroy` of
 * 1 integration with 6 and with 60 routings, through the real CLI on the
 * sandbox, side by side in one run; then the fleet case (issue 19): an
 * AlertRoutingSet over 10 projects of 50 resources each (an integration, 45
 * routings and 4 AlertNotifications per project: 500), next to the 6-routing
 * run. Prints figures next to their goals; asserts nothing.
 * `BENCH_SCALE_ROUTINGS=2,6` runs other sizes (a quick check that it works: the
 * goals are for 6 and 60); `BENCH_SCALE_FLEET=3x10` another fleet (projects x
 * resources per project), `BENCH_SCALE_FLEET=0` none. The fleet runs twice, the second time with
 * PULUMI_SKIP_CHECKPOINTS=true, to show what the file backend's checkpoint after every step costs;
 * `BENCH_SCALE_PROFILE=<dir>` writes the CLI's CPU profile of the first fleet up there
 * (`pulumi up --profiling`; read it with `go tool pprof -top`). Alone: `node dist/scripts/bench-scale.js`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { type Exchange, startSandbox } from "../sandbox";
import { pagerDutyApi } from "./lib/sandbox-api";
import { PulumiWorkspace } from "./lib/pulumi-cli";

// Compiled into dist/scripts/, or run from scripts/ by ts-jest.
const repoRoot = path.resolve(__dirname, __dirname.split(path.sep).includes("dist") ? "../.." : "..");
const programDir = path.join(repoRoot, "scripts/bench-program");

/** Goals of issue 19 for the fleet: up time against the 6-routing run, checkpoint per resource, reads per resource on refresh. */
const FLEET_GOALS = { ratio: 5, bytesPerResource: 4 * 1024, readsPerResource: 1 };

/** Goals of issue 9, and what 0.1.0 (the whole provider serialized into state) measured. */
const GOALS = { marginalSeconds: 0.15, ratio: 2.5, bytesPerResource: 8 * 1024 };
const BEFORE = { up6: 8.8, up60: 53.6, bytesPerResource: 360 * 1024 };

interface Run {
  routings: number;
  up: number;
  refresh: number;
  destroy: number;
  bytesPerResource: number;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

async function measure(routings: number, config: Record<string, string>, stateDir: string): Promise<Run> {
  const stack = `bench-${routings}-${process.pid}`;
  const ws = new PulumiWorkspace({ programDir, stateDir, stack, passphrase: "bench" });
  try {
    await ws.initStack();
    await ws.setConfig({
      ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: /Secret|Token|integrationKey/.test(k) }])),
      routingCount: { value: String(routings) },
    });
    const up = await timed(() => ws.ok(["up", "--yes", "--skip-preview"]));
    const file = ws.stateFiles().find((f) => f.endsWith(`${path.sep}${stack}.json`) && f.includes(`${path.sep}stacks${path.sep}`));
    const bytesPerResource = file ? fs.statSync(file).size / (routings + 1) : NaN;
    const refresh = await timed(() => ws.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]));
    const destroy = await timed(() => ws.ok(["destroy", "--yes", "--skip-preview"]));
    return { routings, up, refresh, destroy, bytesPerResource };
  } finally {
    fs.rmSync(path.join(programDir, `Pulumi.${stack}.yaml`), { force: true });
  }
}

/** The two routing counts to compare: `BENCH_SCALE_ROUTINGS` ("small,large"), default 6 and 60. */
export function scaleSizes(env: NodeJS.ProcessEnv = process.env): [number, number] {
  const raw = env.BENCH_SCALE_ROUTINGS ?? "6,60";
  const sizes = raw.split(",").map((x) => Number(x.trim()));
  if (sizes.length !== 2 || !sizes.every((n) => Number.isInteger(n) && n >= 0 && n <= 500) || sizes[0] >= sizes[1]) {
    throw new Error(`BENCH_SCALE_ROUTINGS must be two routing counts "small,large" (0 to 500, small < large), for example 6,60; got ${JSON.stringify(raw)}`);
  }
  return [sizes[0], sizes[1]];
}

/** The fleet: `BENCH_SCALE_FLEET` ("projects x resources per project"), default 10x50; "0" for none. */
export function fleetSize(env: NodeJS.ProcessEnv = process.env): { projects: number; perProject: number } | undefined {
  const raw = env.BENCH_SCALE_FLEET ?? "10x50";
  if (raw === "0") return undefined;
  const m = /^(\d+)x(\d+)$/.exec(raw.trim());
  const projects = Number(m?.[1]);
  const perProject = Number(m?.[2]);
  if (!m || projects < 1 || projects > 50 || perProject < 6 || perProject > 200) {
    throw new Error(
      `BENCH_SCALE_FLEET must be "<projects>x<resources per project>" (1-50 projects, 6-200 resources each), for example 10x50, or 0; got ${JSON.stringify(raw)}`,
    );
  }
  return { projects, perProject };
}

interface FleetRun {
  resources: number;
  up: number;
  preview: number;
  refresh: number;
  destroy: number;
  bytesPerResource: number;
  refreshReads: number;
  refreshTokens: number;
}

/** The fleet through the real CLI: up, a preview with nothing to do, refresh (its API reads counted), destroy. */
async function measureFleet(
  fleet: { projects: number; perProject: number },
  projectIds: string[],
  config: Record<string, string>,
  stateDir: string,
  exchanges: Exchange[],
  variant: { name: string; env?: NodeJS.ProcessEnv; profile?: string } = { name: "" },
): Promise<FleetRun> {
  const stack = `bench-fleet${variant.name}-${process.pid}`;
  const notifications = 4;
  const routings = fleet.perProject - 1 - notifications;
  const resources = fleet.projects * fleet.perProject;
  const ws = new PulumiWorkspace({ programDir, stateDir, stack, passphrase: "bench", env: variant.env });
  try {
    await ws.initStack();
    await ws.setConfig({
      ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: /Secret|Token|integrationKey/.test(k) }])),
      setProjects: { value: JSON.stringify(Object.fromEntries(projectIds.map((id, i) => [`p${i}`, id]))) },
      routingCount: { value: String(routings) },
      notificationCount: { value: String(notifications) },
    });
    const up = await timed(() => ws.ok(["up", "--yes", "--skip-preview", ...(variant.profile ? ["--profiling", variant.profile] : [])]));
    const file = ws.stateFiles().find((f) => f.endsWith(`${path.sep}${stack}.json`) && f.includes(`${path.sep}stacks${path.sep}`));
    const bytesPerResource = file ? fs.statSync(file).size / resources : NaN;
    const preview = await timed(() => ws.ok(["preview", "--expect-no-changes"]));
    const from = exchanges.length;
    const refresh = await timed(() => ws.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]));
    // The sandbox reports its token endpoint as a sandbox path, beside the API calls.
    const during = exchanges.slice(from);
    const refreshTokens = during.filter((e) => e.path === "/api/oauth/token").length;
    const refreshReads = during.filter((e) => e.service !== "sandbox").length;
    const destroy = await timed(() => ws.ok(["destroy", "--yes", "--skip-preview"]));
    return { resources, up, preview, refresh, destroy, bytesPerResource, refreshReads, refreshTokens };
  } finally {
    fs.rmSync(path.join(programDir, `Pulumi.${stack}.yaml`), { force: true });
  }
}

export async function scaleBench(): Promise<void> {
  const [n1, n2] = scaleSizes();
  const fleet = fleetSize();
  const projects = [randomBytes(12).toString("hex"), randomBytes(12).toString("hex")];
  const fleetProjects = Array.from({ length: fleet?.projects ?? 0 }, () => randomBytes(12).toString("hex"));
  const exchanges: Exchange[] = [];
  const sb = await startSandbox({ projects: [...projects, ...fleetProjects], observe: (e) => exchanges.push(e) });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-bench-"));
  try {
    const key = (await pagerDutyApi(sb).serviceWithKey("bench")).key;
    const base = { ...sb.providerConfig(), integrationKey: key };
    const small = await measure(n1, { ...base, projectId: projects[0] }, stateDir);
    const large = await measure(n2, { ...base, projectId: projects[1] }, stateDir);
    const marginal = (large.up - small.up) / (n2 - n1);
    const ratio = large.up / small.up;
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    const standard = n1 === 6 && n2 === 60;
    console.log(
      `scale (real Pulumi CLI, file backend, sandbox): 1 integration + N routings${standard ? "" : ` (N=${n1} and ${n2}: the goals are for 6 and 60)`}`,
    );
    for (const r of [small, large]) {
      console.log(
        `  N=${String(r.routings).padStart(2)}: up ${r.up.toFixed(1)} s, refresh ${r.refresh.toFixed(1)} s, destroy ${r.destroy.toFixed(1)} s, state ${kb(r.bytesPerResource)} per resource`,
      );
    }
    console.log(
      `  marginal cost of a routing (up, (t${n2} - t${n1}) / ${n2 - n1}): ${marginal.toFixed(3)} s   goal <= ${GOALS.marginalSeconds} s   (0.1.0: ${((BEFORE.up60 - BEFORE.up6) / 54).toFixed(2)} s)`,
    );
    console.log(`  up time ratio ${n2} / ${n1}: ${ratio.toFixed(2)}x   goal <= ${GOALS.ratio}x at 60 / 6   (0.1.0: ${(BEFORE.up60 / BEFORE.up6).toFixed(1)}x)`);
    console.log(
      `  state per resource (N=${n2}): ${kb(large.bytesPerResource)}   goal <= ${kb(GOALS.bytesPerResource)}   (0.1.0: about ${kb(BEFORE.bytesPerResource)})`,
    );
    exchanges.length = 0;
    if (fleet && n1 > 0) {
      const profile = process.env.BENCH_SCALE_PROFILE;
      const f = await measureFleet(fleet, fleetProjects, base, stateDir, exchanges, { name: "", profile: profile && path.join(profile, "up") });
      // The same fleet without the file backend's checkpoint after every step (the engine writes the state once, at the end).
      const nc = await measureFleet(fleet, fleetProjects, base, stateDir, exchanges, { name: "-nocp", env: { PULUMI_SKIP_CHECKPOINTS: "true" } });
      const standardFleet = fleet.projects === 10 && fleet.perProject === 50 && n1 === 6;
      console.log(
        `fleet (real Pulumi CLI): AlertRoutingSet over ${fleet.projects} projects x ${fleet.perProject} resources (integration, ${fleet.perProject - 5} routings, 4 AlertNotifications each)${standardFleet ? "" : " (the goals are for 10 x 50 against 6 routings)"}`,
      );
      console.log(
        `  N=${f.resources}: up ${f.up.toFixed(1)} s, preview ${f.preview.toFixed(1)} s, refresh ${f.refresh.toFixed(1)} s, destroy ${f.destroy.toFixed(1)} s   (N=${n1}: up ${small.up.toFixed(1)} s, refresh ${small.refresh.toFixed(1)} s)`,
      );
      console.log(`  up time ratio ${f.resources} / ${n1} routings: ${(f.up / small.up).toFixed(2)}x   goal <= ${FLEET_GOALS.ratio}x`);
      console.log(
        `  with PULUMI_SKIP_CHECKPOINTS=true (no checkpoint rewritten after each step): up ${nc.up.toFixed(1)} s (${(nc.up / small.up).toFixed(2)}x), destroy ${nc.destroy.toFixed(1)} s: the checkpoint writes take ${(f.up - nc.up).toFixed(1)} s of the up, ${(f.destroy - nc.destroy).toFixed(1)} s of the destroy`,
      );
      console.log(`  checkpoint per resource: ${kb(f.bytesPerResource)}   goal <= ${kb(FLEET_GOALS.bytesPerResource)}`);
      console.log(
        `  refresh: ${(f.refreshReads / f.resources).toFixed(2)} reads per resource (${f.refreshReads} for ${f.resources}), ${f.refreshTokens} token(s)   goal ${FLEET_GOALS.readsPerResource} read per resource + 1 token per run`,
      );
    }
  } finally {
    await sb.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  scaleBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
