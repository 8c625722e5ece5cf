import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { FAST_RETRY } from "./harness";

/**
 * Stacks of a Pulumi program on a local file backend, configured against a
 * sandbox: the setup of the end-to-end tests. `cleanup()` removes the state
 * directories and the stack config files written beside Pulumi.yaml.
 */
export function stackFactory(sb: () => Sandbox, programDir: string) {
  const tmp: string[] = [];
  let count = 0;
  return {
    async stack(config: Record<string, string>, opts: { stateDir?: string; name?: string } = {}): Promise<PulumiWorkspace> {
      const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pdac-e2e-"));
      tmp.push(stateDir);
      const name = opts.name ?? `e2e-${process.pid}-${path.basename(programDir)}-${++count}`;
      tmp.push(path.join(programDir, `Pulumi.${name}.yaml`));
      const ws = new PulumiWorkspace({ programDir, stateDir, stack: name, passphrase: "e2e-passphrase" });
      await ws.initStack();
      const provider = { ...sb().providerConfig(), ...FAST_RETRY };
      await ws.setConfig({
        ...Object.fromEntries(Object.entries(provider).map(([k, v]) => [k, { value: v, secret: /Secret|Token/.test(k) }])),
        ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: k === "integrationKey" || k === "relaySecret" }])),
      });
      return ws;
    },
    track(p: string): void {
      tmp.push(p);
    },
    cleanup(): void {
      for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The integration's outputs in state (stack outputs are only rewritten when the program runs, not by refresh). */
export async function integrationState(ws: PulumiWorkspace): Promise<Record<string, any>> {
  const state = await ws.exportState();
  return state.deployment.resources.find((r: any) => r.type.endsWith(":PagerDutyIntegration")).outputs;
}

/**
 * State size from the stack's checkpoint file (what the file backend rewrites
 * after every step): `perResource` is the largest record of one of our
 * resources in it (inputs, outputs, dependencies, `__provider`; indented as
 * the file is), `byKind` the largest per resource type, `fileBytesPerResource`
 * the whole file (stack, default provider and config included) over our resources.
 */
export async function stateBytesPerResource(ws: PulumiWorkspace): Promise<{
  total: number;
  resources: number;
  perResource: number;
  byKind: Record<string, number>;
  fileBytesPerResource: number;
  providerChars: number[];
}> {
  const file = ws.stateFiles().find((f) => f.includes(`${path.sep}stacks${path.sep}`) && f.endsWith(`${path.sep}${ws.opts.stack}.json`));
  if (!file) throw new Error(`no checkpoint file for stack ${ws.opts.stack} in ${ws.opts.stateDir}`);
  const text = fs.readFileSync(file, "utf8");
  const resources = (JSON.parse(text).checkpoint?.latest?.resources ?? []).filter((r: any) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
  const providerChars = resources.flatMap((r: any) =>
    [r.inputs?.__provider, r.outputs?.__provider].filter((p: unknown) => typeof p === "string").map((p: string) => p.length),
  );
  const total = Buffer.byteLength(text);
  const byKind: Record<string, number> = {};
  for (const r of resources) {
    const bytes = Buffer.byteLength(JSON.stringify(r, null, 4).replace(/\n/g, "\n            "));
    const kind = String(r.type).split(":").pop()!;
    byKind[kind] = Math.max(byKind[kind] ?? 0, bytes);
  }
  return {
    total,
    resources: resources.length,
    perResource: Math.max(0, ...Object.values(byKind)),
    byKind,
    fileBytesPerResource: Math.round(total / Math.max(1, resources.length)),
    providerChars,
  };
}

/** The goal of issue 9: at most 8 KB of checkpoint per resource, for every resource type. */
export const MAX_STATE_BYTES_PER_RESOURCE = 8 * 1024;
