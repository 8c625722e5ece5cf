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
import { FAST_RETRY } from "../support/harness";
import { MAX_STATE_BYTES_PER_RESOURCE, stateBytesPerResource } from "../support/e2e-stack";

// The package as users get it: `npm pack`, `npm install <tarball>` into a new
// program outside the repository, `import ... from "pagerduty-as-code"`, and
// the real Pulumi CLI on the sandbox.
jest.setTimeout(600_000);

let sb: Sandbox;
let recorder: ConformanceRecorder;
let work: string;
let tarballs: Record<string, string>;
let programDir: string;

const pulumiVersion =
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).devDependencies?.["@pulumi/pulumi"] ??
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const PROGRAM_TS = `import * as pulumi from "@pulumi/pulumi";
import { AlertNotification, AlertRouting, PagerDutyIntegration, type AlertRoutingArgs } from "pagerduty-as-code";

const config = new pulumi.Config();
const integration = new PagerDutyIntegration("pd", {
  projectId: config.require("projectId"),
  integrationKey: config.requireSecret("integrationKey"),
  region: "US",
});
const routings: Array<[string, Omit<AlertRoutingArgs, "integration">]> = [
  ["no-primary", { eventTypeName: "NO_PRIMARY", severity: "CRITICAL" }],
  ["cpu", { eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: ">", threshold: 90, units: "RAW" }, severity: "WARNING", delayMin: 10 }],
  ["relayed", {
    eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
    matchers: [{ fieldName: "HOSTNAME", operator: "STARTS_WITH", value: "prod-" }],
    metricThreshold: { metricName: "DISK_PARTITION_SPACE_USED_DATA", operator: ">", threshold: 80, units: "RAW" },
    severity: "ERROR",
    delivery: "relay",
    relayUrl: "http://127.0.0.1:9/atlas/webhook",
    relaySecret: config.requireSecret("relaySecret"),
  }],
];
for (const [name, args] of routings) new AlertRouting(name, { integration, ...args });
new AlertNotification("joined", { integration, selector: { eventTypeNames: ["JOINED_GROUP"], defaults: true } });
export const integrationId = integration.integrationId;
`;

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ observe: recorder.observe });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-user-"));
  expect(path.relative(repoRoot, work).startsWith("..")).toBe(true);
  // npm pack of every package (the build has staged them).
  const packed = execFileSync(process.execPath, [path.join(repoRoot, "dist/scripts/stage-packages.js"), "--pack", path.join(work, "tarballs")], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  tarballs = Object.fromEntries(
    packed
      .trim()
      .split("\n")
      .map((f) => [path.basename(f).replace(/-\d+\.\d+\.\d+\.tgz$/, ""), f]),
  );
  // A new TypeScript program, compiled with the repository's tsc against the installed package's types.
  programDir = path.join(work, "program");
  fs.mkdirSync(programDir);
  fs.writeFileSync(
    path.join(programDir, "package.json"),
    JSON.stringify(
      { name: "user-program", private: true, dependencies: { "@pulumi/pulumi": pulumiVersion, "pagerduty-as-code": `file:${tarballs["pagerduty-as-code"]}` } },
      null,
      2,
    ),
  );
  npm(["install", "--prefer-offline"], programDir);
  fs.writeFileSync(path.join(programDir, "index.ts"), PROGRAM_TS);
  fs.writeFileSync(
    path.join(programDir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "commonjs", strict: true, outDir: "bin", types: [], skipLibCheck: false },
      files: ["index.ts"],
    }),
  );
  fs.writeFileSync(
    path.join(programDir, "Pulumi.yaml"),
    "name: user-program\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: bin/index.js\n",
  );
});

