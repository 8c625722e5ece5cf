/**
 * The scale case of `npm run bench`: `pulumi up`, `refresh` and `destroy` of
 * 1 integration with 6 and with 60 routings, through the real CLI on the
 * sandbox, side by side in one run. Prints figures next to their goals;
 * asserts nothing. `BENCH_SCALE_ROUTINGS=2,6` runs other sizes (a quick check
 * that it works: the goals are for 6 and 60). Alone: `node dist/scripts/bench-scale.js`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { startSandbox } from "../sandbox";
import { pagerDutyApi } from "./lib/sandbox-api";
import { PulumiWorkspace } from "./lib/pulumi-cli";

// Compiled into dist/scripts/, or run from scripts/ by ts-jest.
const repoRoot = path.resolve(__dirname, __dirname.split(path.sep).includes("dist") ? "../.." : "..");
const programDir = path.join(repoRoot, "scripts/bench-program");

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

export async function scaleBench(): Promise<void> {
  const [n1, n2] = scaleSizes();
  const projects = [randomBytes(12).toString("hex"), randomBytes(12).toString("hex")];
  const sb = await startSandbox({ projects });
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
