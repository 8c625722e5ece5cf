import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packPlugin } from "../../scripts/pack-plugin";
import { packageDirs, stagePackage } from "../../scripts/stage-packages";
import { PluginHost } from "../support/plugin-host";
import { repoRoot } from "../support/provider-host";

// The published packages (packages/*): each holds only the code its entry
// points reach and declares every third-party package that code imports.
// (test/e2e/package.test.ts installs the packed tarball outside the repo.)
const distDir = path.join(repoRoot, "dist");
const manifests = packageDirs().map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) }));

describe("published packages", () => {
  it.each(manifests.map((m) => [m.manifest.name, m] as const))("%s: publishable manifest, every import declared", (_name, { dir, manifest }) => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    // The plugin's package also carries its launchers: the executable the engine starts, and the bulk import command.
    expect(manifest.files).toEqual(
      manifest.name === "pulumi-resource-pagerduty-as-code" ? ["dist", "README.md", manifest.name, "pagerduty-as-code-import"] : ["dist", "README.md"],
    );
    expect(fs.existsSync(path.join(dir, "README.md"))).toBe(true);
    const staged = stagePackage(dir, { distDir, write: false });
    if (staged.files.length === 0) return; // not built yet (the relay, until relay/ has its entry points)
    expect(staged.missing).toEqual([]);
    expect(staged.undeclared).toEqual([]);
    expect(staged.files.filter((f) => /\.test\.|test-support|(^|\/)test\//.test(f))).toEqual([]);
  });

  it("pagerduty-as-code: the SDK and the provider runtime, no server code; @pulumi/pulumi as a peer", () => {
    const { dir, manifest } = manifests.find((m) => m.manifest.name === "pagerduty-as-code")!;
    expect(manifest.exports).toMatchObject({ ".": { types: "./dist/sdk/index.d.ts" }, "./provider/runtime": { default: "./dist/provider/runtime.js" } });
    expect(Object.keys(manifest.peerDependencies)).toEqual(["@pulumi/pulumi"]);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["undici", "zod"]);
    const staged = stagePackage(dir, { distDir, write: false });
    expect(staged.files).toEqual(expect.arrayContaining(["dist/sdk/index.js", "dist/sdk/stub.js", "dist/provider/runtime.js"]));
    expect(staged.files.filter((f) => /^dist\/(sandbox|relay|scripts|examples)\//.test(f))).toEqual([]);
    expect([...staged.imports.keys()].sort()).toEqual(["@pulumi/pulumi", "undici", "zod"]);
  });

  it("pagerduty-as-code-relay pins pg-boss exactly, to the version the repository tests (the relay queries pg-boss's tables directly)", () => {
    const { manifest } = manifests.find((m) => m.manifest.name === "pagerduty-as-code-relay")!;
    const root = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    expect(manifest.dependencies["pg-boss"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.dependencies["pg-boss"]).toBe(root.dependencies["pg-boss"]);
  });

  it("the stub in sdk/stub.ts names an entry point the manifest exports", () => {
    const { RUNTIME_ENTRY } = require("../../sdk/stub");
    const { manifest } = manifests.find((m) => m.manifest.name === "pagerduty-as-code")!;
    const [name, ...sub] = String(RUNTIME_ENTRY).split("/");
    expect(name).toBe(manifest.name);
    expect(Object.keys(manifest.exports)).toContain(`./${sub.join("/")}`);
  });
});

describe("the provider plugin's tarball (npm run pack; pulumi plugin install resource ... --file)", () => {
  const pluginDir = path.join(repoRoot, "packages/pulumi-resource-pagerduty-as-code");
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-plugin-tarball-"));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it("is self-contained: the launcher on top, the code the plugin runs beside it; unpacked outside the repository it serves", async () => {
    const { tarball, packages, files } = packPlugin(pluginDir, path.join(work, "out"));
    expect(path.basename(tarball)).toBe("pulumi-resource-pagerduty-as-code-v0.2.0.tar.gz");
    const names = packages.map((p) => p.slice(0, p.lastIndexOf("@")));
    // What the plugin imports, and what those import in turn...
    expect(names).toEqual(expect.arrayContaining(["@grpc/grpc-js", "@pulumi/pulumi", "google-protobuf", "undici", "zod"]));
    // ...not @pulumi/pulumi's whole dependency tree: only its protocol stubs are run.
    expect(names.filter((n) => /typescript|opentelemetry|@npmcli|jest|ts-node/.test(n))).toEqual([]);
    expect(files.filter((f) => f.startsWith("node_modules/@pulumi/pulumi/") && !/\/(proto\/[\w]+\.js|package\.json|LICENSE)$/.test(f))).toEqual([]);

    const dir = path.join(work, "installed");
    fs.mkdirSync(dir);
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    expect(fs.readdirSync(dir).sort()).toEqual([
      "README.md",
      "dist",
      "node_modules",
      "package.json",
      "pagerduty-as-code-import",
      "pulumi-resource-pagerduty-as-code",
    ]);
    for (const launcher of ["pulumi-resource-pagerduty-as-code", "pagerduty-as-code-import"])
      expect(fs.statSync(path.join(dir, launcher)).mode & 0o111).not.toBe(0);
    const host = await PluginHost.start({}, path.join(dir, "dist/provider/plugin/main.js"));
    try {
      const schema = await host.getSchema();
      expect(schema).toMatchObject({ name: "pagerduty-as-code", version: "0.2.0" });
    } finally {
      await host.stop();
    }
  });
});