afterAll(async () => {
  await sb?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed package in a program outside the repository", () => {
  it("the tarball holds the package's code, types and manifest only", () => {
    const files = execFileSync("tar", ["-tzf", tarballs["pagerduty-as-code"]], { encoding: "utf8" }).trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "package/package.json",
        "package/README.md",
        "package/dist/sdk/index.js",
        "package/dist/sdk/index.d.ts",
        "package/dist/provider/runtime.js",
      ]),
    );
    const strays = files.filter(
      (f) =>
        !/^package\/(package\.json|README\.md|dist\/(sdk|provider|clients|lib|catalog)\/.*\.(js|d\.ts|json))$/.test(f) ||
        /\.test\.|test-support|\/sandbox\/|\/relay\//.test(f),
    );
    expect(strays).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(programDir, "node_modules/pagerduty-as-code/package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: "pagerduty-as-code", peerDependencies: { "@pulumi/pulumi": expect.any(String) } });
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["undici", "zod"]);
  });

  it("installing it pulls only its declared dependencies: no sandbox or relay server packages", () => {
    const installed = fs.readdirSync(path.join(programDir, "node_modules"));
    for (const server of ["fastify", "pino", "pg-boss", "pagerduty-as-code-sandbox", "pagerduty-as-code-relay"]) expect(installed).not.toContain(server);
    expect(installed).toEqual(expect.arrayContaining(["pagerduty-as-code", "undici", "zod", "@pulumi"]));
  });

  it("a TypeScript program type-checks and compiles against the installed types", () => {
    execFileSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", programDir], { stdio: "pipe" });
    expect(fs.existsSync(path.join(programDir, "bin/index.js"))).toBe(true);
  });

  it("up, refresh --expect-no-changes, a second up that writes nothing, destroy; a few KB of state per resource", async () => {
    const projectId = newProjectId();
    await atlasApi(sb).createProject(projectId);
    const key = (await pagerDutyApi(sb).serviceWithKey("Database on-call")).key;
    const ws = new PulumiWorkspace({ programDir, stateDir: path.join(work, "state"), stack: "dev", passphrase: "e2e-passphrase" });
    await ws.initStack();
    await ws.setConfig({
      ...Object.fromEntries(Object.entries({ ...sb.providerConfig(), ...FAST_RETRY }).map(([k, v]) => [k, { value: v, secret: /Secret|Token/.test(k) }])),
      projectId: { value: projectId },
      integrationKey: { value: key, secret: true },
      relaySecret: { value: "relay-secret-0123456789abcdef", secret: true },
    });
    await ws.ok(["up", "--yes"]);
    // The routings' own configurations, and the default JOINED_GROUP one with the AlertNotification's.
    expect((await atlasApi(sb).pagerDutyConfigs(projectId)).map((c) => c.eventTypeName).sort()).toEqual([
      "JOINED_GROUP",
      "NO_PRIMARY",
      "OUTSIDE_METRIC_THRESHOLD",
    ]);
    const size = await stateBytesPerResource(ws);
    expect(size.resources).toBe(5);
    // Issue 9's goal, for each resource type (0.1.0: about 360 KB): `__provider` is one line of about 100 bytes.
    expect(Object.keys(size.byKind).sort()).toEqual(["AlertNotification", "AlertRouting", "PagerDutyIntegration"]);
    for (const bytes of Object.values(size.byKind)) expect(bytes).toBeLessThanOrEqual(MAX_STATE_BYTES_PER_RESOURCE);
    expect(Math.max(...size.providerChars)).toBeLessThan(128);
    console.log(
      `state: ${size.total} bytes for ${size.resources} resources (${size.fileBytesPerResource} bytes of checkpoint per resource; largest record per type ${JSON.stringify(size.byKind)}; __provider ${Math.max(...size.providerChars)} characters)`,
    );

    await ws.ok(["refresh", "--yes", "--expect-no-changes"]);
    const before = recorder.exchanges.length;
    await ws.ok(["up", "--yes", "--expect-no-changes"]);
    expect(recorder.exchanges.slice(before).filter((e) => e.service !== "sandbox" && e.method !== "GET")).toEqual([]);

    await ws.ok(["destroy", "--yes"]);
    expect(await atlasApi(sb).integration(projectId)).toBeUndefined();
    expect(await atlasApi(sb).pagerDutyConfigs(projectId)).toEqual([]);
    for (const s of [key, "relay-secret-0123456789abcdef", sb.credentials.clientSecret, sb.pagerdutyToken]) expect(ws.transcript.includes(s)).toBe(false);
    expect(recorder.errors()).toEqual([]);
  });

  it("the sandbox package runs through npx outside the repository", () => {
    const dir = path.join(work, "sandbox-user");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "sandbox-user", private: true }));
    npm(["install", "--prefer-offline", tarballs["pagerduty-as-code-sandbox"]], dir);
    const help = execFileSync("npx", ["--no-install", "pagerduty-as-code-sandbox", "--help"], { cwd: dir, encoding: "utf8" });
    expect(help).toMatch(/--data-dir/);
  });
});
